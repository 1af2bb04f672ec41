import { describe, expect, it } from 'vitest';
import type { Message, NodeContext, NodeId } from '../../src/runtime/context.js';
import { actorStack, defaultFailureDetectorConfig, type PeerActor, type ServiceActor, type SupervisorConfig } from '../../src/actors/index.js';
import { ActorWorld, FullMembership } from './world.js';

const N = 4;

/** Pings every neighbour of its peer actor every 100 ms; counts the pings it receives. */
class EchoService implements ServiceActor {
  received = 0;
  constructor(
    private readonly ctx: NodeContext,
    private readonly peer: PeerActor,
  ) {}
  onStart(): void {
    this.ctx.setTimer(100, this.tick);
  }
  onMessage(): void {
    this.received++;
  }
  private readonly tick = (): void => {
    for (const p of this.peer.neighbours()) this.ctx.send(p, { type: 'echo.ping' }, 16);
    this.ctx.setTimer(100, this.tick);
  };
}

/** Counts its own 100 ms ticks; throws on a `boom` message. Node 1 sends booms to node 0 at `boomAtMs`. */
class FragileService implements ServiceActor {
  ticks = 0;
  stopped = false;
  constructor(
    private readonly ctx: NodeContext,
    boomAtMs: readonly number[],
  ) {
    if (ctx.id === 1 && ctx.nowMs() === 0) {
      for (const t of boomAtMs) ctx.setTimer(t, () => ctx.send(0, { type: 'boom' }, 8));
    }
  }
  onStart(): void {
    this.ctx.setTimer(100, this.tick);
  }
  onMessage(_from: NodeId, message: Message): void {
    if (message.type === 'boom') throw new Error(`boom at ${this.ctx.nowMs()} ms`);
  }
  onStop(): void {
    this.stopped = true;
  }
  private readonly tick = (): void => {
    this.ticks++;
    this.ctx.setTimer(100, this.tick);
  };
}

function world(boomAtMs: readonly number[], supervisor: Omit<SupervisorConfig, 'onEscalate'>) {
  const fragiles: FragileService[] = [];
  const escalations: string[] = [];
  const stack = actorStack({
    membership: { name: 'members', build: (ctx) => new FullMembership(ctx.id, N) },
    detector: { ...defaultFailureDetectorConfig, periodMs: 200, timeoutMs: 1000 },
    samplePeriodMs: 500,
    supervisor: { ...supervisor, onEscalate: (name) => escalations.push(name) },
    peerActors: [{ name: 'peer', overlay: 'live' }],
    services: [
      { name: 'echo', subscribe: ['peer'], factory: (ctx, peers) => new EchoService(ctx, peers.get('peer') as PeerActor) },
      {
        name: 'fragile',
        subscribe: ['peer'],
        factory: (ctx) => {
          const s = new FragileService(ctx, boomAtMs);
          if (ctx.id === 0) fragiles.push(s);
          return s;
        },
      },
    ],
  });
  return { w: new ActorWorld(N, 7, stack), fragiles, escalations };
}

describe('Supervisor', () => {
  it('restarts a service that throws with fresh state, and the other services on the node never notice', () => {
    const { w, fragiles, escalations } = world([2000], { restartsMax: 3, restartWindowMs: 10_000 });
    w.runUntil(1990);
    const echo = w.node(0).supervisor.service('echo').current<EchoService>() as EchoService;
    const receivedBefore = echo.received;
    expect(receivedBefore).toBeGreaterThan(0);
    expect(fragiles).toHaveLength(1);
    const first = fragiles[0];
    expect(first.ticks).toBe(19);

    w.runUntil(4000);
    const fragile = w.node(0).supervisor.service('fragile');
    expect(fragile.restarts).toBe(1);
    expect(fragile.state).toBe('running');
    expect(fragiles).toHaveLength(2);
    expect(first.stopped).toBe(true);
    expect(first.ticks).toBe(20); // the failed instance's timers died with it
    const second = fragile.current<FragileService>() as FragileService;
    expect(second).toBe(fragiles[1]);
    expect(second.ticks).toBe(19); // fresh state: ticks since the restart at ~2003 ms only
    // echo: the very same instance, still counting
    expect(w.node(0).supervisor.service('echo').current()).toBe(echo);
    expect(w.node(0).supervisor.service('echo').restarts).toBe(0);
    expect(echo.received).toBeGreaterThan(receivedBefore + 50);
    expect(w.counters.get('actors.restarts')).toBe(1);
    expect(w.counters.get('actors.fragile.restarts')).toBe(1);
    expect(escalations).toEqual([]);
  });

  it('escalates after restartsMax restarts within the window: stopped, reported, the others keep running', () => {
    const { w, fragiles, escalations } = world([1000, 2000, 3000, 4000], { restartsMax: 2, restartWindowMs: 10_000 });
    w.runUntil(3500);
    const fragile = w.node(0).supervisor.service('fragile');
    expect(fragile.state).toBe('escalated');
    expect(fragile.current()).toBeNull();
    expect(fragile.restarts).toBe(2);
    expect(fragiles).toHaveLength(3);
    expect(fragiles[2].stopped).toBe(true);
    expect(escalations).toEqual(['fragile']);
    expect(w.node(0).supervisor.escalatedServices()).toEqual(['fragile']);
    expect(w.counters.get('actors.escalations')).toBe(1);
    const ticksAtEscalation = fragiles[2].ticks;
    const echo = w.node(0).supervisor.service('echo').current<EchoService>() as EchoService;
    const received = echo.received;
    w.runUntil(6000);
    expect(fragiles[2].ticks).toBe(ticksAtEscalation); // no timer of an escalated service fires
    expect(fragiles).toHaveLength(3); // never rebuilt, not even by the boom at 4 s
    expect(escalations).toEqual(['fragile']);
    expect(echo.received).toBeGreaterThan(received + 50);
    expect(w.node(1).supervisor.service('fragile').state).toBe('running');
  });

  it('forgets restarts older than the window: 4 failures spaced beyond a 2-in-10 s window never escalate', () => {
    const { w, escalations } = world([1000, 2000, 13_000, 14_000], { restartsMax: 2, restartWindowMs: 10_000 });
    w.runUntil(16_000);
    expect(w.node(0).supervisor.service('fragile').restarts).toBe(4);
    expect(w.node(0).supervisor.service('fragile').state).toBe('running');
    expect(escalations).toEqual([]);
  });

  it('restarts a service whose overlay notification handler throws', () => {
    let builds = 0;
    const stack = actorStack({
      membership: { name: 'members', build: (ctx) => new FullMembership(ctx.id, N) },
      detector: { ...defaultFailureDetectorConfig, periodMs: 200, timeoutMs: 1000 },
      samplePeriodMs: 500,
      supervisor: { restartsMax: 100, restartWindowMs: 1000 },
      peerActors: [{ name: 'peer', overlay: 'live' }],
      services: [
        {
          name: 'picky',
          subscribe: ['peer'],
          factory: (ctx) => {
            if (ctx.id === 0) builds++;
            return {
              onStart() {},
              onJoin(peer: NodeId) {
                if (peer === 2) throw new Error('no 2s');
              },
            };
          },
        },
      ],
    });
    const w = new ActorWorld(N, 3, stack);
    w.runUntil(2000);
    expect(builds).toBe(2);
    expect(w.node(0).supervisor.service('picky').restarts).toBe(1);
    expect(String(w.node(0).supervisor.service('picky').lastError)).toContain('no 2s');
  });
});

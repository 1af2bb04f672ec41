/**
 * The node's shared actor layer: one ActorNode and one supervisor for every layer of a stack
 * (`superviseIn`, `superviseOver`, `addActorLayer`), the restart policy set at build time, and
 * a service's hypervisor callbacks supervised and bound to the instance that asked.
 */
import { describe, expect, it } from 'vitest';
import { ACTORS, type ActorNode, MembershipHook, type MembershipSource, type ServiceActor, type Subscription, SupervisedService, Supervisor, actorNodeIn, addActorLayer, defaultFailureDetectorConfig, serviceInstance, superviseIn, superviseOver } from '../../src/actors/index.js';
import type { Hypervisor, MigrationOutcome, NodeContext, NodeId, Protocol } from '../../src/runtime/context.js';
import { Counters } from '../../src/runtime/counters.js';
import { FullMembership } from './world.js';

/** A context with a hand-run clock and timer list, and a hypervisor whose migrations finish when `finish` is called. */
function handContext(id: NodeId, counters: Counters) {
  let now = 0;
  const timers: { at: number; run: () => void; active: boolean }[] = [];
  const pending: ((outcome: MigrationOutcome) => void)[] = [];
  const hypervisor = {
    migrate: (_vm: number, _to: NodeId, onDone: (outcome: MigrationOutcome) => void) => pending.push(onDone),
    vmCount: () => 0,
  } as unknown as Hypervisor;
  const ctx: NodeContext = {
    id,
    nowMs: () => now,
    setTimer: (delayMs, run) => {
      const timer = { at: now + delayMs, run, active: true };
      timers.push(timer);
      return {
        cancel: () => (timer.active = false),
        get active() {
          return timer.active;
        },
      };
    },
    send: () => {},
    rng: { next: () => 0.5 } as unknown as NodeContext['rng'],
    metrics: counters,
    bootstrapPeers: () => [],
    hypervisor,
  };
  const advance = (toMs: number): void => {
    now = toMs;
    for (const t of timers.filter((x) => x.active && x.at <= toMs)) {
      t.active = false;
      t.run();
    }
  };
  const finish = (outcome: MigrationOutcome): void => {
    for (const onDone of pending.splice(0)) onDone(outcome);
  };
  return { ctx, advance, finish };
}

const OK: MigrationOutcome = { ok: true, reason: '', durationMs: 10, downtimeMs: 1, bytes: 100 };

/** Asks for one migration at start; throws when told it finished (when `fragile`). */
class Migrator implements ServiceActor {
  done = 0;
  constructor(
    private readonly ctx: NodeContext,
    private readonly fragile: boolean,
  ) {}
  onStart(): void {
    this.ctx.hypervisor?.migrate(1, 2, () => {
      this.done++;
      if (this.fragile) throw new Error('callback failed');
    });
  }
}

describe('supervised hypervisor callbacks', () => {
  it('runs a callback under the supervisor (a throw restarts the service) and drops the callbacks of a replaced instance', () => {
    const counters = new Counters();
    const { ctx, finish } = handContext(0, counters);
    const supervisor = new Supervisor(ctx);
    const built: Migrator[] = [];
    let fragile = true;
    const service = supervisor.supervise('mig', ctx, (c) => {
      const m = new Migrator(c, fragile);
      built.push(m);
      return m;
    });
    service.onStart();
    fragile = false;
    finish(OK); // the first instance's callback throws: restarted, and the new one asks again
    expect(built).toHaveLength(2);
    expect(built[0].done).toBe(1);
    expect(service.restarts).toBe(1);
    expect(counters.get('actors.mig.restarts')).toBe(1);
    expect(service.current()).toBe(built[1]);
    finish(OK);
    expect(built[1].done).toBe(1);
    expect(service.restarts).toBe(1);
    expect(built[0].done).toBe(1); // a replaced instance hears nothing more
  });

  it('drops a callback that arrives after its instance was restarted for another reason', () => {
    const counters = new Counters();
    const { ctx, finish, advance } = handContext(0, counters);
    const supervisor = new Supervisor(ctx);
    const built: Migrator[] = [];
    const service = supervisor.supervise('mig', ctx, (c) => {
      const m = new Migrator(c, false);
      built.push(m);
      // The first instance fails through a timer of its own.
      if (built.length === 1) {
        c.setTimer(5, () => {
          throw new Error('timer failed');
        });
      }
      return m;
    });
    service.onStart();
    advance(5);
    expect(service.restarts).toBe(1);
    finish(OK); // both instances' migrations finish: only the live one is told
    expect(built.map((m) => m.done)).toEqual([0, 1]);
  });
});

/** A membership set by hand. */
class HandRing implements Protocol, MembershipSource {
  private readonly hook = new MembershipHook();
  members: NodeId[] = [];
  onStart(): void {}
  onMessage(): void {}
  membership(): readonly NodeId[] {
    return this.members;
  }
  onMembershipChange(listener: () => void): Subscription {
    return this.hook.add(listener);
  }
  set(members: NodeId[]): void {
    this.members = members;
    this.hook.fire();
  }
}

class Listener implements ServiceActor {
  heard: string[] = [];
  constructor(readonly ring: HandRing) {}
  onStart(): void {}
  onJoin(peer: NodeId): void {
    this.heard.push(`join ${peer}`);
  }
}

describe('one actor layer per node, shared by the layers of its stack', () => {
  it('puts two services over the same protocol on one overlay and one supervisor; the services layer reuses both and sets the policy', () => {
    const counters = new Counters();
    const contexts: string[] = [];
    const contextFor = (name: string): NodeContext => {
      contexts.push(name);
      return handContext(5, counters).ctx;
    };
    const protocols = new Map<string, Protocol>();
    const ring = new HandRing();
    protocols.set('ring', ring);
    const a = superviseOver(protocols, contextFor, 'a', { name: 'ring', source: ring }, (_ctx, peer) => new Listener(peer.overlay.source));
    const b = superviseOver(protocols, contextFor, 'b', { name: 'ring', source: ring }, (_ctx, peer) => new Listener(peer.overlay.source));
    superviseIn(protocols, contextFor, 'c', () => ({ onStart: () => {} }));
    expect(contexts).toEqual(['a', 'b', 'c']); // no `actors` context: the ActorNode runs on the first service's
    const node = protocols.get(ACTORS) as ActorNode;
    expect(actorNodeIn(protocols, contextFor)).toBe(node);
    expect(node.supervisor.services().map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect([...node.overlays.keys()]).toEqual(['ring']);
    expect([...node.peerActors.keys()]).toEqual(['a@ring', 'b@ring']);
    expect(() => superviseOver(protocols, contextFor, 'd', { name: 'ring', source: new HandRing() }, () => ({ onStart: () => {} }))).toThrow(/follows another protocol/);

    addActorLayer(protocols, contextFor, {
      membership: { name: 'members', build: (ctx) => new FullMembership(ctx.id, 8) },
      detector: defaultFailureDetectorConfig,
      samplePeriodMs: 500,
      supervisor: { restartsMax: 1, restartWindowMs: 1000 },
      peerActors: [{ name: 'w@ring', overlay: 'ring' }],
      services: [],
      extraOverlays: new Map([['ring', () => { throw new Error('the node has this overlay: not built again'); }]]),
    });
    expect(protocols.get(ACTORS)).toBe(node);
    expect(node.supervisor.config.restartsMax).toBe(1);

    ring.set([9]); // before the services start (a stack starting): not a dropped notification
    expect(counters.get('actors.dropped')).toBe(0);
    for (const s of [a, b]) s.onStart();
    ring.set([1, 5, 2]);
    expect(serviceInstance<Listener>(a)?.heard).toEqual(['join 1', 'join 2']);
    expect(serviceInstance<Listener>(b)?.heard).toEqual(['join 1', 'join 2']);
    expect(serviceInstance<Listener>(a)?.ring).toBe(ring); // the protocol reached through the peer actor
    expect(() => node.supervisor.configure({ restartsMax: 2, restartWindowMs: 1000 })).toThrow(/after service a started/);
    expect(serviceInstance<Protocol>(ring)).toBe(ring); // not supervised: the protocol itself
    expect(a).toBeInstanceOf(SupervisedService);
  });
});

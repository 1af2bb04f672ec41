import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../src/runtime/context.js';
import { GossipProtocol, defaultGossipConfig } from '../../src/protocols/gossip/index.js';
import { actorStack, type FailureDetectorConfig, type NotificationOrigin } from '../../src/actors/index.js';
import { ActorWorld, RTT_MAX_MS } from './world.js';

const DETECTOR: FailureDetectorConfig = { periodMs: 200, timeoutMs: 1000, monitoredMax: 16, pingSizeBytes: 48 };

/** 12 nodes: gossip + failure detector + a peer actor on `overlay` + a service logging `[timeMs] node kind peer (overlay)`. */
function loggedWorld(seed: number, overlay: 'live' | 'sample') {
  const log: string[] = [];
  const events: { timeMs: number; node: NodeId; kind: string; peer: NodeId; overlay: string }[] = [];
  const stack = actorStack({
    membership: { name: 'gossip', build: (ctx) => new GossipProtocol(ctx, { ...defaultGossipConfig, viewSize: 5, shuffleLength: 3, periodMs: 500 }) },
    detector: DETECTOR,
    samplePeriodMs: 300,
    supervisor: { restartsMax: 3, restartWindowMs: 10_000 },
    peerActors: [{ name: 'peer', overlay }],
    services: [
      {
        name: 'logger',
        subscribe: ['peer'],
        factory: (ctx) => {
          const record = (kind: string, peer: NodeId, origin: NotificationOrigin): void => {
            events.push({ timeMs: ctx.nowMs(), node: ctx.id, kind, peer, overlay: origin.overlay });
            log.push(`[${ctx.nowMs().toFixed(3)}] ${ctx.id} ${kind} ${peer} (${origin.overlay})`);
          };
          return {
            onStart() {},
            onJoin: (peer, origin) => record('join', peer, origin),
            onLeave: (peer, origin) => record('leave', peer, origin),
            onNeighboursChanged: (neighbours, origin) => record('neighbours', neighbours.length, origin),
          };
        },
      },
    ],
  });
  return { w: new ActorWorld(12, seed, stack), log, events };
}

describe('FailureDetector', () => {
  it('turns a crashed neighbour into a leave within the 1000 ms timeout, not before timeout - period (200 ms) - one-way latency', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { w, events } = loggedWorld(seed, 'live');
      const crashAtMs = 10_000 + 37.123 * seed;
      const crashed = seed % 12;
      let hadIt: NodeId[] = [];
      w.at(crashAtMs, () => {
        hadIt = [];
        for (let id = 0; id < 12; id++) if (id !== crashed && w.node(id).overlay('live').neighbours().includes(crashed)) hadIt.push(id);
        w.runtime.crashNode(crashed);
      });
      w.runUntil(14_000);
      expect(hadIt.length, `seed ${seed}`).toBeGreaterThan(0);
      const leaves = events.filter((e) => e.kind === 'leave' && e.peer === crashed && e.timeMs >= crashAtMs);
      expect(leaves.map((e) => e.node).sort((a, b) => a - b), `seed ${seed}`).toEqual(expect.arrayContaining(hadIt));
      for (const e of leaves) {
        expect(e.timeMs - crashAtMs, `seed ${seed} node ${e.node}`).toBeLessThanOrEqual(DETECTOR.timeoutMs);
        expect(e.timeMs - crashAtMs, `seed ${seed} node ${e.node}`).toBeGreaterThanOrEqual(DETECTOR.timeoutMs - DETECTOR.periodMs - RTT_MAX_MS / 2);
      }
      // no false suspicion before the crash: no leave at all while everyone was up
      expect(events.filter((e) => e.kind === 'leave' && e.timeMs < crashAtMs), `seed ${seed}`).toEqual([]);
      // and the crashed node is nobody's live neighbour any more
      for (let id = 0; id < 12; id++) if (id !== crashed) expect(w.node(id).overlay('live').neighbours()).not.toContain(crashed);
    }
  });

  it('hears a recovered node join again', () => {
    const { w, events } = loggedWorld(9, 'live');
    w.at(5000, () => w.runtime.crashNode(4));
    w.at(8000, () => w.runtime.recoverNode(4));
    w.runUntil(20_000);
    expect(events.some((e) => e.kind === 'join' && e.peer === 4 && e.timeMs > 8000)).toBe(true);
  });

  it('keeps its state bounded: never more than monitoredMax peers monitored', () => {
    const { w } = loggedWorld(11, 'live');
    w.sim.afterEvent = () => {
      for (let id = 0; id < 12; id++) {
        const fd = w.protocolOf<import('../../src/actors/index.js').FailureDetector>(id, 'fd');
        if (fd.monitoredPeers().length > DETECTOR.monitoredMax) throw new Error(`node ${id} monitors too many`);
      }
    };
    w.runUntil(5000);
  });

  it('is deterministic: the same seed gives the same event log, another seed another', () => {
    const run = (seed: number): string[] => {
      const { w, log } = loggedWorld(seed, 'live');
      w.at(6000, () => w.runtime.crashNode(2));
      w.runUntil(9000);
      return log;
    };
    const a = run(21);
    expect(a.length).toBeGreaterThan(20);
    expect(run(21)).toEqual(a);
    expect(run(22)).not.toEqual(a);
  });
});

describe('PeerActor overlay swap in a running stack', () => {
  it('re-routes notifications: after the swap the old overlay still raises events but only the new one is heard', () => {
    const { w, events } = loggedWorld(5, 'sample');
    const swapAtMs = 5000;
    let sampleEventsAfterSwap = 0;
    w.at(swapAtMs, () => {
      const node = w.node(0);
      node.overlay('sample').subscribe(() => sampleEventsAfterSwap++); // a spy on the old overlay
      node.peerActor('peer').swapOverlay(node.overlay('live'));
    });
    w.runUntil(12_000);
    const node0 = events.filter((e) => e.node === 0);
    expect(node0.filter((e) => e.timeMs < swapAtMs).every((e) => e.overlay === 'sample')).toBe(true);
    expect(node0.some((e) => e.timeMs < swapAtMs)).toBe(true);
    const after = node0.filter((e) => e.timeMs >= swapAtMs);
    expect(after.every((e) => e.overlay === 'live')).toBe(true);
    expect(after.filter((e) => e.kind !== 'neighbours').length).toBeGreaterThan(0); // real events of the new overlay, not just the swap notice
    expect(sampleEventsAfterSwap).toBeGreaterThan(0); // the old overlay kept talking, unheard
    expect(w.node(0).peerActor('peer').swapCount).toBe(1);
    // the other nodes were not swapped
    expect(events.some((e) => e.node === 1 && e.timeMs >= swapAtMs && e.overlay === 'sample')).toBe(true);
  });
});

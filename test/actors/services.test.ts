import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NeighbourWatch } from '../../src/actors/services/neighbour-watch.js';
import { ReplicaKeeper } from '../../src/actors/services/replica-keeper.js';
import type { Message, NodeContext, NodeId } from '../../src/runtime/context.js';
import { Counters } from '../../src/runtime/counters.js';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { ROOT } from '../support/dist-build.js';

/** A context that records what the service sends; time and timers are not used by these services. */
function recordingContext(id: NodeId): { ctx: NodeContext; sent: { to: NodeId; type: string; sizeBytes: number }[]; counters: Counters } {
  const sent: { to: NodeId; type: string; sizeBytes: number }[] = [];
  const counters = new Counters();
  const ctx: NodeContext = {
    id,
    nowMs: () => 0,
    setTimer: () => {
      throw new Error('no timers here');
    },
    send: (to: NodeId, message: Message, sizeBytes: number) => sent.push({ to, type: message.type, sizeBytes }),
    rng: { next: () => 0.5, int: () => 0, exponential: () => 1 } as unknown as NodeContext['rng'],
    metrics: counters,
    bootstrapPeers: () => [],
  };
  return { ctx, sent, counters };
}

const ORIGIN = { peerActor: 'replicas@chord', overlay: 'chord' };

describe('replica keeper', () => {
  it('copies to the first `copies` neighbours, and on a change copies to newcomers and withdraws from those that left the set', () => {
    const { ctx, sent } = recordingContext(0);
    const keeper = new ReplicaKeeper(ctx, { copies: 3, dataBytes: 5000, heldMax: 8 });
    keeper.onNeighboursChanged([1, 2, 3, 4], ORIGIN);
    expect(sent).toEqual([1, 2, 3].map((to) => ({ to, type: 'replica.copy', sizeBytes: 5000 })));
    expect(keeper.holderList()).toEqual([1, 2, 3]);
    sent.length = 0;
    keeper.onNeighboursChanged([1, 3, 4, 5], ORIGIN); // 2 left the first three, 4 entered
    expect(sent).toEqual([
      { to: 4, type: 'replica.copy', sizeBytes: 5000 },
      { to: 2, type: 'replica.drop', sizeBytes: 32 },
    ]);
    expect(keeper.holderList()).toEqual([1, 3, 4]);
  });

  it('holds the copies it is sent, drops them on request, and refuses beyond heldMax (counted)', () => {
    const { ctx, counters } = recordingContext(9);
    const holder = new ReplicaKeeper(ctx, { copies: 1, dataBytes: 1, heldMax: 2 });
    for (const owner of [4, 5, 4, 6]) holder.onMessage(owner, { type: 'replica.copy' });
    expect(holder.heldOwners()).toEqual([4, 5]);
    expect(counters.get('replicas.copies_refused')).toBe(1);
    holder.onMessage(4, { type: 'replica.drop' });
    holder.onMessage(6, { type: 'replica.copy' });
    expect(holder.heldOwners()).toEqual([5, 6]);
  });
});

describe('neighbour watch', () => {
  it('follows joins, leaves and full lists, starting from the peer actor neighbours it is given', () => {
    const { ctx } = recordingContext(0);
    const watch = new NeighbourWatch(ctx, [7, 8]);
    watch.onJoin(9, ORIGIN);
    watch.onJoin(9, ORIGIN);
    watch.onLeave(7, ORIGIN);
    expect(watch.neighbours()).toEqual([8, 9]);
    watch.onNeighboursChanged([1, 2], ORIGIN);
    expect(watch.neighbours()).toEqual([1, 2]);
    expect(watch.notificationCounts()).toEqual({ joins: 2, leaves: 1, changes: 1 });
  });
});

describe('two services on two overlays (renater-two-overlays)', () => {
  const file = join(ROOT, 'scenarios/renater-two-overlays.yaml');
  const last = (rows: readonly { metric: string; value: number }[], metric: string): number => {
    const found = rows.filter((r) => r.metric === metric).at(-1);
    if (found === undefined) throw new Error(`no ${metric}`);
    return found.value;
  };

  it('keeps every live node replicated through Chord notifications and the CAN watchers in step, under churn', () => {
    const rows = runScenario(loadScenario(file, ['durationS=400']), file).series.all();
    expect(last(rows, 'churn.joins') + last(rows, 'churn.leaves')).toBeGreaterThan(20);
    expect(last(rows, 'replicas.copies_sent')).toBeGreaterThan(3 * 150); // the first copies, then re-copies after churn
    const full = rows.filter((r) => r.metric === 'services.replicas.full_share' && r.timeS >= 60).map((r) => r.value);
    expect(Math.min(...full)).toBeGreaterThan(0.9);
    const inStep = rows.filter((r) => r.metric === 'services.watch.in_step_share' && r.timeS >= 60).map((r) => r.value);
    expect(Math.min(...inStep)).toBeGreaterThan(0.9);
    expect(last(rows, 'services.watch.notifications')).toBeGreaterThan(200);
    expect(last(rows, 'services.restarts')).toBe(0);
  });

  it('scores a watch on the live overlay against the truth (monitored peers up and reachable), so churn shows as detection delays', () => {
    const rows = runScenario(loadScenario(file, ['durationS=400', 'services.watch.overlay=live']), file).series.all();
    const inStep = (from: number, to: number): number[] => rows.filter((r) => r.metric === 'services.watch.in_step_share' && r.timeS >= from && r.timeS <= to).map((r) => r.value);
    expect(Math.min(...inStep(30, 120))).toBeGreaterThan(0.98); // no churn yet: only peers added within the last ping's round trip
    expect(Math.min(...inStep(150, 400))).toBeLessThan(0.9); // a watcher keeps a crashed peer until its detector times out
  });

  it('rejects a service bound to an overlay the scenario does not run, naming the field', () => {
    expect(() => loadScenario(file, ['protocols.can=null'])).toThrow(ScenarioError);
    try {
      loadScenario(file, ['services.watch.overlay=sample', 'services.replicas.overlay=can', 'protocols.can=null']);
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain('services.replicas.overlay');
      expect(String(error)).toContain('protocols.can is absent');
    }
  });
});

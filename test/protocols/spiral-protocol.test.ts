import { describe, expect, it } from 'vitest';
import { MatrixHarness } from '../../src/bench/vivaldi-harness.js';
import { msToUs } from '../../src/kernel/time.js';
import type { StackBuilder } from '../../src/runtime/context.js';
import { SPIRAL, defaultSpiralConfig, spiralStack, type SpiralConfig, type SpiralOutcome, type SpiralProtocol, type SpiralSearch } from '../../src/protocols/spiral/index.js';
import { GOSSIP, VIVALDI, defaultGossipConfig, defaultVivaldiConfig } from '../../src/protocols/index.js';
import { scoreOutcome, trueOrder } from '../../src/bench/spiral.bench.js';
import { exactPlane, exactSpiralStack } from './spiral-fixtures.js';

const coordinatesOnly: SpiralConfig = { ...defaultSpiralConfig, viewSize: 16, closeSetSize: 16, probeCount: 0 };

/** Warm gossip up for `warmMs`, then one search per second from each initiator in turn; outcomes in start order. */
function runSearches(harness: MatrixHarness, initiators: readonly number[], warmMs: number): SpiralOutcome[] {
  harness.runUntil(warmMs);
  initiators.forEach((id, s) => harness.sim.at(msToUs(warmMs + 1000 * (s + 1)), () => harness.protocolOf<SpiralProtocol>(id, SPIRAL).startSearch()));
  harness.runUntil(warmMs + 1000 * (initiators.length + 1) + defaultSpiralConfig.searchTimeoutMs);
  const outcomes = Array.from({ length: harness.nodeCount }, (_, id) => harness.protocolOf<SpiralProtocol>(id, SPIRAL).drainSearches()).flat();
  return outcomes.sort((a, b) => a.startedAtMs - b.startedAtMs || a.initiator - b.initiator);
}

/** The stack, with every spiral.search message checked on the way out. */
function checkingViews(stack: StackBuilder, viewSize: number, seen: { searches: number }): StackBuilder {
  return (contextFor) =>
    stack((name) => {
      const ctx = contextFor(name);
      if (name !== SPIRAL) return ctx;
      return {
        ...ctx,
        id: ctx.id,
        rng: ctx.rng,
        metrics: ctx.metrics,
        nowMs: () => ctx.nowMs(),
        setTimer: (delayMs, handler) => ctx.setTimer(delayMs, handler),
        bootstrapPeers: () => ctx.bootstrapPeers(),
        send: (to, message, sizeBytes) => {
          if (message.type === 'spiral.search') {
            const search = message as SpiralSearch;
            const peers = search.view.map((c) => c.peer);
            if (peers.length > viewSize) throw new Error(`spiral view of ${peers.length} > ${viewSize}`);
            if (new Set(peers).size !== peers.length) throw new Error(`duplicates in spiral view ${peers.join(',')}`);
            if (peers.includes(search.initiator)) throw new Error('initiator in its own spiral view');
            seen.searches++;
          }
          ctx.send(to, message, sizeBytes);
        },
      };
    });
}

describe('SpiralProtocol', () => {
  it('finds the true nearest of every node of a 100-node plane when coordinates are exact', () => {
    const { matrix, coords } = exactPlane(100, 1);
    const harness = new MatrixHarness({ matrix, seed: 1, bootstrapCount: 4, spikeProbability: 0 }, exactSpiralStack(coords, coordinatesOnly));
    const outcomes = runSearches(harness, Array.from({ length: 100 }, (_, i) => i), 30_000);
    expect(outcomes).toHaveLength(100);
    expect(outcomes.every((o) => o.completed)).toBe(true);
    for (const o of outcomes) expect(o.found[0], `search from ${o.initiator}`).toBe(trueOrder(matrix, o.initiator)[0]);
    const meanRecall = outcomes.reduce((s, o) => s + scoreOutcome(matrix, o, 10).recall, 0) / outcomes.length;
    expect(meanRecall).toBeGreaterThan(0.95);
  });

  it('never sends a spiral view over n entries, with duplicates or holding the initiator; the path has no repeated node', () => {
    const { matrix, coords } = exactPlane(80, 2);
    const seen = { searches: 0 };
    const config = { ...coordinatesOnly, viewSize: 12, resultSize: 6, farCount: 3, closeSetSize: 8 };
    const harness = new MatrixHarness({ matrix, seed: 2, bootstrapCount: 4, spikeProbability: 0 }, checkingViews(exactSpiralStack(coords, config), 12, seen));
    const outcomes = runSearches(harness, Array.from({ length: 80 }, (_, i) => (i * 7) % 80), 20_000);
    expect(seen.searches).toBeGreaterThan(80 * 5);
    for (const o of outcomes) {
      expect(new Set(o.path).size).toBe(o.path.length);
      expect(o.hops).toBeLessThanOrEqual(config.hopsMax);
      expect(o.found.length).toBe(config.resultSize);
      expect(o.messages).toBe(o.hops + 1);
    }
  });

  it('learns: on a 300-node plane, the last 100 searches find more of the true 10 nearest than the first 100', () => {
    const { matrix, coords } = exactPlane(300, 3);
    const config = { ...coordinatesOnly, viewSize: 12, closeSetSize: 12, farCount: 1 };
    const harness = new MatrixHarness({ matrix, seed: 3, bootstrapCount: 4, spikeProbability: 0 }, exactSpiralStack(coords, config));
    const initiators = Array.from({ length: 600 }, (_, s) => (s * 37) % 300);
    const scores = runSearches(harness, initiators, 10_000).map((o) => ({ ...scoreOutcome(matrix, o, 10), hops: o.hops }));
    const recall = (xs: typeof scores) => xs.reduce((s, x) => s + x.recall, 0) / xs.length;
    const first = scores.slice(0, 100);
    const last = scores.slice(-100);
    expect(recall(last)).toBeGreaterThan(recall(first));
  });

  it('gives the same outcomes for the same seed and different ones for another seed (Vivaldi stack)', () => {
    const { matrix } = exactPlane(40, 4);
    const config = { gossip: defaultGossipConfig, vivaldi: { ...defaultVivaldiConfig, dimensions: 2 }, spiral: { ...defaultSpiralConfig, viewSize: 16, probeCount: 8, closeSetSize: 8 } };
    const run = (seed: number) => {
      const harness = new MatrixHarness({ matrix, seed, bootstrapCount: 4, spikeProbability: 0 }, spiralStack(config));
      expect([GOSSIP, VIVALDI, SPIRAL].map((name) => harness.protocolOf(0, name) !== undefined)).toEqual([true, true, true]);
      return runSearches(harness, Array.from({ length: 40 }, (_, i) => i), 60_000);
    };
    const a = run(7);
    expect(a).toHaveLength(40);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
  });

  it('searches by itself every searchPeriodMs and keeps at most outcomesMax outcomes', () => {
    const { matrix, coords } = exactPlane(20, 5);
    const config = { ...coordinatesOnly, viewSize: 10, resultSize: 5, closeSetSize: 4, searchPeriodMs: 1000, outcomesMax: 5 };
    const harness = new MatrixHarness({ matrix, seed: 5, bootstrapCount: 3, spikeProbability: 0 }, exactSpiralStack(coords, config));
    harness.runUntil(20_000);
    const spiral = harness.protocolOf<SpiralProtocol>(0, SPIRAL);
    const outcomes = spiral.drainSearches();
    expect(outcomes).toHaveLength(5);
    expect(outcomes.every((o) => o.initiator === 0)).toBe(true);
    expect(spiral.drainSearches()).toEqual([]);
  });
});

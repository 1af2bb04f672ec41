import { describe, expect, it } from 'vitest';
import { chordRingId, defaultChordConfig, successorListLengthFor, type ChordConfig } from '../../src/protocols/chord/index.js';
import { NotifierCache } from '../../src/protocols/chord/notifier-cache.js';
import { runChordBench } from '../../src/bench/chord.bench.js';
import { ChordRing, FAST } from './chord-harness.js';


describe('notifier cache', () => {
  const size = 2 ** 32;
  const idOf = (node: number): number => chordRingId(node, 32);
  /** Nodes sorted by ring id, so positions are known. */
  const sorted = Array.from({ length: 50 }, (_, i) => i).sort((a, b) => idOf(a) - idOf(b));

  it('answers the known node nearest after the asker, inside (asker, self), else the given start', () => {
    const self = sorted[40];
    const cache = new NotifierCache(8, 1000);
    for (const k of [5, 12, 20, 33]) cache.remember(sorted[k], 0);
    const asker = sorted[10];
    expect(cache.nearestAfter(idOf(asker), idOf(self), size, idOf, sorted[39], 0)).toBe(sorted[12]);
    // Nothing known after sorted[33] but the start (the predecessor).
    expect(cache.nearestAfter(idOf(sorted[34]), idOf(self), size, idOf, sorted[39], 0)).toBe(sorted[39]);
    // The asker is the predecessor itself: nothing lies between it and self.
    expect(cache.nearestAfter(idOf(sorted[39]), idOf(self), size, idOf, sorted[39], 0)).toBe(-1);
    cache.forget(sorted[12]);
    expect(cache.nearestAfter(idOf(asker), idOf(self), size, idOf, sorted[39], 0)).toBe(sorted[20]);
  });

  it('ignores entries older than freshMs and keeps at most capacity entries, overwriting the oldest', () => {
    const self = sorted[49];
    const cache = new NotifierCache(2, 1000);
    cache.remember(sorted[1], 0);
    cache.remember(sorted[2], 500);
    expect(cache.nearestAfter(idOf(sorted[0]), idOf(self), size, idOf, -1, 900)).toBe(sorted[1]);
    expect(cache.nearestAfter(idOf(sorted[0]), idOf(self), size, idOf, -1, 1200)).toBe(sorted[2]); // sorted[1] is stale
    cache.remember(sorted[3], 1200); // evicts sorted[1], the oldest slot
    cache.remember(sorted[1], 1200); // evicts sorted[2]
    expect(cache.nearestAfter(idOf(sorted[1]), idOf(self), size, idOf, -1, 1200)).toBe(sorted[3]);
    expect(cache.nearestAfter(idOf(sorted[0]), idOf(self), size, idOf, -1, 1200)).toBe(sorted[1]);
  });
});

describe('chord after a burst of joins into a sparse ring', () => {
  /** 16 members settle first; then 1,600 nodes join within one second, each gap taking ~100. */
  const burst = (notifierHints: number) =>
    runChordBench({
      nodes: 1616,
      seed: 4,
      latencyMs: 10,
      config: { ...defaultChordConfig, successorListLength: successorListLengthFor(1616), notifierHints, lookupPeriodMs: 0 },
      durationMs: 200_000,
      joinAtMs: (node, rng) => (node < 16 ? node * 1000 : 60_000 + rng() * 1000),
    });

  it('sorts the ring out with far fewer stabilize round trips when far-behind askers get the nearest notifier', () => {
    const plain = burst(0);
    const hinted = burst(16);
    const getPred = (r: typeof plain): number => r.sentByType.find(([type]) => type === 'chord.get-pred')?.[1] ?? 0;
    console.log(`chord burst: get-pred sent ${getPred(plain)} plain, ${getPred(hinted)} with notifier hints`);
    for (const r of [plain, hinted]) {
      expect(r.members).toBe(1616);
      expect(r.successorsRight).toBe(1616);
    }
    expect(getPred(hinted)).toBeLessThan(getPred(plain) / 3);
  });
});

describe('recursive lookups', () => {
  it('reach the true successor on a static ring, with fewer messages than iterative lookups', () => {
    const settleAndCount = (config: ChordConfig): { wrong: number; lookups: number; messages: number } => {
      const ring = new ChordRing(128, 2, config);
      ring.run(120_000);
      ring.drain();
      ring.outcomes.length = 0;
      const before = ring.counters.get('chord.messages.sent');
      ring.run(180_000);
      ring.drain();
      return { wrong: ring.outcomes.filter((o) => !o.correct).length, lookups: ring.outcomes.length, messages: ring.counters.get('chord.messages.sent') - before };
    };
    const iterative = settleAndCount({ ...FAST, successorListLength: 7 });
    const recursive = settleAndCount({ ...FAST, successorListLength: 7, lookupStyle: 'recursive' });
    console.log(`chord 128 static: ${iterative.messages} messages iterative, ${recursive.messages} recursive`);
    expect(recursive.lookups).toBeGreaterThan(128 * 100);
    expect(recursive.wrong).toBe(0);
    expect(iterative.wrong).toBe(0);
    // A lookup of h hops costs 2h messages iteratively and h + 1 recursively; with h > 2 on
    // average here, recursion saves more than one message per lookup (maintenance is the same).
    expect(recursive.messages).toBeLessThan(iterative.messages - recursive.lookups);
  });

  it('retry after a silent hop and still resolve while nodes crash', () => {
    const n = 128;
    const ring = new ChordRing(n, 3, { ...FAST, successorListLength: successorListLengthFor(n), lookupStyle: 'recursive' });
    ring.run(60_000);
    ring.drain();
    ring.outcomes.length = 0;
    for (let k = 0; k < 12; k++) {
      ring.run(60_000 + k * 5_000);
      ring.drain();
      ring.runtime.crashNode(1 + ((k * 37) % (n - 1)));
    }
    ring.run(150_000);
    ring.drain();
    const late = ring.outcomes.filter((o) => o.finishedAtMs > 130_000);
    console.log(`chord recursive crashes: ${ring.outcomes.length} lookups, ${ring.outcomes.filter((o) => o.correct).length} right; after 130 s ${late.length}, ${late.filter((o) => o.correct).length} right`);
    expect(ring.counters.get('chord.lookup_timeouts')).toBeLessThan(ring.outcomes.length / 20);
    expect(late.length).toBeGreaterThan(1000);
    expect(late.filter((o) => !o.correct)).toEqual([]);
  });
});

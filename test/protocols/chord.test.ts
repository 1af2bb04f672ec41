import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import { chordRingId, defaultChordConfig, fingerStart, inFingerInterval, inOpen, inOpenClosed, ringDistance, successorListLengthFor, validateChordConfig, type ChordConfig } from '../../src/protocols/chord/index.js';
import { LookupLog } from '../../src/protocols/chord/lookup-log.js';
import { ChordRing, FAST } from './chord-harness.js';
import { planeMatrix } from './matrix.js';


describe('chord ring arithmetic', () => {
  const size = 2 ** 8;
  it('(a, b] wraps around zero, and (a, a] is the whole ring', () => {
    expect(inOpenClosed(5, 250, 10, size)).toBe(true);
    expect(inOpenClosed(10, 250, 10, size)).toBe(true);
    expect(inOpenClosed(250, 250, 10, size)).toBe(false);
    expect(inOpenClosed(11, 250, 10, size)).toBe(false);
    expect(inOpenClosed(100, 10, 250, size)).toBe(true);
    expect(inOpenClosed(42, 7, 7, size)).toBe(true);
    expect(inOpenClosed(7, 7, 7, size)).toBe(true);
  });
  it('(a, b) excludes both ends, and (a, a) is the ring but a', () => {
    expect(inOpen(10, 250, 10, size)).toBe(false);
    expect(inOpen(0, 250, 10, size)).toBe(true);
    expect(inOpen(7, 7, 7, size)).toBe(false);
    expect(inOpen(8, 7, 7, size)).toBe(true);
  });
  it('measures clockwise distances and finger starts modulo 2^m, with 32-bit ids exact', () => {
    expect(ringDistance(250, 4, size)).toBe(10);
    expect(fingerStart(250, 3, size)).toBe(2);
    expect(fingerStart(2 ** 32 - 1, 31, 2 ** 32)).toBe(2 ** 31 - 1);
    expect(inFingerInterval(2, 250, 3, size)).toBe(true); // [2, 10)
    expect(inFingerInterval(10, 250, 3, size)).toBe(false);
  });
  it('derives distinct 32-bit ring ids from 100,000 node ids, and m-bit ids within [0, 2^m)', () => {
    const ids = new Set<number>();
    for (let id = 0; id < 100_000; id++) ids.add(chordRingId(id, 32));
    expect(ids.size).toBe(100_000);
    for (let id = 0; id < 1000; id++) expect(chordRingId(id, 8)).toBeLessThan(256);
  });
  it('sizes successor lists as ceil(log2 n) and rejects bad configs', () => {
    expect(successorListLengthFor(128)).toBe(7);
    expect(successorListLengthFor(1000)).toBe(10);
    expect(() => validateChordConfig({ ...defaultChordConfig, idBits: 40 })).toThrow(/idBits/);
    expect(() => validateChordConfig({ ...defaultChordConfig, rpcTimeoutMs: 0 })).toThrow(/rpcTimeoutMs/);
  });
  it('keeps at most outcomeLogMax outcomes, dropping the oldest', () => {
    const log = new LookupLog(3);
    for (let k = 0; k < 5; k++) log.record(k, k, 1, 2, 3);
    expect(log.drain().map((o) => o.key)).toEqual([2, 3, 4]);
    expect(log.dropped).toBe(2);
    expect(log.drain()).toEqual([]);
  });
});

describe('chord on a static ring', () => {
  it('forms one ring of 128 nodes joined at once, and every lookup after it settles reaches the true successor', () => {
    const ring = new ChordRing(128, 1, { ...FAST, successorListLength: 7 });
    ring.run(120_000);
    const members = ring.members();
    expect(members.length).toBe(128);
    for (let k = 0; k < members.length; k++) {
      const chord = ring.chord(members[k].id)!;
      expect(chord.successor(), `successor of ${members[k].id}`).toBe(members[(k + 1) % members.length].id);
      expect(chord.predecessor(), `predecessor of ${members[k].id}`).toBe(members[(k + members.length - 1) % members.length].id);
    }
    ring.drain();
    ring.outcomes.length = 0;
    ring.run(180_000);
    ring.drain();
    const wrong = ring.outcomes.filter((o) => !o.correct);
    expect(ring.outcomes.length).toBeGreaterThan(128 * 100);
    expect(wrong).toEqual([]);
    const meanHops = ring.outcomes.reduce((s, o) => s + o.hops, 0) / ring.outcomes.length;
    expect(meanHops).toBeLessThan(Math.log2(128)); // fingers work: well under the O(n) of successors alone
  });

  it('is deterministic: same seed, same lookup outcomes', () => {
    const run = (): string => {
      const ring = new ChordRing(64, 7, FAST);
      ring.run(60_000);
      ring.drain();
      return JSON.stringify(ring.outcomes);
    };
    expect(run()).toBe(run());
  });
});

describe('chord under churn', () => {
  it('resolves >= 99% of lookups to the true successor among live ring members while 128 nodes crash and recover', () => {
    const n = 128;
    const ring = new ChordRing(n, 3, { ...FAST, successorListLength: successorListLengthFor(n) });
    ring.run(60_000);
    ring.drain();
    ring.outcomes.length = 0;
    const rng = randomStream(3, 'churn-test');
    const down: number[] = [];
    let t = 60_000;
    let crashes = 0;
    while (t < 360_000) {
      t += rng.exponential(2000); // a churn event every 2 s on average
      ring.run(t);
      ring.drain(); // judge what finished before the membership changes
      if (down.length > 0 && (down.length >= n / 10 || rng.next() < 0.5)) {
        ring.runtime.recoverNode(down.splice(rng.int(down.length), 1)[0]);
      } else {
        const id = 1 + rng.int(n - 1); // keep the creator up
        if (ring.runtime.isUp(id)) {
          ring.runtime.crashNode(id);
          down.push(id);
          crashes++;
        }
      }
    }
    ring.run(t + 1);
    ring.drain();
    const total = ring.outcomes.length;
    const correct = ring.outcomes.filter((o) => o.correct).length;
    const timeouts = ring.outcomes.filter((o) => !o.ok).length;
    const rate = correct / total;
    console.log(`chord churn: n=${n} crashes=${crashes} lookups=${total} success=${(100 * rate).toFixed(2)}% timeouts=${timeouts}`);
    expect(crashes).toBeGreaterThan(50);
    expect(total).toBeGreaterThan(40_000);
    expect(rate).toBeGreaterThanOrEqual(0.99);
  });
});

describe('chord with proximity neighbour selection', () => {
  it('still resolves every lookup correctly on 128 nodes, with lower mean lookup latency than plain Chord given true RTTs', () => {
    const settle = (ring: ChordRing): { latencyMs: number; wrong: number } => {
      ring.run(120_000);
      ring.drain();
      ring.outcomes.length = 0;
      ring.run(240_000);
      ring.drain();
      return { latencyMs: ring.outcomes.reduce((s, o) => s + o.latencyMs, 0) / ring.outcomes.length, wrong: ring.outcomes.filter((o) => !o.correct).length };
    };
    const plain = settle(new ChordRing(128, 5, { ...FAST, successorListLength: 16 }));
    const truth = planeMatrix(128, 5); // the matrix ChordRing builds for this seed
    const oracle = new ChordRing(128, 5, { ...FAST, successorListLength: 16 }, {
      coordinates: (node) => ({ estimateRttMs: (peer: number): number => truth.rttUs[node * 128 + peer] / 1000 }),
    });
    const pns = settle(oracle);
    console.log(`chord pns: mean lookup latency ${plain.latencyMs.toFixed(1)} ms plain, ${pns.latencyMs.toFixed(1)} ms with proximity`);
    expect(plain.wrong + pns.wrong).toBe(0);
    expect(pns.latencyMs).toBeLessThan(plain.latencyMs);
  });
});

describe('chord with SimGrid periods (stabilize 20 s, one finger fixed per 120 s)', () => {
  it('settles 512 nodes started at once within 200 s, then resolves every lookup to the true successor in under log2(512) hops', () => {
    const n = 512;
    const ring = new ChordRing(n, 11, { ...defaultChordConfig, successorListLength: successorListLengthFor(n) });
    ring.run(200_000);
    const members = ring.members();
    expect(members.length).toBe(n);
    const wrongSuccessors = members.filter((m, k) => ring.chord(m.id)!.successor() !== members[(k + 1) % n].id).length;
    expect(wrongSuccessors).toBe(0);
    ring.drain();
    ring.outcomes.length = 0;
    ring.run(400_000);
    ring.drain();
    expect(ring.outcomes.length).toBeGreaterThan(n * 15);
    expect(ring.outcomes.filter((o) => !o.correct)).toEqual([]);
    const meanHops = ring.outcomes.reduce((s, o) => s + o.hops, 0) / ring.outcomes.length;
    expect(meanHops).toBeLessThan(Math.log2(n)); // fingers learnt from lookup traffic, not only the slow periodic fixes
  });
});

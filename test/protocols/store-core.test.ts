import { describe, expect, it } from 'vitest';
import { chordRingId } from '../../src/protocols/chord/ring.js';
import { bucketOf, HintBook, HybridClock, inRange, ReplicaTable, StoreRing, storeKey } from '../../src/protocols/store/index.js';

describe('the store ring', () => {
  const ring = new StoreRing(20, 5);
  const sorted = Array.from({ length: 20 }, (_, n) => n).sort((a, b) => chordRingId(a, 32) - chordRingId(b, 32));

  it("puts a key's home replicas at the first N nodes clockwise from it, wrapping around", () => {
    for (let key = 0; key < 200; key++) {
      const position = storeKey(key);
      const first = sorted.findIndex((node) => chordRingId(node, 32) >= position);
      const expected = [0, 1, 2].map((k) => sorted[((first < 0 ? 0 : first) + k) % 20]);
      expect(ring.home(position, 3)).toEqual(expected);
    }
  });

  it('gives each node the N ranges it replicates, whose keys list it at that rank', () => {
    for (let node = 0; node < 20; node++) {
      for (let i = 0; i < 3; i++) {
        const range = ring.rangeOf(node, i);
        expect(ring.home(range.hi, 3)[i]).toBe(node);
        expect(inRange(range.hi, range)).toBe(true);
        expect(inRange(range.lo, range)).toBe(false);
      }
    }
  });

  it('cuts a range into buckets covering it in order', () => {
    const range = ring.rangeOf(sorted[5], 0);
    expect(bucketOf((range.lo + 1) % 2 ** 32, range, 16)).toBe(0);
    expect(bucketOf(range.hi, range, 16)).toBe(15);
  });

  it('chooses exactly the asked number of clients', () => {
    expect(Array.from({ length: 20 }, (_, n) => ring.isClient(n)).filter(Boolean)).toHaveLength(5);
  });
});

describe('the hybrid clock', () => {
  it('follows physical time, never repeats, and issues after anything it saw', () => {
    const clock = new HybridClock();
    expect(clock.tick(1)).toBe(1000);
    expect(clock.tick(1)).toBe(1001);
    clock.observe(5000);
    expect(clock.tick(2)).toBe(5001);
    expect(clock.tick(10)).toBe(10_000);
  });
});

describe('the replica table', () => {
  it('keeps the newest version (timestamp, then writer)', () => {
    const table = new ReplicaTable();
    expect(table.put(1, { ts: 10, writer: 2, value: 5, data: [] })).toBe(true);
    expect(table.put(1, { ts: 9, writer: 9, value: 6, data: [] })).toBe(false);
    expect(table.put(1, { ts: 10, writer: 1, value: 7, data: [] })).toBe(false);
    expect(table.put(1, { ts: 10, writer: 3, value: 8, data: [] })).toBe(true);
    expect(table.get(1)).toEqual({ ts: 10, writer: 3, value: 8, data: [] });
  });

  it('gives equal digests to equal contents in any order, and finds the buckets that differ', () => {
    const ring = new StoreRing(4, 0);
    const range = { lo: 5, hi: 5 }; // the whole ring
    const a = new ReplicaTable();
    const b = new ReplicaTable();
    for (let key = 0; key < 50; key++) a.put(key, { ts: key + 1, writer: 0, value: key, data: [] });
    for (let key = 49; key >= 0; key--) b.put(key, { ts: key + 1, writer: 0, value: key, data: [] });
    expect(a.digest(range, 16)).toEqual(b.digest(range, 16));
    b.put(17, { ts: 100, writer: 1, value: 0, data: [] });
    const da = a.digest(range, 16);
    const db = b.digest(range, 16);
    const differ = da.flatMap((h, i) => (h === db[i] ? [] : [i]));
    expect(differ).toEqual([bucketOf(storeKey(17), range, 16)]);
    expect(b.entriesIn(range, 16, new Set(differ), 100).map((e) => e.key)).toContain(17);
    expect(ring.nodeCount).toBe(4);
  });
});

describe('the hint book', () => {
  it('keeps the newest hint per key and target, forgets one only when that version was delivered, and refuses beyond its bound', () => {
    const book = new HintBook(2);
    expect(book.add(4, 1, { ts: 5, writer: 0, value: 1, data: [] })).toBe(true);
    expect(book.add(4, 1, { ts: 7, writer: 0, value: 2, data: [] })).toBe(true);
    expect(book.add(6, 2, { ts: 5, writer: 0, value: 3, data: [] })).toBe(true);
    expect(book.add(6, 3, { ts: 5, writer: 0, value: 4, data: [] })).toBe(false);
    expect(book.hintsFor(4, 10)).toEqual([{ key: 1, ts: 7, writer: 0, value: 2, data: [] }]);
    expect(book.delivered(4, 1, { ts: 5, writer: 0 })).toBe(false);
    expect(book.delivered(4, 1, { ts: 7, writer: 0 })).toBe(true);
    expect(book.targets()).toEqual([6]);
    expect(book.size).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { checkHistory, type HistoryCheckOptions, type RegisterOp } from '../../src/metrics/register-history.js';
import { randomStream } from '../../src/kernel/random.js';

const write = (client: number, key: number, ts: number, invokedAtMs: number, completedAtMs: number, ok = true): RegisterOp => ({ client, kind: 'write', key, invokedAtMs, completedAtMs, ok, ts, writer: client, value: ts * 10 + client });
const read = (client: number, key: number, seen: RegisterOp | null, invokedAtMs: number, completedAtMs: number): RegisterOp => ({
  client,
  kind: 'read',
  key,
  invokedAtMs,
  completedAtMs,
  ok: true,
  ts: seen?.ts ?? -1,
  writer: seen?.writer ?? -1,
  value: seen?.value ?? -1,
});
const withinTolerance: HistoryCheckOptions = { quorum: true, toleranceExceeded: () => false };

describe('the store history checker, on hand-written histories', () => {
  it('passes reads that see the last acknowledged write or a newer one, concurrent writes included', () => {
    const w1 = write(1, 7, 100, 90, 110);
    const w2 = write(2, 7, 200, 190, 260); // still in flight when the second read begins
    const v = checkHistory([w1, w2, read(3, 7, w1, 120, 130), read(3, 7, w1, 200, 210), read(4, 7, w2, 205, 230), read(4, 7, w2, 270, 280)], withinTolerance);
    expect(v).toMatchObject({ writes: 2, writesAcked: 2, reads: 4, readsOk: 4, staleReads: 0, lostWrites: 0, violatingReads: 0, phantomReads: 0 });
  });

  it('detects an acknowledged write that a later quorum read missed, and measures how stale the read was', () => {
    const w1 = write(1, 7, 100, 90, 110);
    const w2 = write(2, 7, 200, 190, 250);
    const v = checkHistory([w1, w2, read(3, 7, w1, 400, 420), read(3, 7, w2, 500, 510)], withinTolerance);
    expect(v.staleReads).toBe(1);
    expect(v.staleAgesMs).toEqual([150]); // w2 acknowledged at 250, the read began at 400
    expect(v.lostWrites).toBe(1);
    expect(v.violatingReads).toBe(1);
  });

  it('counts a write lost once however many reads missed it, and a read of nothing as stale', () => {
    const w1 = write(1, 3, 100, 90, 110);
    const v = checkHistory([w1, read(2, 3, null, 200, 210), read(4, 3, null, 300, 320)], withinTolerance);
    expect(v).toMatchObject({ staleReads: 2, lostWrites: 1, violatingReads: 2 });
    expect(v.staleAgesMs).toEqual([90, 190]);
  });

  it('excuses a miss beyond the tolerance, asking about the key, the interval from the write to the read and both clients', () => {
    const asked: unknown[] = [];
    const w1 = write(1, 7, 100, 90, 110);
    const options: HistoryCheckOptions = { quorum: true, toleranceExceeded: (key, from, to, clients) => (asked.push([key, from, to, [...clients]]), true) };
    const v = checkHistory([w1, read(3, 7, null, 400, 420)], options);
    expect(v).toMatchObject({ staleReads: 1, lostWrites: 0, violatingReads: 0, excusedReads: 1 });
    expect(asked).toEqual([[7, 90, 420, [1, 3]]]);
  });

  it('measures staleness but loses nothing without a quorum (R + W <= N)', () => {
    const w1 = write(1, 7, 100, 90, 110);
    const v = checkHistory([w1, read(3, 7, null, 400, 420)], { quorum: false, toleranceExceeded: () => false });
    expect(v).toMatchObject({ staleReads: 1, lostWrites: 0, violatingReads: 0 });
  });

  it('lets reads see or miss writes that failed or never completed (indeterminate)', () => {
    const failed = write(1, 7, 100, 90, 2090, false);
    const pending = write(2, 7, 300, 290, NaN, false);
    const v = checkHistory([failed, pending, read(3, 7, null, 2100, 2110), read(3, 7, pending, 2200, 2210)], withinTolerance);
    expect(v).toMatchObject({ writesAcked: 0, staleReads: 0, lostWrites: 0, phantomReads: 0 });
  });

  it('flags a read of a version nobody wrote, or of another value than that version', () => {
    const w1 = write(1, 7, 100, 90, 110);
    const v = checkHistory([w1, { ...read(3, 7, w1, 200, 210), ts: 150 }, { ...read(3, 7, w1, 300, 310), value: 1 }], withinTolerance);
    expect(v.phantomReads).toBe(2);
  });

  it('does not count a write acknowledged after the read began', () => {
    const w1 = write(1, 7, 100, 90, 300);
    expect(checkHistory([w1, read(3, 7, null, 200, 400)], withinTolerance).staleReads).toBe(0);
  });
});

/**
 * Histories of a correct (linearizable) register: each operation takes effect at an instant
 * between its invocation and its completion; writes take versions in the order they take effect,
 * reads return the value of the last write before them. Some operations fail or never complete
 * (a write that never completed may or may not have taken effect).
 */
function linearizableHistory(seed: number): RegisterOp[] {
  const rng = randomStream(seed, 'test.register-history');
  const keys = 1 + rng.int(4);
  const ops: { op: RegisterOp; effectMs: number; takesEffect: boolean }[] = [];
  for (let i = 0; i < 200; i++) {
    const invokedAtMs = rng.next() * 10_000;
    const durationMs = 1 + rng.next() * (rng.next() < 0.1 ? 3000 : 50);
    const effectMs = invokedAtMs + rng.next() * durationMs;
    const fate = rng.next();
    const completedAtMs = fate < 0.05 ? NaN : invokedAtMs + durationMs;
    const ok = fate >= 0.1;
    const client = rng.int(8);
    const kind = rng.next() < 0.5 ? 'write' : 'read';
    ops.push({ op: { client, kind, key: rng.int(keys), invokedAtMs, completedAtMs, ok, ts: -1, writer: client, value: -1 }, effectMs, takesEffect: ok || rng.next() < 0.5 });
  }
  ops.sort((a, b) => a.effectMs - b.effectMs);
  const current = new Map<number, RegisterOp>();
  let clock = 0;
  return ops.map(({ op, takesEffect }) => {
    if (op.kind === 'write') {
      const w = { ...op, ts: ++clock, value: clock * 7 };
      if (takesEffect) current.set(op.key, w);
      return w;
    }
    const seen = current.get(op.key);
    return { ...op, ts: seen?.ts ?? -1, writer: seen?.writer ?? -1, value: seen?.value ?? -1 };
  });
}

describe('the store history checker, on histories of a correct register (property)', () => {
  it('never flags a stale read, a lost write or a phantom over 300 random histories', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const history = linearizableHistory(seed);
      const v = checkHistory(history, withinTolerance);
      expect({ seed, staleReads: v.staleReads, lostWrites: v.lostWrites, phantomReads: v.phantomReads }).toEqual({ seed, staleReads: 0, lostWrites: 0, phantomReads: 0 });
      expect(v.readsOk).toBeGreaterThan(0);
    }
  });

  it('flags the same histories once a read is made to return the previous version of its key', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const history = linearizableHistory(seed);
      // Each read that saw a write acknowledged before it began instead returns nothing.
      const broken = history.map((op) => (op.kind === 'read' && op.ok && history.some((w) => w.kind === 'write' && w.ok && w.key === op.key && w.completedAtMs < op.invokedAtMs) ? { ...op, ts: -1, writer: -1, value: -1 } : op));
      if (checkHistory(broken, withinTolerance).lostWrites > 0) flagged++;
    }
    expect(flagged).toBe(50);
  });
});

import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/kernel/event-queue.js';
import { randomStream } from '../../src/kernel/random.js';

describe('EventQueue', () => {
  it('pops events in time order, equal times in insertion order, for 200 random interleavings', () => {
    for (let seed = 0; seed < 200; seed++) {
      const rng = randomStream(seed, 'queue-property');
      const queue = new EventQueue<number>(2);
      const reference: { t: number; id: number }[] = [];
      const popped: { t: number; id: number }[] = [];
      let id = 0;
      const ops = 50 + rng.int(400);
      for (let k = 0; k < ops; k++) {
        if (rng.next() < 0.6 || queue.size === 0) {
          const t = rng.int(20); // few distinct times: many ties
          queue.push(t, id);
          reference.push({ t, id });
          id++;
        } else {
          const t = queue.peekTimeUs();
          popped.push({ t, id: queue.pop() });
        }
      }
      while (queue.size > 0) {
        const t = queue.peekTimeUs();
        popped.push({ t, id: queue.pop() });
      }
      // Each pop must be the minimum (time, id) among those pushed and not yet popped at that moment;
      // replaying pops against a sorted model checks exactly that.
      expect(popped.length).toBe(reference.length);
      const seen = new Set<number>();
      for (const p of popped) {
        expect(seen.has(p.id)).toBe(false);
        seen.add(p.id);
        expect(reference[p.id].t).toBe(p.t);
      }
    }
  });

  it('serves a pop-all sequence exactly sorted by (time, insertion)', () => {
    const rng = randomStream(7, 'queue-sorted');
    const queue = new EventQueue<number>();
    const entries = Array.from({ length: 5000 }, (_, id) => ({ t: rng.int(100), id }));
    for (const e of entries) queue.push(e.t, e.id);
    const order: number[] = [];
    while (queue.size > 0) order.push(queue.pop());
    const expected = [...entries].sort((x, y) => x.t - y.t || x.id - y.id).map((e) => e.id);
    expect(order).toEqual(expected);
  });

  it('interleaves pops and pushes (the vacant-root path) in exact order', () => {
    const queue = new EventQueue<string>();
    queue.push(10, 'a');
    queue.push(5, 'b');
    expect(queue.pop()).toBe('b');
    queue.push(10, 'c'); // equal to 'a' but inserted later
    queue.push(7, 'd');
    expect([queue.pop(), queue.pop(), queue.pop()]).toEqual(['d', 'a', 'c']);
    expect(queue.size).toBe(0);
    expect(queue.peekTimeUs()).toBe(Infinity);
  });

  it('keeps FIFO order on equal times across the renumbering of sequence numbers', () => {
    const queue = new EventQueue<number>(4, 1 << 10, 8); // renumber every 8 pushes
    const rng = randomStream(11, 'queue-renumber');
    // A sorted model: the pending (time, id) pairs; ids grow with insertion.
    const model: { t: number; id: number }[] = [];
    let id = 0;
    let pops = 0;
    for (let k = 0; k < 400; k++) {
      if (rng.next() < 0.55 || model.length === 0) {
        const t = 100 + rng.int(3);
        queue.push(t, id);
        model.push({ t, id: id++ });
      } else {
        model.sort((a, b) => a.t - b.t || a.id - b.id);
        const expected = model.shift()!;
        expect(queue.peekTimeUs()).toBe(expected.t);
        expect(queue.pop()).toBe(expected.id);
        pops++;
      }
    }
    expect(id).toBeGreaterThan(100); // many renumberings happened
    expect(pops).toBeGreaterThan(100);
  });

  it('mixes delay lanes and the heap in exact (time, insertion) order, as a simulation schedules', () => {
    // A clock that only moves forward (to each popped time); pushes are relative to it with a few
    // recurring delays (lanes, more delays than lanes) or at arbitrary later times (heap).
    for (let seed = 0; seed < 100; seed++) {
      const rng = randomStream(seed, 'queue-lanes');
      const queue = new EventQueue<number>(2, 1 << 16, seed % 2 === 0 ? 2 ** 32 : 16);
      const model: { t: number; id: number }[] = [];
      const delays = [0, 3, 5, 10, 10, 20, 40, 7, 9, 11, 13]; // 10 distinct: more than the lanes
      let nowUs = 0;
      let id = 0;
      for (let k = 0; k < 600; k++) {
        if (rng.next() < 0.55 || model.length === 0) {
          const r = rng.next();
          if (r < 0.8) {
            const delay = rng.pick(delays);
            queue.push(nowUs + delay, id, delay);
            model.push({ t: nowUs + delay, id: id++ });
          } else {
            const t = nowUs + rng.int(30);
            queue.push(t, id);
            model.push({ t, id: id++ });
          }
        } else {
          model.sort((a, b) => a.t - b.t || a.id - b.id);
          const expected = model.shift()!;
          expect(queue.size).toBe(model.length + 1);
          expect(queue.peekTimeUs()).toBe(expected.t);
          expect(queue.pop()).toBe(expected.id);
          nowUs = expected.t;
        }
      }
    }
  });

  it('keeps a lane sorted when a push would go back in time (heap instead)', () => {
    const queue = new EventQueue<string>();
    queue.push(100, 'late', 100);
    queue.push(50, 'early', 100); // same delay from an earlier clock: must not queue behind 'late'
    expect([queue.pop(), queue.pop()]).toEqual(['early', 'late']);
  });

  it('refuses to grow past its bound with a clear error', () => {
    const queue = new EventQueue<number>(2, 4);
    for (let i = 0; i < 4; i++) queue.push(i, i);
    expect(() => queue.push(9, 9)).toThrow(/more than 4 pending events/);
    expect(() => queue.push(9, 9, 5)).toThrow(/more than 4 pending events/); // lanes count too
  });

  it('throws on pop from an empty queue', () => {
    expect(() => new EventQueue<number>().pop()).toThrow(/empty/);
  });
});

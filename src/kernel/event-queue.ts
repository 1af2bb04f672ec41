/**
 * A 4-ary min-heap of events on typed arrays, ordered by (time, insertion sequence):
 * equal times come out in insertion order (FIFO), so the order of events is total and exact.
 *
 * Times are integer microseconds held in a Float64Array (exact up to 2^53 us, about 285 years).
 * The payloads travel in a plain array parallel to the heap.
 *
 * A pop leaves the root vacant instead of sifting the last element down at once; if a push
 * follows (the common case: a handler schedules the next event), the new element fills the
 * root and is sifted down once, instead of paying for a sift-down and a sift-up.
 */
export class EventQueue<T> {
  private timesUs: Float64Array;
  private seqs: Float64Array;
  private items: (T | undefined)[];
  private count = 0;
  private rootVacant = false;
  private nextSeq = 0;
  private readonly capacityMax: number;

  constructor(capacityInitial = 1024, capacityMax = 1 << 26) {
    if (!(capacityInitial >= 1 && capacityInitial <= capacityMax)) {
      throw new RangeError(`EventQueue: bad capacity ${capacityInitial} (max ${capacityMax})`);
    }
    this.capacityMax = capacityMax;
    this.timesUs = new Float64Array(capacityInitial);
    this.seqs = new Float64Array(capacityInitial);
    this.items = new Array(capacityInitial);
  }

  /** Number of pending events. */
  get size(): number {
    return this.rootVacant ? this.count - 1 : this.count;
  }

  /** Insert an item due at `timeUs` (an integer number of microseconds). */
  push(timeUs: number, item: T): void {
    const seq = this.nextSeq++;
    if (this.rootVacant) {
      this.rootVacant = false;
      this.siftDown(0, timeUs, seq, item);
      return;
    }
    if (this.count === this.timesUs.length) this.grow();
    this.siftUp(this.count++, timeUs, seq, item);
  }

  /** Time of the earliest pending event; Infinity when empty. */
  peekTimeUs(): number {
    if (this.rootVacant) this.fillRoot();
    return this.count === 0 ? Infinity : this.timesUs[0];
  }

  /** Remove and return the earliest event; its time is `peekTimeUs()` read just before. */
  pop(): T {
    if (this.rootVacant) this.fillRoot();
    if (this.count === 0) throw new RangeError('EventQueue.pop on an empty queue');
    const item = this.items[0] as T;
    this.items[0] = undefined;
    this.rootVacant = true;
    return item;
  }

  clear(): void {
    this.items.fill(undefined, 0, this.count);
    this.count = 0;
    this.rootVacant = false;
  }

  private fillRoot(): void {
    this.rootVacant = false;
    const last = --this.count;
    if (last === 0) return;
    const item = this.items[last] as T;
    this.items[last] = undefined;
    this.siftDown(0, this.timesUs[last], this.seqs[last], item);
  }

  private siftUp(index: number, timeUs: number, seq: number, item: T): void {
    const times = this.timesUs;
    const seqs = this.seqs;
    const items = this.items;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const tp = times[parent];
      if (tp < timeUs || (tp === timeUs && seqs[parent] < seq)) break;
      times[i] = tp;
      seqs[i] = seqs[parent];
      items[i] = items[parent];
      i = parent;
    }
    times[i] = timeUs;
    seqs[i] = seq;
    items[i] = item;
  }

  private siftDown(index: number, timeUs: number, seq: number, item: T): void {
    const times = this.timesUs;
    const seqs = this.seqs;
    const items = this.items;
    const n = this.count;
    let i = index;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The smallest of up to four children.
      let best = first;
      let tb = times[first];
      let sb = seqs[first];
      const end = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < end; c++) {
        const tc = times[c];
        if (tc < tb || (tc === tb && seqs[c] < sb)) {
          best = c;
          tb = tc;
          sb = seqs[c];
        }
      }
      if (timeUs < tb || (timeUs === tb && seq < sb)) break;
      times[i] = tb;
      seqs[i] = sb;
      items[i] = items[best];
      i = best;
    }
    times[i] = timeUs;
    seqs[i] = seq;
    items[i] = item;
  }

  private grow(): void {
    const capacity = this.timesUs.length * 2;
    if (capacity > this.capacityMax) {
      throw new RangeError(`EventQueue: more than ${this.capacityMax} pending events (bound exceeded)`);
    }
    const times = new Float64Array(capacity);
    times.set(this.timesUs);
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.timesUs = times;
    this.seqs = seqs;
    this.items.length = capacity;
  }
}

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
/** Sequence numbers live in a Uint32Array. */
const SEQ_LIMIT = 2 ** 32;

export class EventQueue<T> {
  private timesUs: Float64Array;
  /** Insertion sequence numbers, 32-bit to keep the heap small (renumbered before they wrap). */
  private seqs: Uint32Array;
  private items: (T | undefined)[];
  private count = 0;
  private rootVacant = false;
  private nextSeq = 0;
  private readonly capacityMax: number;

  /** `seqLimit` is for tests of the renumbering; keep the default otherwise. */
  constructor(
    capacityInitial = 1024,
    capacityMax = 1 << 26,
    private readonly seqLimit = SEQ_LIMIT,
  ) {
    if (!(capacityInitial >= 1 && capacityInitial <= capacityMax)) {
      throw new RangeError(`EventQueue: bad capacity ${capacityInitial} (max ${capacityMax})`);
    }
    this.capacityMax = capacityMax;
    this.timesUs = new Float64Array(capacityInitial);
    this.seqs = new Uint32Array(capacityInitial);
    this.items = new Array(capacityInitial);
  }

  /** Number of pending events. */
  get size(): number {
    return this.rootVacant ? this.count - 1 : this.count;
  }

  /** Insert an item due at `timeUs` (an integer number of microseconds). */
  push(timeUs: number, item: T): void {
    if (this.nextSeq === this.seqLimit) this.renumber();
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

  /**
   * Give the pending entries the sequence numbers 0..n-1 in their (time, seq) order. Relative
   * order is kept, so the heap stays a heap and FIFO on equal times holds; runs once every
   * 2^32 pushes.
   */
  private renumber(): void {
    if (this.rootVacant) this.fillRoot();
    const n = this.count;
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => this.timesUs[a] - this.timesUs[b] || this.seqs[a] - this.seqs[b]);
    for (let rank = 0; rank < n; rank++) this.seqs[order[rank]] = rank;
    this.nextSeq = n;
  }

  private grow(): void {
    const capacity = this.timesUs.length * 2;
    if (capacity > this.capacityMax) {
      throw new RangeError(`EventQueue: more than ${this.capacityMax} pending events (bound exceeded)`);
    }
    const times = new Float64Array(capacity);
    times.set(this.timesUs);
    const seqs = new Uint32Array(capacity);
    seqs.set(this.seqs);
    this.timesUs = times;
    this.seqs = seqs;
    this.items.length = capacity;
  }
}


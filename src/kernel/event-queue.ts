/**
 * The pending events, ordered by (time, insertion sequence): equal times come out in insertion
 * order (FIFO), so the order of events is total and exact.
 *
 * Two stores share one sequence counter, and a pop takes the least (time, seq) of the two:
 *   - a 4-ary min-heap on typed arrays, for events scheduled at arbitrary times;
 *   - up to `LANES_MAX` FIFO lanes, one per delay. Events scheduled `delayUs` after a clock that
 *     never goes back arrive in (time, seq) order already, so a lane is a ring buffer: O(1) to
 *     push and pop, and sequential in memory. A simulation's traffic is dominated by a few delays
 *     (a constant network latency, protocol periods, request timeouts); at 100,000 nodes the heap
 *     holds half a million timers, and every heap operation is a dozen cache misses.
 *   The order of events is the same as with the heap alone, to the event. A delay gets a lane
 *   when it comes back (one-off delays stay in the heap), and lanes are skipped for a while
 *   when they take too few events (many distinct path latencies).
 *
 * Times are integer microseconds held in a Float64Array (exact up to 2^53 us, about 285 years).
 * The payloads travel in plain arrays beside them.
 *
 * A heap pop leaves the root vacant instead of sifting the last element down at once; if a push
 * follows (the common case: a handler schedules the next event), the new element fills the
 * root and is sifted down once, instead of paying for a sift-down and a sift-up.
 */
/** A run went past a bound it was given (pending events here, events in `Simulator.run`). */
export class BoundExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoundExceededError';
  }
}

/** Sequence numbers live in Uint32Arrays. */
const SEQ_LIMIT = 2 ** 32;
/** Lanes are scanned when a lane's head leaves, and on a push without a lane: a handful only. */
const LANES_MAX = 8;
/** Pushes with a delay per sampling window, and how many skip the lanes after a poor window. */
const LANE_WINDOW = 4096;
const LANE_REST = 16 * LANE_WINDOW;
/** Delays seen lately without a lane, direct-mapped: a delay gets a lane when it comes back. */
const SEEN_SLOTS = 64;
const HEAP = -1;

/** A FIFO of events scheduled with one delay: times never decrease from head to tail. */
class Lane<T> {
  timesUs: Float64Array;
  seqs: Uint32Array;
  items: (T | undefined)[];
  head = 0;
  count = 0;
  constructor(
    public delayUs: number,
    capacity: number,
  ) {
    this.timesUs = new Float64Array(capacity);
    this.seqs = new Uint32Array(capacity);
    this.items = new Array(capacity);
  }

  /** Index of the k-th pending entry (0: the head). Capacity is a power of two. */
  at(k: number): number {
    return (this.head + k) & (this.timesUs.length - 1);
  }

  /** Whether this (non-empty) lane's head comes before the event (timeUs, seq). */
  headBefore(timeUs: number, seq: number): boolean {
    const t = this.timesUs[this.head];
    return t < timeUs || (t === timeUs && this.seqs[this.head] < seq);
  }

  /** Whether this lane's head comes before `other`'s (both non-empty). */
  headBeforeLane(other: Lane<T>): boolean {
    return this.headBefore(other.timesUs[other.head], other.seqs[other.head]);
  }

  tailTimeUs(): number {
    return this.timesUs[this.at(this.count - 1)];
  }

  push(timeUs: number, seq: number, item: T): void {
    if (this.count === this.timesUs.length) this.grow();
    const i = this.at(this.count++);
    this.timesUs[i] = timeUs;
    this.seqs[i] = seq;
    this.items[i] = item;
  }

  shift(): T {
    const i = this.head;
    const item = this.items[i] as T;
    this.items[i] = undefined;
    this.head = (i + 1) & (this.timesUs.length - 1);
    this.count--;
    return item;
  }

  private grow(): void {
    const capacity = this.timesUs.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Uint32Array(capacity);
    const items = new Array<T | undefined>(capacity);
    for (let k = 0; k < this.count; k++) {
      const i = this.at(k);
      times[k] = this.timesUs[i];
      seqs[k] = this.seqs[i];
      items[k] = this.items[i];
    }
    this.timesUs = times;
    this.seqs = seqs;
    this.items = items;
    this.head = 0;
  }
}

export class EventQueue<T> {
  private timesUs: Float64Array;
  /** Insertion sequence numbers, 32-bit to keep the heap small (renumbered before they wrap). */
  private seqs: Uint32Array;
  private items: (T | undefined)[];
  private count = 0;
  private rootVacant = false;
  private nextSeq = 0;
  private readonly capacityMax: number;
  private readonly lanes: Lane<T>[] = [];
  /** lanes[j].delayUs, in a typed array: every push scans it. */
  private readonly laneDelaysUs = new Float64Array(LANES_MAX).fill(-1);
  /** Events pending, heap and lanes together. */
  private pending = 0;
  /** The lane whose head is the least (time, seq) of all lane heads; -1 when every lane is empty. */
  private laneMin = -1;
  /** That lane's head, kept here so that a pop compares two numbers (Infinity: no lane event). */
  private laneMinTimeUs = Infinity;
  private laneMinSeq = 0;
  /** Delays met lately that had no lane (-1: none), so one-off delays (random ones) stay in the heap. */
  private readonly seenDelaysUs = new Float64Array(SEEN_SLOTS).fill(-1);
  /**
   * Lanes pay only where delays recur. Pushes with a delay are sampled in windows of
   * LANE_WINDOW: when fewer than a quarter of a window's went to lanes (delays all different, as
   * random ones or many distinct path latencies), the lanes are skipped for the next
   * LANE_REST pushes with a delay, then sampled again. The order of events never depends on it.
   */
  private laneSkip = 0;
  private laneWindowPushes = 0;
  private laneWindowHits = 0;

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
    return this.pending;
  }

  /**
   * Insert an item due at `timeUs` (an integer number of microseconds). Give `delayUs` when the
   * item was scheduled that long after the current time, so it may travel in that delay's lane.
   */
  push(timeUs: number, item: T, delayUs = -1): void {
    if (this.pending === this.capacityMax) {
      throw new BoundExceededError(`more than ${this.capacityMax} pending events at once (bound exceeded; raise limits.pendingEventsMax)`);
    }
    if (this.nextSeq === this.seqLimit) this.renumber();
    const seq = this.nextSeq++;
    this.pending++;
    if (delayUs >= 0 && this.pushToLane(timeUs, seq, item, delayUs)) return;
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
    if (this.findNext() !== HEAP) return this.laneMinTimeUs;
    return this.count === 0 ? Infinity : this.timesUs[0];
  }

  /** Remove and return the earliest event; its time is `peekTimeUs()` read just before. */
  pop(): T {
    const source = this.findNext();
    if (source !== HEAP) {
      this.pending--;
      const item = this.lanes[source].shift();
      this.setLaneMin(this.leastLane());
      return item;
    }
    if (this.count === 0) throw new RangeError('EventQueue.pop on an empty queue');
    this.pending--;
    const item = this.items[0] as T;
    this.items[0] = undefined;
    this.rootVacant = true;
    return item;
  }

  clear(): void {
    if (this.rootVacant) this.fillRoot();
    this.items.fill(undefined, 0, this.count);
    this.count = 0;
    for (const lane of this.lanes) {
      lane.items.fill(undefined);
      lane.head = 0;
      lane.count = 0;
    }
    this.pending = 0;
    this.setLaneMin(-1);
  }

  /** The source of the least (time, seq) pending: the heap's root or a lane's head. */
  private findNext(): number {
    if (this.rootVacant) this.fillRoot();
    if (this.count === 0) return this.laneMin; // HEAP (-1) too when both are empty
    const t = this.timesUs[0];
    const tl = this.laneMinTimeUs;
    return tl < t || (tl === t && this.laneMinSeq < this.seqs[0]) ? this.laneMin : HEAP;
  }

  private setLaneMin(j: number): void {
    this.laneMin = j;
    if (j < 0) {
      this.laneMinTimeUs = Infinity;
      this.laneMinSeq = 0;
      return;
    }
    const lane = this.lanes[j];
    this.laneMinTimeUs = lane.timesUs[lane.head];
    this.laneMinSeq = lane.seqs[lane.head];
  }

  /** Put the event in its delay's lane if lanes are in use and one takes it; false: the heap's. */
  private pushToLane(timeUs: number, seq: number, item: T, delayUs: number): boolean {
    if (this.laneSkip > 0) {
      this.laneSkip--;
      return false;
    }
    const lane = this.laneFor(delayUs);
    // A lane takes only what keeps it sorted (a clock moved by `at` to an earlier time would not).
    const taken = lane !== null && (lane.count === 0 || lane.tailTimeUs() <= timeUs);
    if (taken) {
      lane.push(timeUs, seq, item);
      if (lane.count === 1) this.laneHeadArrived(lane);
      this.laneWindowHits++;
    }
    if (++this.laneWindowPushes === LANE_WINDOW) {
      if (this.laneWindowHits < LANE_WINDOW / 4) this.laneSkip = LANE_REST;
      this.laneWindowPushes = 0;
      this.laneWindowHits = 0;
    }
    return taken;
  }

  /** A lane that was empty got an event: it may now hold the least head. */
  private laneHeadArrived(lane: Lane<T>): void {
    if (this.laneMin < 0 || lane.headBefore(this.laneMinTimeUs, this.laneMinSeq)) this.setLaneMin(this.lanes.indexOf(lane));
  }

  /** The non-empty lane with the least head, -1 if none (a scan of a handful of lanes). */
  private leastLane(): number {
    const lanes = this.lanes;
    let best = -1;
    for (let j = 0; j < lanes.length; j++) {
      const lane = lanes[j];
      if (lane.count === 0) continue;
      if (best < 0 || lane.headBeforeLane(lanes[best])) best = j;
    }
    return best;
  }

  /**
   * The lane of `delayUs`: its own, or for a delay seen lately, a new one or an idle one taken
   * over; null (the heap) for a delay met for the first time lately, or when all lanes are busy.
   */
  private laneFor(delayUs: number): Lane<T> | null {
    const lanes = this.lanes;
    const delays = this.laneDelaysUs;
    for (let j = 0; j < LANES_MAX; j++) if (delays[j] === delayUs) return lanes[j];
    const slot = delayUs & (SEEN_SLOTS - 1); // a bit mask, not %: fmod on a double is slow
    if (this.seenDelaysUs[slot] !== delayUs) {
      this.seenDelaysUs[slot] = delayUs;
      return null;
    }
    if (lanes.length < LANES_MAX) {
      delays[lanes.length] = delayUs;
      const lane = new Lane<T>(delayUs, 64);
      lanes.push(lane);
      return lane;
    }
    for (let j = 0; j < lanes.length; j++) {
      if (lanes[j].count === 0) {
        lanes[j].delayUs = delayUs;
        delays[j] = delayUs;
        return lanes[j];
      }
    }
    return null;
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
   * Give the pending entries, heap and lanes together, the sequence numbers 0..n-1 in their
   * (time, seq) order. Relative order is kept, so the heap stays a heap, each lane stays sorted
   * and FIFO on equal times holds; runs once every 2^32 pushes.
   */
  private renumber(): void {
    if (this.rootVacant) this.fillRoot();
    const times: number[] = [];
    const seqs: number[] = [];
    /** Where each entry's seq lives: [array, index]. */
    const homes: [Uint32Array, number][] = [];
    for (let i = 0; i < this.count; i++) {
      times.push(this.timesUs[i]);
      seqs.push(this.seqs[i]);
      homes.push([this.seqs, i]);
    }
    for (const lane of this.lanes) {
      for (let k = 0; k < lane.count; k++) {
        const i = lane.at(k);
        times.push(lane.timesUs[i]);
        seqs.push(lane.seqs[i]);
        homes.push([lane.seqs, i]);
      }
    }
    const order = Array.from({ length: homes.length }, (_, i) => i);
    order.sort((a, b) => times[a] - times[b] || seqs[a] - seqs[b]);
    for (let rank = 0; rank < order.length; rank++) {
      const [array, index] = homes[order[rank]];
      array[index] = rank;
    }
    this.nextSeq = order.length;
    this.setLaneMin(this.laneMin); // its head's seq changed
  }

  private grow(): void {
    const capacity = Math.min(this.timesUs.length * 2, this.capacityMax);
    const times = new Float64Array(capacity);
    times.set(this.timesUs);
    const seqs = new Uint32Array(capacity);
    seqs.set(this.seqs);
    this.timesUs = times;
    this.seqs = seqs;
    this.items.length = capacity;
  }
}

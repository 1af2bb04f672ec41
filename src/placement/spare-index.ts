/**
 * Hosts ordered by spare CPU (most spare first, then host index), kept sorted as loads change,
 * so the planner finds the emptiest host with room in O(log H) and scans from there: a sorted
 * array with binary search and splice (a splice of 10,000 entries costs microseconds, and a plan
 * updates a few hundred hosts at most).
 */
export class SpareIndex {
  private readonly order: number[];
  /** The key each host was inserted with: its spare CPU at the time. */
  private readonly key: Float64Array;

  constructor(spare: Float64Array) {
    this.key = Float64Array.from(spare);
    this.order = new Array<number>(spare.length);
    for (let h = 0; h < spare.length; h++) this.order[h] = h;
    this.order.sort((a, b) => this.compare(a, b));
  }

  get size(): number {
    return this.order.length;
  }

  /** The host at rank `i` (0 = most spare CPU). */
  at(i: number): number {
    return this.order[i];
  }

  spareOf(h: number): number {
    return this.key[h];
  }

  /** Number of hosts with spare CPU >= `min` (they hold ranks 0 .. result - 1). */
  countAtLeast(min: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.key[this.order[mid]] >= min) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  update(h: number, spare: number): void {
    if (spare === this.key[h]) return;
    const at = this.rankOf(h);
    if (this.order[at] !== h) throw new Error(`SpareIndex: host ${h} not found at its key`);
    this.order.splice(at, 1);
    this.key[h] = spare;
    this.order.splice(this.rankOf(h), 0, h);
  }

  /** The first rank whose host does not come before `h` in the order. */
  private rankOf(h: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.order[mid], h) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compare(a: number, b: number): number {
    return this.key[b] - this.key[a] || a - b;
  }
}

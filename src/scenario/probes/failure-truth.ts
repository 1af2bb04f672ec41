/**
 * What failed and when, from the simulated world itself: each host's down intervals (its agent
 * stopped: a crash loses the agent's state), and which PoPs could reach each other over time
 * (a component label per PoP, recomputed at every link or PoP change). Probes ask whether a host
 * was down, or cut from another, at any instant of an interval.
 */
export interface ReachabilityModel {
  readonly popCount: number;
  hostPop(host: number): number;
  /** Whether PoP `a` reaches PoP `b` now. */
  reaches(a: number, b: number): boolean;
}

export class FailureTruth {
  /** Per host: [down, up) intervals in ms, flat; an open one ends at Infinity. */
  private readonly downs: number[][];
  private readonly epochStartMs: number[] = [];
  private readonly epochLabels: Int32Array[] = [];

  constructor(
    private readonly nowMs: () => number,
    hostCount: number,
    /** null: a network that never partitions (an RTT matrix). */
    private readonly reach: ReachabilityModel | null,
  ) {
    this.downs = Array.from({ length: hostCount }, () => []);
    this.networkChanged();
  }

  /** A host's agent went down or came back, now. */
  hostChanged(host: number, up: boolean): void {
    const intervals = this.downs[host];
    const open = intervals.length > 0 && intervals[intervals.length - 1] === Infinity;
    if (!up && !open) intervals.push(this.nowMs(), Infinity);
    else if (up && open) intervals[intervals.length - 1] = this.nowMs();
  }

  /** A link or a PoP changed state, now: label the PoPs by who reaches whom. */
  networkChanged(): void {
    if (this.reach === null) {
      if (this.epochLabels.length === 0) this.epochStartMs.push(this.nowMs()), this.epochLabels.push(new Int32Array(0));
      return;
    }
    const { popCount } = this.reach;
    const labels = new Int32Array(popCount).fill(-1);
    let next = 0;
    for (let p = 0; p < popCount; p++) {
      if (labels[p] >= 0) continue;
      labels[p] = next;
      for (let q = p + 1; q < popCount; q++) if (labels[q] < 0 && this.reach.reaches(p, q)) labels[q] = next;
      next++;
    }
    const now = this.nowMs();
    if (this.epochStartMs[this.epochStartMs.length - 1] === now) {
      this.epochLabels[this.epochLabels.length - 1] = labels; // several changes at one instant: the last state holds
    } else {
      this.epochStartMs.push(now);
      this.epochLabels.push(labels);
    }
  }

  /** Whether `host` was down at some instant of [fromMs, toMs]. */
  downDuring(host: number, fromMs: number, toMs: number): boolean {
    const intervals = this.downs[host];
    for (let i = intervals.length - 2; i >= 0; i -= 2) {
      if (intervals[i + 1] < fromMs) return false; // intervals are in time order
      if (intervals[i] <= toMs) return true;
    }
    return false;
  }

  /** Whether hosts `a` and `b` were cut from each other at some instant of [fromMs, toMs]. */
  cutDuring(a: number, b: number, fromMs: number, toMs: number): boolean {
    if (this.reach === null || a === b) return false;
    const pa = this.reach.hostPop(a);
    const pb = this.reach.hostPop(b);
    for (let e = this.epochStartMs.length - 1; e >= 0; e--) {
      const start = this.epochStartMs[e];
      const end = e + 1 < this.epochStartMs.length ? this.epochStartMs[e + 1] : Infinity;
      if (start > toMs) continue;
      if (end < fromMs) break;
      if (this.epochLabels[e][pa] !== this.epochLabels[e][pb]) return true;
    }
    return false;
  }
}

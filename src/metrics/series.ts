/** One tidy row: a metric's value at a virtual time, optionally for one node. */
export interface MetricRow {
  readonly timeS: number;
  readonly metric: string;
  /** NaN where the metric has no value at this time (written as an empty cell). */
  readonly value: number;
  /** The host's index (0..N-1) in decimal for per-node metrics; '' for global ones. */
  readonly node: string;
}

/**
 * What a global metric's missing sample means. A `count` is cumulative (messages sent, lookups
 * made, violations seen): before its first increment it is 0, so a sample that did not record it
 * is written as 0. A `gauge` (a mean, a share, a latency quantile, a level) may be undefined (a
 * latency mean with no sample, a resolve time with nothing resolved): a sample that did not
 * record it is written as an empty cell, never as 0.
 */
export type MetricKind = 'count' | 'gauge';

/**
 * The rows of a run. `all()` is dense: at every sample time (a time at which some global metric
 * was recorded) every global metric recorded anywhere in the run has exactly one row, from the
 * first sample on, in a fixed order (the order in which metrics were first recorded); a count
 * not recorded at a sample is 0, a gauge is NaN. Per-node rows are kept as recorded, after the
 * global rows of their time. Deterministic: the output depends only on the calls, in order.
 */
export class MetricSeries {
  private readonly times: number[] = [];
  /** Global values by time, then metric (insertion order = the metric's first record). */
  private readonly global = new Map<number, Map<string, number>>();
  private readonly kinds = new Map<string, MetricKind>();
  private readonly perNode = new Map<number, MetricRow[]>();
  private readonly finals = new Map<string, number>();

  /** A gauge (or, with `node`, a per-node value: `node` is the host's index). */
  record(timeS: number, metric: string, value: number, node?: number): void {
    if (node === undefined) this.put(timeS, metric, value, 'gauge');
    else this.putNode(timeS, metric, value, node);
  }

  /** A cumulative count: 0 at the samples before it is first recorded. */
  count(timeS: number, metric: string, value: number): void {
    this.put(timeS, metric, value, 'count');
  }

  kindOf(metric: string): MetricKind | undefined {
    return this.kinds.get(metric);
  }

  /** Dense rows: see the class comment. */
  all(): readonly MetricRow[] {
    const names = [...this.kinds.keys()];
    const rows: MetricRow[] = [];
    for (const timeS of this.times) {
      const values = this.global.get(timeS);
      if (values !== undefined) {
        for (const metric of names) {
          const value = values.get(metric) ?? (this.kinds.get(metric) === 'count' ? 0 : NaN);
          rows.push({ timeS, metric, value, node: '' });
        }
      }
      for (const row of this.perNode.get(timeS) ?? []) rows.push(row);
    }
    return rows;
  }

  /** The last value recorded of every global metric, by name in sorted order. */
  finalValues(): Record<string, number> {
    const names = [...this.finals.keys()].sort();
    const out: Record<string, number> = {};
    for (const name of names) out[name] = this.finals.get(name) as number;
    return out;
  }

  private put(timeS: number, metric: string, value: number, kind: MetricKind): void {
    const known = this.kinds.get(metric);
    if (known === undefined) this.kinds.set(metric, kind);
    else if (known !== kind) throw new Error(`metric ${metric} recorded as a ${kind} at ${timeS} s, earlier as a ${known}`);
    let values = this.global.get(timeS);
    if (values === undefined) {
      this.addTime(timeS);
      values = new Map();
      this.global.set(timeS, values);
    }
    if (values.has(metric)) throw new Error(`metric ${metric} recorded twice at ${timeS} s`);
    values.set(metric, value);
    this.finals.set(metric, value);
  }

  private putNode(timeS: number, metric: string, value: number, node: number): void {
    if (!Number.isSafeInteger(node) || node < 0) throw new Error(`per-node metric ${metric}: node must be a host index, got ${node}`);
    let rows = this.perNode.get(timeS);
    if (rows === undefined) {
      this.addTime(timeS);
      rows = [];
      this.perNode.set(timeS, rows);
    }
    rows.push({ timeS, metric, value, node: String(node) });
  }

  private addTime(timeS: number): void {
    if (this.global.has(timeS) || this.perNode.has(timeS)) return;
    const last = this.times.at(-1);
    if (last !== undefined && timeS < last) throw new Error(`metrics recorded out of time order: ${timeS} s after ${last} s`);
    this.times.push(timeS);
  }
}

/** One tidy row: a metric's value at a virtual time, optionally for one node. */
export interface MetricRow {
  readonly timeS: number;
  readonly metric: string;
  readonly value: number;
  /** Host label for per-node metrics; '' for global ones. */
  readonly node: string;
}

/** The rows of a run, in the order they were recorded (deterministic: time, then record order). */
export class MetricSeries {
  private readonly rows: MetricRow[] = [];
  private readonly finals = new Map<string, number>();

  record(timeS: number, metric: string, value: number, node = ''): void {
    this.rows.push({ timeS, metric, value, node });
    if (node === '') this.finals.set(metric, value);
  }

  all(): readonly MetricRow[] {
    return this.rows;
  }

  /** The last value of every global metric, by name in sorted order. */
  finalValues(): Record<string, number> {
    const names = [...this.finals.keys()].sort();
    const out: Record<string, number> = {};
    for (const name of names) out[name] = this.finals.get(name) as number;
    return out;
  }
}

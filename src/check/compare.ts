/**
 * Comparing a metric with its baseline. The value compared is the mean over the seeds of the
 * metric's final value. A change within the tolerance is `ok`; beyond it, a change in the bad
 * direction is a `REGRESSION` and one in the good direction is `improved` (time to `--update`).
 * For `two-sided` checks (counts that should not move) any change beyond it is a regression.
 */
import type { Direction, MetricCheck, Tolerance } from './baseline.js';

export type Verdict = 'ok' | 'REGRESSION' | 'improved';

export interface CheckResult {
  readonly baseline: string;
  readonly metric: string;
  readonly expected: number;
  readonly got: number;
  readonly tolerance: Tolerance;
  readonly direction: Direction;
  readonly verdict: Verdict;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean: no values');
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The largest deviation from `expected` the tolerance accepts (>= 0). */
export function allowedDeviation(expected: number, tolerance: Tolerance): number {
  return 'absolute' in tolerance ? tolerance.absolute : tolerance.relative * Math.abs(expected);
}

export function verdictOf(check: MetricCheck, got: number): Verdict {
  if (!Number.isFinite(got)) return 'REGRESSION';
  const allowed = allowedDeviation(check.expected, check.tolerance);
  const deviation = got - check.expected;
  if (Math.abs(deviation) <= allowed) return 'ok';
  switch (check.direction) {
    case 'two-sided':
      return 'REGRESSION';
    case 'lower-is-better':
      return deviation > 0 ? 'REGRESSION' : 'improved';
    case 'higher-is-better':
      return deviation < 0 ? 'REGRESSION' : 'improved';
  }
}

/** One result per check of a baseline, from the mean over the seeds of each metric. */
export function compareBaseline(name: string, checks: readonly MetricCheck[], means: ReadonlyMap<string, number>): CheckResult[] {
  return checks.map((check) => {
    const got = means.get(check.metric);
    if (got === undefined) throw new RangeError(`compareBaseline: no value for ${check.metric}`);
    return { baseline: name, metric: check.metric, expected: check.expected, got, tolerance: check.tolerance, direction: check.direction, verdict: verdictOf(check, got) };
  });
}

/** For each metric, the mean over the runs of its final value (runs = summary.json `metrics`). */
export function meansOver(runs: readonly Readonly<Record<string, number>>[], metrics: readonly string[]): Map<string, number> {
  const means = new Map<string, number>();
  for (const metric of metrics) {
    const values = runs.map((run) => run[metric]).filter((value): value is number => typeof value === 'number');
    if (values.length === runs.length && values.length > 0) means.set(metric, mean(values));
  }
  return means;
}

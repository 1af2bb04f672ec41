/**
 * Aggregating the final metrics of a sweep across seeds: mean, sample standard deviation, range
 * and a 95% confidence interval on the mean from Student's t. Pure and deterministic: rows come
 * in the order of the points given, metrics sorted by name.
 */
import { stringify } from 'csv-stringify/sync';

/**
 * t(0.975, df) for df = 1..30, to double precision (scipy.stats.t.ppf); index 0 is df = 1.
 * Above 30 degrees of freedom the Cornish-Fisher expansion below is exact to better than 1e-6.
 */
const T975_TABLE: readonly number[] = [
  12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934, 2.5705818356363146,
  2.4469118511449786, 2.364624251592784, 2.306004135204166, 2.262157162798205, 2.228138851986274,
  2.200985160091639, 2.1788128296672284, 2.1603686564627913, 2.144786687917804, 2.131449545559776,
  2.1199052992212546, 2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
  2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245, 2.0595385527532972,
  2.0555294386428735, 2.0518305164802846, 2.0484071417952454, 2.045229642132703, 2.0422724563012378,
];

/** The 0.975 quantile of the standard normal distribution. */
const Z975 = 1.959963984540054;

/**
 * The 0.975 quantile of Student's t distribution with `df` degrees of freedom (a positive
 * integer): the table up to 30, then the Cornish-Fisher expansion of t around the normal
 * quantile in powers of 1/df (Abramowitz & Stegun 26.7.5).
 */
export function studentT975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`studentT975: df must be an integer >= 1, got ${df}`);
  if (df <= T975_TABLE.length) return T975_TABLE[df - 1];
  const z = Z975;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** Statistics of one metric over the seeds of one point; `sd` and the CI are null when n = 1. */
export interface SampleSummary {
  readonly n: number;
  readonly mean: number;
  readonly sd: number | null;
  readonly min: number;
  readonly max: number;
  readonly ci95Low: number | null;
  readonly ci95High: number | null;
}

/** Mean, sample standard deviation (n - 1), range and the t-based 95% CI of the mean. */
export function summarizeSample(values: readonly number[]): SampleSummary {
  const n = values.length;
  if (n === 0) throw new RangeError('summarizeSample: no values');
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  if (n === 1) return { n, mean, sd: null, min, max, ci95Low: null, ci95High: null };
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const sd = Math.sqrt(squares / (n - 1));
  const half = (studentT975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, min, max, ci95Low: mean - half, ci95High: mean + half };
}

/** A swept parameter value: a scalar, or a JSON list or object (a whole `faults` list, a protocol block). */
export type ParamValue = string | number | boolean | null | readonly ParamValue[] | { readonly [key: string]: ParamValue };

/** One grid point and the final metrics (summary.json `metrics`) of its finished runs. */
export interface PointResults {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly runs: readonly Readonly<Record<string, number>>[];
}

export interface AggregateRow {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly metric: string;
  readonly summary: SampleSummary;
}

/**
 * One row per point (in the order given) and metric (sorted), over the runs that have the
 * metric as a finite number. Points without finished runs give no rows.
 */
export function aggregatePoints(points: readonly PointResults[]): AggregateRow[] {
  const rows: AggregateRow[] = [];
  for (const point of points) {
    const byMetric = new Map<string, number[]>();
    for (const run of point.runs) {
      for (const [metric, value] of Object.entries(run)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        const list = byMetric.get(metric);
        if (list === undefined) byMetric.set(metric, [value]);
        else list.push(value);
      }
    }
    for (const metric of [...byMetric.keys()].sort()) {
      rows.push({ params: point.params, metric, summary: summarizeSample(byMetric.get(metric) as number[]) });
    }
  }
  return rows;
}

export const AGGREGATE_STAT_COLUMNS = ['metric', 'n', 'mean', 'sd', 'min', 'max', 'ci95_low', 'ci95_high'] as const;

/** aggregate.csv: one column per swept parameter path, then the statistics; empty cells for null, lists and objects as JSON. */
export function aggregateCsv(paramPaths: readonly string[], rows: readonly AggregateRow[]): string {
  const cell = (value: ParamValue | undefined): string | number => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'object') return JSON.stringify(value);
    return typeof value === 'boolean' ? String(value) : value;
  };
  const records = rows.map((row) => {
    const s = row.summary;
    return [...paramPaths.map((path) => cell(row.params[path])), row.metric, s.n, s.mean, cell(s.sd), s.min, s.max, cell(s.ci95Low), cell(s.ci95High)];
  });
  return stringify(records, { header: true, columns: [...paramPaths, ...AGGREGATE_STAT_COLUMNS] });
}

import { describe, expect, it } from 'vitest';
import { aggregateCsv, aggregatePoints, studentT975, summarizeSample, type PointResults } from '../../src/metrics/aggregate.js';

/** t(0.975, df) from scipy.stats.t.ppf, beyond the exact table. */
const REFERENCE: readonly [number, number][] = [
  [31, 2.039513446396408],
  [35, 2.030107928250343],
  [40, 2.021075390306273],
  [50, 2.008559112100761],
  [60, 2.0002978220142604],
  [100, 1.9839715185235518],
  [120, 1.9799304050824402],
  [1000, 1.9623390808264083],
  [10000, 1.960201239890626],
];

/** P(T <= x) for Student's t with df degrees of freedom, by Simpson integration of the density from 0. */
function studentCdf(x: number, df: number): number {
  const logC = lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const density = (t: number): number => Math.exp(logC - ((df + 1) / 2) * Math.log(1 + (t * t) / df));
  const steps = 20_000;
  const h = x / steps;
  let sum = density(0) + density(x);
  for (let k = 1; k < steps; k++) sum += (k % 2 === 1 ? 4 : 2) * density(k * h);
  return 0.5 + (sum * h) / 3;
}

/** log Gamma by the Lanczos approximation (g = 7, 9 terms). */
function lgamma(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const x = z - 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

describe('studentT975', () => {
  it('gives the textbook values: t(0.975, 4) = 2.776, t(0.975, 1) = 12.706, t(0.975, 30) = 2.042', () => {
    expect(studentT975(4)).toBeCloseTo(2.776, 3);
    expect(studentT975(1)).toBeCloseTo(12.706, 3);
    expect(studentT975(9)).toBeCloseTo(2.262, 3);
    expect(studentT975(30)).toBeCloseTo(2.042, 3);
  });

  it('puts 97.5% of the t distribution below the table value for df 1 to 30 (to 1e-6)', () => {
    for (let df = 1; df <= 30; df++) expect(studentCdf(studentT975(df), df), `df=${df}`).toBeCloseTo(0.975, 6);
  });

  it('follows scipy within 1e-6 beyond the table and tends to the normal quantile 1.95996', () => {
    for (const [df, t] of REFERENCE) expect(Math.abs(studentT975(df) - t), `df=${df}`).toBeLessThan(1e-6);
    expect(studentT975(1e9)).toBeCloseTo(1.959964, 6);
  });

  it('decreases with the degrees of freedom, across the end of the table too', () => {
    for (let df = 1; df < 200; df++) expect(studentT975(df + 1)).toBeLessThan(studentT975(df));
  });

  it('rejects degrees of freedom that are not positive integers', () => {
    expect(() => studentT975(0)).toThrow(RangeError);
    expect(() => studentT975(2.5)).toThrow(RangeError);
  });
});

describe('summarizeSample', () => {
  it('gives mean, sample sd and mean +- t(0.975, n-1) sd / sqrt(n) for 5 values', () => {
    const s = summarizeSample([1, 2, 3, 4, 5]);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.min).toBe(1);
    expect(s.max).toBe(5);
    const half = (2.7764451051977934 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(s.ci95Low).toBeCloseTo(3 - half, 12);
    expect(s.ci95High).toBeCloseTo(3 + half, 12);
    expect(s.ci95High! - s.ci95Low!).toBeCloseTo(3.926, 3);
  });

  it('leaves sd and the interval empty for a single run', () => {
    expect(summarizeSample([0.25])).toEqual({ n: 1, mean: 0.25, sd: null, min: 0.25, max: 0.25, ci95Low: null, ci95High: null });
  });

  it('gives a zero-width interval when every seed agrees', () => {
    const s = summarizeSample([7, 7, 7]);
    expect(s.sd).toBe(0);
    expect(s.ci95Low).toBe(7);
    expect(s.ci95High).toBe(7);
  });
});

describe('aggregatePoints and aggregateCsv', () => {
  const points: PointResults[] = [
    { params: { 'protocols.vivaldi.dimensions': 2, name: 'a' }, runs: [{ 'z.last': 1, 'a.first': 10 }, { 'a.first': 20, 'z.last': 3 }] },
    { params: { 'protocols.vivaldi.dimensions': 3, name: 'b' }, runs: [] },
    { params: { 'protocols.vivaldi.dimensions': 5, name: 'c' }, runs: [{ 'a.first': 4 }, { 'a.first': 6, 'z.last': 9 }, { 'a.first': 8 }] },
  ];

  it('gives one row per point in grid order and metric in name order, counting the runs that have the metric', () => {
    const rows = aggregatePoints(points);
    expect(rows.map((r) => [r.params.name, r.metric, r.summary.n])).toEqual([
      ['a', 'a.first', 2],
      ['a', 'z.last', 2],
      ['c', 'a.first', 3],
      ['c', 'z.last', 1],
    ]);
    expect(rows[0].summary.mean).toBe(15);
    expect(rows[2].summary.mean).toBe(6);
    expect(rows[2].summary.sd).toBe(2);
  });

  it('writes the parameter columns by path, then the statistics, with empty cells where n = 1', () => {
    const csv = aggregateCsv(['protocols.vivaldi.dimensions', 'name'], aggregatePoints(points));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('protocols.vivaldi.dimensions,name,metric,n,mean,sd,min,max,ci95_low,ci95_high');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('5,c,z.last,1,9,,9,9,,');
    const [dims, name, metric, n, mean, sd, min, max, low, high] = lines[1].split(',');
    expect([dims, name, metric, n, mean, min, max]).toEqual(['2', 'a', 'a.first', '2', '15', '10', '20']);
    expect(Number(sd)).toBeCloseTo(Math.sqrt(50), 12);
    const half = (12.706204736174694 * Math.sqrt(50)) / Math.sqrt(2);
    expect(Number(low)).toBeCloseTo(15 - half, 9);
    expect(Number(high)).toBeCloseTo(15 + half, 9);
  });

  it('ignores values that are not finite numbers', () => {
    const rows = aggregatePoints([{ params: {}, runs: [{ m: 1 }, { m: Number.NaN }, { m: 3 }] }]);
    expect(rows[0].summary.n).toBe(2);
    expect(rows[0].summary.mean).toBe(2);
  });
});

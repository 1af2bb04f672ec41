/**
 * Helpers for the notebooks: find the project, run the `luc` command, read results folders
 * (metrics.csv, summary.json, scenario.json) and sweep folders (aggregate.csv), and render
 * Observable Plot charts to SVG markup in Node (linkedom stands in for the browser's DOM).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { parse } from 'csv-parse/sync';

/** The luc-sim checkout: the first folder above `from` whose package.json is named luc-sim. */
export function projectRoot(from: string = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'luc-sim') return dir;
    if (dirname(dir) === dir) throw new Error(`no luc-sim package.json above ${from}`);
  }
}

export const ROOT = projectRoot();
/** The compiled CLI (`npm run build`, which `npm ci` and `npm run notebooks` do). */
export const LUC = join(ROOT, 'dist/cli/main.js');

export interface LucResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `luc ARGS...` in the project folder. */
export function luc(args: readonly string[]): LucResult {
  if (!existsSync(LUC)) throw new Error(`${LUC} is missing: run npm run build in ${ROOT}`);
  const r = spawnSync(process.execPath, [LUC, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `luc ARGS...` and throws with its stderr when it fails. */
export function lucOrThrow(args: readonly string[]): string {
  const r = luc(args);
  if (r.status !== 0) throw new Error(`luc ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** Records of a CSV file as objects keyed by the header (csv-parse, csv-stringify's sibling). */
export function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** One row of metrics.csv: `value` is NaN where the cell is empty (a gauge with no value then); `node` is the host's index, null for global metrics. */
export interface MetricRow {
  readonly timeS: number;
  readonly metric: string;
  readonly value: number;
  readonly node: number | null;
}

export interface RunFolder {
  readonly dir: string;
  readonly rows: readonly MetricRow[];
  readonly summary: { scenario: string; seed: number; hosts: number; metrics: Record<string, number> };
  /** The resolved scenario (scenario.json), every default filled. */
  readonly scenario: { name: string; durationS: number; faults: { kind: string; atS: number; durationS?: number }[] };
}

export function readRunFolder(dir: string): RunFolder {
  const rows = readCsv(join(dir, 'metrics.csv')).map((r) => ({
    timeS: Number(r.time_s),
    metric: r.metric,
    value: r.value === '' ? NaN : Number(r.value),
    node: r.node === '' ? null : Number(r.node),
  }));
  const json = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  return { dir, rows, summary: json('summary.json'), scenario: json('scenario.json') };
}

/** A global metric over time. */
export function series(run: RunFolder, metric: string): { timeS: number; value: number }[] {
  return run.rows.filter((r) => r.metric === metric && r.node === null).map(({ timeS, value }) => ({ timeS, value }));
}

/** Fault windows [start, end) in seconds; a fault without duration lasts to the end of the run. */
export function faultWindows(run: RunFolder): { kind: string; startS: number; endS: number }[] {
  return run.scenario.faults
    .filter((f) => typeof f.atS === 'number')
    .map((f) => ({ kind: f.kind, startS: f.atS, endS: Math.min(run.scenario.durationS, f.atS + (f.durationS ?? Infinity)) }));
}

/** One row of a sweep's aggregate.csv: the swept parameters (as written), then the statistics. */
export interface AggregateRow {
  readonly params: Record<string, string>;
  readonly metric: string;
  readonly n: number;
  readonly mean: number;
  /** null when n = 1 (no spread from one seed). */
  readonly sd: number | null;
  readonly min: number;
  readonly max: number;
  readonly ci95Low: number | null;
  readonly ci95High: number | null;
}

export const AGGREGATE_STAT_COLUMNS = ['metric', 'n', 'mean', 'sd', 'min', 'max', 'ci95_low', 'ci95_high'];

export interface SweepAggregate {
  /** The swept parameter paths, in column order. */
  readonly params: readonly string[];
  readonly rows: readonly AggregateRow[];
}

export function readAggregate(dir: string): SweepAggregate {
  const file = join(dir, 'aggregate.csv');
  const header = readFileSync(file, 'utf8').split('\n', 1)[0].trim().split(',');
  const statsAt = header.indexOf('metric');
  if (statsAt < 0 || header.slice(statsAt).join(',') !== AGGREGATE_STAT_COLUMNS.join(',')) {
    throw new Error(`${file}: expected columns <params...>,${AGGREGATE_STAT_COLUMNS.join(',')}, found ${header.join(',')}`);
  }
  const params = header.slice(0, statsAt);
  const orNull = (text: string): number | null => (text === '' ? null : Number(text));
  const rows = readCsv(file).map((r) => ({
    params: Object.fromEntries(params.map((p) => [p, r[p]])),
    metric: r.metric,
    n: Number(r.n),
    mean: Number(r.mean),
    sd: orNull(r.sd),
    min: Number(r.min),
    max: Number(r.max),
    ci95Low: orNull(r.ci95_low),
    ci95High: orNull(r.ci95_high),
  }));
  return { params, rows };
}

/** A Plot chart as standalone SVG (or HTML figure, with a legend or title) markup. */
export function render(options: Plot.PlotOptions): string {
  const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>');
  const chart = Plot.plot({ ...options, document: document as unknown as Plot.PlotOptions['document'] });
  const svgs = chart.tagName.toLowerCase() === 'svg' ? [chart] : [...chart.querySelectorAll('svg')];
  for (const svg of svgs) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return chart.outerHTML;
}

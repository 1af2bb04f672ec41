/** Read a sweep folder: DIR/sweep.json and DIR/aggregate.csv (one row per point and metric). */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readCsvFile } from './csv.js';
import { PlotInputError } from './errors.js';
import { readJson } from './run-folder.js';

const STAT_COLUMNS = ['metric', 'n', 'mean', 'sd', 'min', 'max', 'ci95_low', 'ci95_high'] as const;

export interface AggregateRow {
  /** Parameter path -> value as written in aggregate.csv. */
  readonly params: Readonly<Record<string, string>>;
  readonly metric: string;
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly ci95Low: number;
  readonly ci95High: number;
}

export interface SweepFolder {
  readonly dir: string;
  readonly scenarioName: string;
  readonly seedCount: number;
  /** Swept parameter paths, in aggregate.csv column order. */
  readonly params: readonly string[];
  readonly rows: readonly AggregateRow[];
}

export function isSweepFolder(dir: string): boolean {
  return existsSync(join(dir, 'sweep.json'));
}

export function readSweepFolder(dir: string): SweepFolder {
  const sweep = readJson(join(dir, 'sweep.json'));
  const path = join(dir, 'aggregate.csv');
  if (!existsSync(path)) throw new PlotInputError(path, 'missing: a sweep folder needs aggregate.csv (is the sweep finished?)');
  const { header, records } = readCsvFile(path);
  const metricAt = header.indexOf('metric');
  const tail = header.slice(metricAt);
  // No parameter column is a seeds-only sweep: valid, it just has nothing to plot against.
  if (metricAt < 0 || tail.join(',') !== STAT_COLUMNS.join(',')) {
    throw new PlotInputError(path, `expected a header <param paths...>,${STAT_COLUMNS.join(',')}, found '${header.join(',')}'`);
  }
  const params = header.slice(0, metricAt);
  const rows = records.map((record, i): AggregateRow => {
    if (record.length !== header.length) {
      throw new PlotInputError(path, `line ${i + 2}: expected ${header.length} fields, found ${record.length}`);
    }
    const number = (k: number): number => (record[metricAt + k] === '' ? NaN : Number(record[metricAt + k]));
    return {
      params: Object.fromEntries(params.map((p, k) => [p, record[k]])),
      metric: record[metricAt],
      n: number(1),
      mean: number(2),
      sd: number(3),
      min: number(4),
      max: number(5),
      ci95Low: number(6),
      ci95High: number(7),
    };
  });
  const seeds = Array.isArray(sweep.seeds) ? sweep.seeds.length : 0;
  // sweep.json names the scenario by its file path: its name is the file's base name.
  const scenarioName = typeof sweep.scenario === 'string' ? basename(sweep.scenario).replace(/\.(ya?ml|json)$/, '') : dir;
  return { dir, scenarioName, seedCount: seeds, params, rows };
}

/** The finished runs of a sweep folder (runs/<point>/seed-<s>/ with a metrics.csv), in name order. */
export function sweepRunFolders(dir: string): string[] {
  const runsDir = join(dir, 'runs');
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .sort()
    .flatMap((point) => readdirSync(join(runsDir, point)).sort().map((seed) => join(runsDir, point, seed)))
    .filter((run) => existsSync(join(run, 'metrics.csv')) && existsSync(join(run, 'summary.json')));
}

export function sweepMetrics(sweep: SweepFolder): string[] {
  return [...new Set(sweep.rows.map((r) => r.metric))];
}

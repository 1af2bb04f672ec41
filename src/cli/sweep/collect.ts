/**
 * Collecting a sweep folder: which runs finished (summary.json), failed (error.json) or are
 * missing; DIR/aggregate.csv from the finished runs only (its n column says how many) and
 * DIR/failures.json. Used at the end of a local sweep and by `luc sweep collect` after a
 * cluster job array. Reads sweep.json's grid; needs no scenario file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregateCsv, aggregatePoints, type ParamValue, type PointResults } from '../../metrics/aggregate.js';
import { runDir } from './grid.js';
import { readSummary, RUN_ERROR_FILE } from './plan.js';
import type { SweepSpec } from './sweep-spec.js';
import { TIDY_CSV_FILE, TIDY_PARQUET_FILE, writeTidy } from './tidy.js';

export const AGGREGATE_FILE = 'aggregate.csv';
export const FAILURES_FILE = 'failures.json';

export interface RunFailure {
  readonly pointId: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly seed: number;
  readonly error: string;
}

export interface MissingRun {
  readonly pointId: string;
  readonly seed: number;
}

export interface CollectReport {
  readonly total: number;
  readonly finished: number;
  readonly failures: readonly RunFailure[];
  readonly missing: readonly MissingRun[];
  /** Rows written to aggregate.csv (points x metrics). */
  readonly aggregateRows: number;
  /** Rows written to tidy.csv and tidy.parquet (runs x samples x global metrics). */
  readonly tidyRows: number;
}

function finalMetrics(summary: { metrics?: unknown }): Record<string, number> {
  const metrics = summary.metrics;
  if (typeof metrics !== 'object' || metrics === null) return {};
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) if (typeof value === 'number') out[name] = value;
  return out;
}

function readFailure(dir: string): string {
  try {
    const data = JSON.parse(readFileSync(join(dir, RUN_ERROR_FILE), 'utf8')) as { error?: unknown };
    return typeof data.error === 'string' ? data.error : 'failed (no message)';
  } catch {
    return '';
  }
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.partial`, text);
  renameSync(`${file}.partial`, file);
}

/** Scans the runs of `spec` under `dir` and writes aggregate.csv, failures.json and the tidy table (tidy.csv, tidy.parquet). */
export function collectSweep(spec: SweepSpec, dir: string): CollectReport {
  const points: PointResults[] = [];
  const failures: RunFailure[] = [];
  const missing: MissingRun[] = [];
  let finished = 0;
  for (const point of spec.points) {
    const runs: Record<string, number>[] = [];
    for (const seed of spec.seeds) {
      const folder = runDir(dir, point.id, seed);
      const summary = readSummary(folder);
      if (summary !== null) {
        runs.push(finalMetrics(summary));
        finished++;
        continue;
      }
      const error = readFailure(folder);
      if (error !== '') failures.push({ pointId: point.id, params: point.params, seed, error });
      else missing.push({ pointId: point.id, seed });
    }
    points.push({ params: point.params, runs });
  }
  const rows = aggregatePoints(points);
  writeAtomically(join(dir, AGGREGATE_FILE), aggregateCsv(spec.params.map((p) => p.path), rows));
  writeAtomically(join(dir, FAILURES_FILE), JSON.stringify(failures, null, 2) + '\n');
  const tidyRows = writeTidy(spec, dir);
  return { total: spec.points.length * spec.seeds.length, finished, failures, missing, aggregateRows: rows.length, tidyRows };
}

/** Lines for stderr: counts, then each failed and missing run (at most `listMax` of each). */
export function describeCollect(dir: string, report: CollectReport, listMax = 20): string[] {
  const lines = [
    `${dir}: ${report.finished}/${report.total} runs finished, ${report.failures.length} failed, ${report.missing.length} missing; ` +
      `wrote ${AGGREGATE_FILE} (${report.aggregateRows} rows), ${TIDY_CSV_FILE} and ${TIDY_PARQUET_FILE} (${report.tidyRows} rows) and ${FAILURES_FILE}`,
  ];
  for (const f of report.failures.slice(0, listMax)) lines.push(`  failed: ${f.pointId} seed ${f.seed}: ${f.error.split('\n')[0]}`);
  if (report.failures.length > listMax) lines.push(`  ... and ${report.failures.length - listMax} more failures (see ${FAILURES_FILE})`);
  for (const m of report.missing.slice(0, listMax)) lines.push(`  missing: ${m.pointId} seed ${m.seed}`);
  if (report.missing.length > listMax) lines.push(`  ... and ${report.missing.length - listMax} more missing runs`);
  return lines;
}

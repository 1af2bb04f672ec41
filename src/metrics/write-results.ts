import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { MetricRow } from './series.js';

/** One row of coordinates.csv: a node and the numbers that place it. */
export interface NodeVector {
  readonly node: string;
  readonly values: readonly number[];
}

export interface ResultFiles {
  readonly rows: readonly MetricRow[];
  /** When present, coordinates.csv: a header of names, then one row per node. */
  readonly coordinates?: { readonly columns: readonly string[]; readonly rows: readonly NodeVector[] };
  readonly summary: unknown;
  readonly resolvedScenario: unknown;
  /** When present, trace.jsonl: the run's event trace as JSON lines. */
  readonly trace?: string;
  /** CSV tables of their own (hosts.csv, vms.csv): a header, then the rows. */
  readonly tables?: readonly { readonly name: (typeof RESULT_FILES)[number]; readonly columns: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] }[];
  /** Folders moved into the results folder under `name` (e.g. a live launch's agent logs and reports). */
  readonly folders?: readonly { readonly name: string; readonly from: string }[];
}

/**
 * Tidy CSV: one row per (time, metric, node). Numbers are written as JavaScript prints them; a
 * value that is not defined (NaN) is an empty cell, as is `node` on global rows.
 */
export function metricsCsv(rows: readonly MetricRow[]): string {
  return stringify(
    rows.map((r) => [r.timeS, r.metric, Number.isNaN(r.value) ? '' : r.value, r.node]),
    { header: true, columns: ['time_s', 'metric', 'value', 'node'] },
  );
}

/** The files a run writes; in an existing folder they are the only ones replaced or removed. */
export const RESULT_FILES = ['metrics.csv', 'summary.json', 'scenario.json', 'coordinates.csv', 'trace.jsonl', 'hosts.csv', 'vms.csv'] as const;

/**
 * Write metrics.csv, summary.json, scenario.json (and coordinates.csv, trace.jsonl when given) into `dir`.
 * The files are written into a sibling temporary folder first and moved in at the end, so a
 * failure half-way leaves earlier results as they were. Into an existing folder only the
 * run's own entries move: RESULT_FILES (one of them this run does not write, e.g. an earlier
 * run's coordinates.csv, is removed, as it would describe another run) and `folders`; anything
 * else there is kept.
 */
export function writeResults(dir: string, files: ResultFiles): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(dir)}.partial`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  writeFileSync(join(staging, 'metrics.csv'), metricsCsv(files.rows));
  writeFileSync(join(staging, 'summary.json'), JSON.stringify(files.summary, null, 2) + '\n');
  writeFileSync(join(staging, 'scenario.json'), JSON.stringify(files.resolvedScenario, null, 2) + '\n');
  if (files.coordinates !== undefined) {
    const { columns, rows } = files.coordinates;
    const csv = stringify(
      rows.map((r) => [r.node, ...r.values]),
      { header: true, columns: ['node', ...columns] },
    );
    writeFileSync(join(staging, 'coordinates.csv'), csv);
  }
  if (files.trace !== undefined) writeFileSync(join(staging, 'trace.jsonl'), files.trace);
  for (const table of files.tables ?? []) writeFileSync(join(staging, table.name), stringify(table.rows.map((r) => [...r]), { header: true, columns: [...table.columns] }));
  for (const folder of files.folders ?? []) renameSync(folder.from, join(staging, folder.name));
  if (!existsSync(dir)) {
    renameSync(staging, dir);
    return;
  }
  // summary.json last: readers (sweeps) take it as the mark of a finished run.
  for (const name of [...RESULT_FILES.filter((n) => n !== 'summary.json'), 'summary.json']) {
    if (existsSync(join(staging, name))) renameSync(join(staging, name), join(dir, name));
    else rmSync(join(dir, name), { force: true });
  }
  for (const folder of files.folders ?? []) {
    rmSync(join(dir, folder.name), { recursive: true, force: true });
    renameSync(join(staging, folder.name), join(dir, folder.name));
  }
  rmSync(staging, { recursive: true, force: true });
}

/**
 * One tidy table over all the finished runs of a sweep: a row per (run, time, global metric),
 * with one column per swept parameter, then `seed`, `time_s`, `metric`, `value`, in grid
 * order, seed order, then each run's metrics.csv order. Written as DIR/tidy.csv and as
 * DIR/tidy.parquet (hyparquet-writer: pure JavaScript, synchronous, one dependency, its
 * sibling reader), for pandas (`pd.read_parquet`), R (arrow) or DuckDB. The same runs give
 * the same bytes: nothing of the machine or the clock goes in (the file's `created_by` is fixed).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { stringify } from 'csv-stringify/sync';
import type { ParamValue } from '../../metrics/aggregate.js';
import { UsageError } from '../exit-codes.js';
import { runDir } from './grid.js';
import { readSummary } from './plan.js';
import type { SweepSpec } from './sweep-spec.js';

export const TIDY_CSV_FILE = 'tidy.csv';
export const TIDY_PARQUET_FILE = 'tidy.parquet';
/** Rows at most (a bound on memory: about 100 bytes each while building). */
export const TIDY_ROWS_MAX = 50_000_000;
const FIXED_COLUMNS = ['seed', 'time_s', 'metric', 'value'] as const;

export interface TidyTable {
  readonly paramNames: readonly string[];
  readonly params: readonly (readonly ParamValue[])[];
  readonly seed: readonly number[];
  readonly timeS: readonly number[];
  readonly metric: readonly string[];
  /** null where metrics.csv has an empty value. */
  readonly value: readonly (number | null)[];
}

/** The table of `spec`'s finished runs under `dir` (a run is finished when its summary.json exists). */
export function tidyTable(spec: SweepSpec, dir: string): TidyTable {
  const paramNames = spec.params.map((p) => p.path);
  for (const name of paramNames) {
    if ((FIXED_COLUMNS as readonly string[]).includes(name)) throw new UsageError(`${join(dir, 'sweep.json')}: a swept parameter named '${name}' would clash with the tidy table's column of that name`);
  }
  const params: ParamValue[][] = paramNames.map(() => []);
  const seed: number[] = [];
  const timeS: number[] = [];
  const metric: string[] = [];
  const value: (number | null)[] = [];
  for (const point of spec.points) {
    for (const s of spec.seeds) {
      const folder = runDir(dir, point.id, s);
      if (readSummary(folder) === null) continue;
      const path = join(folder, 'metrics.csv');
      if (!existsSync(path)) throw new UsageError(`${path}: missing, though the run's summary.json says it finished`);
      const rows = parse(readFileSync(path, 'utf8'), { skip_empty_lines: true, relax_column_count: true }) as string[][];
      if (rows[0]?.join(',') !== 'time_s,metric,value,node') throw new UsageError(`${path}: expected the header time_s,metric,value,node, found '${rows[0]?.join(',') ?? ''}'`);
      for (let i = 1; i < rows.length; i++) {
        const [t, m, v, node = ''] = rows[i];
        if (node !== '') continue; // per-node rows (a value per host) stay in each run's metrics.csv
        const time = Number(t);
        const number = v === '' ? null : Number(v);
        if (!Number.isFinite(time) || m === undefined || m === '' || (number !== null && Number.isNaN(number) && v !== 'NaN')) {
          throw new UsageError(`${path}: line ${i + 1}: expected time_s,metric,value,node, found '${rows[i].join(',')}'`);
        }
        if (seed.length >= TIDY_ROWS_MAX) throw new UsageError(`${dir}: more than ${TIDY_ROWS_MAX} rows for the tidy table; sample less often (metrics.intervalS) or sweep less`);
        paramNames.forEach((name, k) => params[k].push(point.params[name] ?? null));
        seed.push(s);
        timeS.push(time);
        metric.push(m);
        value.push(number);
      }
    }
  }
  return { paramNames, params, seed, timeS, metric, value };
}

export function tidyCsv(table: TidyTable): string {
  const records = table.seed.map((s, i) => [...table.params.map((column) => column[i]), s, table.timeS[i], table.metric[i], table.value[i]]);
  return stringify(records, { header: true, columns: [...table.paramNames, ...FIXED_COLUMNS], cast: { boolean: (b) => String(b) } });
}

/** A parameter column's Parquet type: numbers as DOUBLE, booleans as BOOLEAN, else (or mixed) as text. */
function paramColumn(name: string, values: readonly ParamValue[]): ColumnSource {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) return { name, data: [...values], type: 'DOUBLE' };
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return { name, data: [...values], type: 'BOOLEAN' };
  return { name, data: values.map((v) => (v === null ? null : String(v))), type: 'STRING' };
}

export function tidyParquet(table: TidyTable): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      ...table.paramNames.map((name, k) => paramColumn(name, table.params[k])),
      { name: 'seed', data: [...table.seed], type: 'INT32', nullable: false },
      { name: 'time_s', data: [...table.timeS], type: 'DOUBLE', nullable: false },
      { name: 'metric', data: [...table.metric], type: 'STRING', nullable: false },
      { name: 'value', data: [...table.value], type: 'DOUBLE' },
    ],
    createdBy: 'luc-sim tidy table',
  });
  return new Uint8Array(buffer);
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  writeFileSync(`${file}.partial`, data);
  renameSync(`${file}.partial`, file);
}

/** Writes DIR/tidy.csv and DIR/tidy.parquet; returns the number of rows. */
export function writeTidy(spec: SweepSpec, dir: string): number {
  const table = tidyTable(spec, dir);
  writeAtomically(join(dir, TIDY_CSV_FILE), tidyCsv(table));
  writeAtomically(join(dir, TIDY_PARQUET_FILE), tidyParquet(table));
  return table.seed.length;
}

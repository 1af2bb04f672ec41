import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { PlotInputError } from './errors.js';

/** The CSV files luc-sim writes (csv-stringify), read back with its sibling csv-parse. */
export interface CsvTable {
  readonly header: readonly string[];
  readonly records: readonly (readonly string[])[];
}

/** Header and records of a CSV file; rows of another width are kept for the caller to report. */
export function readCsvFile(path: string): CsvTable {
  let rows: string[][];
  try {
    rows = parse(readFileSync(path, 'utf8'), { skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new PlotInputError(path, `not a readable CSV file (${(error as Error).message})`);
  }
  return { header: rows[0] ?? [], records: rows.slice(1) };
}

import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { TopologyError, type RttMatrix } from './types.js';

/**
 * A square matrix of measured round-trip times -> RttMatrix (microseconds; NaN where the file
 * has no measurement).
 *
 * Format: one row per line, cells separated by tabs, commas or spaces (one kind per line);
 * blank lines and lines starting with '#' are skipped. With tabs or commas a cell may be quoted
 * as in CSV (`"Paris, FR"`, `""` for a quote), read by csv-parse. Optional labels: a first row whose first cell is not a number
 * is a header (its last n cells are the labels, so a corner cell is allowed); a first data row
 * whose first cell is not a number means every row starts with its label. Header labels win
 * over row labels; without either, labels are "0".."n-1".
 *
 * Cell (i, j) is the RTT measured from row i to column j. Measured data sets are asymmetric
 * (the two ends measure at other times, through other queues) and have holes: both are
 * accepted. A hole is a cell equal to one of the declared `missing` markers (numbers such as
 * 0 or -1, words such as NaN, or '' for a blank cell); the diagonal is 0 or a marker.
 *
 * Checked, first failure reported by 1-based data row and column (`row 12, column 40`):
 * square, numeric or a marker, non-negative, at most RTT_S_MAX, zero diagonal; then at least
 * two rows and one measured RTT > 0 off the diagonal (an all-zero matrix has nothing to simulate).
 */

export type RttUnit = 'us' | 'ms' | 's';
/** A cell meaning "not measured": a number the cell equals, or a word (case-insensitive; '' is a blank cell). */
export type MissingMarker = number | string;

export interface RttMatrixOptions {
  readonly unit: RttUnit;
  /** Cells that mark a pair as not measured; default none (every cell must be an RTT). */
  readonly missing?: readonly MissingMarker[];
  /** Name of the matrix; default the file name without extension. */
  readonly name?: string;
}

const US_PER_UNIT: Record<RttUnit, number> = { us: 1, ms: 1e3, s: 1e6 };
/**
 * No network RTT reaches an hour: a larger value is a unit slip (ms read as s). The bound also
 * keeps every one-way delay, and any sum of them along a fill path, far below 2^53 us.
 */
export const RTT_S_MAX = 3600;

export function loadRttMatrix(path: string, options: RttMatrixOptions): RttMatrix {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TopologyError(path, 'file', 'a readable RTT matrix file', (error as Error).message);
  }
  return parseRttMatrix(text, path, options);
}

export function parseRttMatrix(text: string, file: string, options: RttMatrixOptions): RttMatrix {
  const usPerUnit = US_PER_UNIT[options.unit];
  if (usPerUnit === undefined) throw new RangeError(`RTT matrix unit must be us, ms or s, got ${String(options.unit)}`);
  const markers = missingMarkers(options.missing ?? []);
  const rows = splitCells(text, markers.blank);
  if (rows.length === 0) throw new TopologyError(file, 'matrix', 'at least one row', 'an empty file');

  const isValue = (cell: string | undefined): boolean => cell !== undefined && (isNumber(cell) || markers.matches(cell));
  let header: string[] | null = null;
  // A header: its first cell is a label, or a blank corner (when blanks are markers) before labels.
  const blankCorner = rows[0][0] === '' && rows[0].slice(1).some((cell) => !isValue(cell));
  if (!isValue(rows[0][0]) || blankCorner) header = rows.shift() as string[];
  const n = rows.length;
  if (n === 0) throw new TopologyError(file, 'matrix', 'at least one data row', 'only a header');
  const labelColumn = !isValue(rows[0][0]);
  const width = labelColumn ? n + 1 : n;
  const maxUs = RTT_S_MAX * 1e6;
  const expectedCell = markers.phrase === '' ? 'a number (declare the cells that mark a missing pair in missing)' : `a number or a missing marker (${markers.phrase})`;

  const rttUs = new Float64Array(n * n);
  let measured = 0;
  let positive = 0;
  for (let i = 0; i < n; i++) {
    const cells = rows[i];
    if (cells.length !== width) {
      throw new TopologyError(file, `row ${i + 1}`, `${n} values (a square matrix, ${n} rows)${labelColumn ? ' after a label' : ''}`, `${cells.length - (labelColumn ? 1 : 0)} values`);
    }
    const first = labelColumn ? 1 : 0;
    for (let j = 0; j < n; j++) {
      const cell = cells[first + j];
      const at = `row ${i + 1}, column ${j + 1}`;
      if (markers.matches(cell)) {
        rttUs[i * n + j] = i === j ? 0 : NaN;
        continue;
      }
      const value = toNumber(cell);
      if (Number.isNaN(value)) throw new TopologyError(file, at, expectedCell, `"${cell}"`);
      if (value < 0) throw new TopologyError(file, at, 'a non-negative RTT', cell);
      const us = value * usPerUnit;
      if (!(us <= maxUs)) throw new TopologyError(file, at, `an RTT of at most ${RTT_S_MAX} s (is the unit ${options.unit} right?)`, `${cell} ${options.unit}`);
      if (i === j && us !== 0) throw new TopologyError(file, at, '0 on the diagonal', cell);
      rttUs[i * n + j] = us;
      if (i !== j) {
        measured++;
        if (us > 0) positive++;
      }
    }
  }
  if (n < 2) throw new TopologyError(file, 'matrix', 'at least 2 rows (a network of two hosts)', `${n} row`);
  if (measured === 0) throw new TopologyError(file, 'matrix', 'at least one measured RTT off the diagonal', 'every pair missing');
  if (positive === 0) {
    throw new TopologyError(file, 'matrix', 'at least one RTT > 0 off the diagonal (if 0 marks a missing pair, declare it in missing)', 'only zeros');
  }

  const labels = chooseLabels(file, n, header, labelColumn ? rows.map((cells) => cells[0]) : null);
  return { name: options.name ?? basename(file, extname(file)), n, labels, rttUs };
}

interface Markers {
  /** Whether a blank cell is a marker (then lines keep their leading and trailing empty cells). */
  readonly blank: boolean;
  readonly phrase: string;
  matches(cell: string): boolean;
}

/** Numbers match by value (so 0, 0.0 and -1.000 all do), words case-insensitively. */
function missingMarkers(list: readonly MissingMarker[]): Markers {
  const numbers: number[] = [];
  const words: string[] = [];
  for (const marker of list) {
    const value = typeof marker === 'number' ? marker : toNumber(marker.trim());
    if (Number.isFinite(value)) numbers.push(value);
    else if (typeof marker === 'string') words.push(marker.trim().toLowerCase());
  }
  return {
    blank: words.includes(''),
    phrase: list.map((marker) => (marker === '' ? "'' (blank)" : String(marker))).join(', '),
    matches: (cell) => (words.length > 0 && words.includes(cell.toLowerCase())) || (numbers.length > 0 && numbers.includes(toNumber(cell))),
  };
}

/**
 * Rows of cells. Native String.split on one character is much faster than a regex or a
 * hand-written scan before the JIT warms up; the separator is chosen per line: tab, else comma,
 * else runs of spaces. With tabs or commas an empty cell stays (and is reported as not a number
 * unless blanks are declared missing; then the empty cells at the ends of a line stay too).
 * A tab or comma line holding a double quote is read by csv-parse instead, so quoted labels may
 * hold the separator (`"Paris, FR"`); a quoted cell spans one line. A line that is not valid CSV
 * (a quote closed mid-cell, one never closed) is split as before, and the checks of rows and
 * cells below say what is wrong with it.
 */
function splitCells(text: string, keepEmptyEdges: boolean): string[][] {
  const rows: string[][] = [];
  for (const rawLine of text.split('\n')) {
    const line = keepEmptyEdges ? rawLine.replace(/^ +|[ \r]+$/g, '') : rawLine.trim();
    if (line.trim() === '' || line.charCodeAt(0) === 35) continue; // blank or '#' comment
    const separator = line.includes('\t') ? '\t' : line.includes(',') ? ',' : null;
    if (separator === null) rows.push(line.split(/ +/));
    else rows.push((line.includes('"') ? quotedCells(line, separator) : null) ?? line.split(separator).map((cell) => cell.trim()));
  }
  return rows;
}

/** One line of CSV (or TSV) with quoted cells, through csv-parse; null when it is not valid CSV. */
function quotedCells(line: string, separator: string): string[] | null {
  try {
    const records = parseCsv(line, { delimiter: separator, trim: true }) as string[][];
    return records[0] ?? null;
  } catch {
    return null;
  }
}

function chooseLabels(file: string, n: number, header: string[] | null, rowLabels: string[] | null): string[] {
  if (header !== null) {
    if (header.length !== n && header.length !== n + 1) {
      throw new TopologyError(file, 'header', `${n} labels (or a corner cell and ${n} labels)`, `${header.length} cells`);
    }
    return header.slice(header.length - n);
  }
  if (rowLabels !== null) return rowLabels;
  return Array.from({ length: n }, (_, i) => String(i));
}

function isNumber(cell: string | undefined): boolean {
  return cell !== undefined && !Number.isNaN(toNumber(cell));
}

/** A finite decimal number, else NaN: rejects '', 'NaN', 'Infinity' and hex/octal/binary. */
function toNumber(cell: string): number {
  if (cell === '') return NaN;
  const code = cell.charCodeAt(0);
  // Only a digit, sign or point may start a decimal: rules out labels such as "Infinity".
  if (!((code >= 48 && code <= 57) || code === 45 || code === 43 || code === 46)) return NaN;
  const value = Number(cell);
  if (!Number.isFinite(value)) return NaN;
  // Number() also reads 0x1f, 0o17 and 0b11, which no RTT file means.
  const second = cell.charCodeAt(1) | 32;
  if (code === 48 && (second === 120 || second === 111 || second === 98)) return NaN;
  return value;
}

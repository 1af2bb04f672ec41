import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { TopologyError, type RttMatrix } from './types.js';

/**
 * A square matrix of measured round-trip times -> RttMatrix (microseconds).
 *
 * Format: one row per line, cells separated by tabs, commas or spaces (one kind per line);
 * blank lines and lines starting with '#' are skipped. Optional labels: a first row whose first cell is not a number
 * is a header (its last n cells are the labels, so a corner cell is allowed); a first data row
 * whose first cell is not a number means every row starts with its label. Header labels win
 * over row labels; without either, labels are "0".."n-1".
 *
 * Checked, first failure reported by 1-based data row and column (`row 12, column 40`):
 * square, numeric, non-negative, zero diagonal, symmetric within `symmetryToleranceRel`
 * (|a - b| <= tolerance * max(a, b); real measurements can differ by direction).
 */

export type RttUnit = 'us' | 'ms' | 's';

export interface RttMatrixOptions {
  readonly unit: RttUnit;
  /** Relative tolerance for rtt[i][j] vs rtt[j][i]; default 1e-3 (0.1%). */
  readonly symmetryToleranceRel?: number;
  /** Name of the matrix; default the file name without extension. */
  readonly name?: string;
}

const US_PER_UNIT: Record<RttUnit, number> = { us: 1, ms: 1e3, s: 1e6 };
export const DEFAULT_SYMMETRY_TOLERANCE_REL = 1e-3;

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
  const toleranceRel = options.symmetryToleranceRel ?? DEFAULT_SYMMETRY_TOLERANCE_REL;
  if (!(toleranceRel >= 0)) throw new RangeError(`symmetryToleranceRel must be >= 0, got ${toleranceRel}`);

  const rows = splitCells(text);
  if (rows.length === 0) throw new TopologyError(file, 'matrix', 'at least one row', 'an empty file');

  let header: string[] | null = null;
  if (!isNumber(rows[0][0])) header = rows.shift() as string[];
  const n = rows.length;
  if (n === 0) throw new TopologyError(file, 'matrix', 'at least one data row', 'only a header');
  const labelColumn = !isNumber(rows[0][0]);
  const width = labelColumn ? n + 1 : n;

  const rttUs = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const cells = rows[i];
    if (cells.length !== width) {
      throw new TopologyError(file, `row ${i + 1}`, `${n} values (a square matrix, ${n} rows)${labelColumn ? ' after a label' : ''}`, `${cells.length - (labelColumn ? 1 : 0)} values`);
    }
    const first = labelColumn ? 1 : 0;
    for (let j = 0; j < n; j++) {
      const cell = cells[first + j];
      const value = toNumber(cell);
      if (Number.isNaN(value)) throw new TopologyError(file, `row ${i + 1}, column ${j + 1}`, 'a number', `"${cell}"`);
      if (value < 0) throw new TopologyError(file, `row ${i + 1}, column ${j + 1}`, 'a non-negative RTT', cell);
      rttUs[i * n + j] = value * usPerUnit;
    }
    if (rttUs[i * n + i] !== 0) throw new TopologyError(file, `row ${i + 1}, column ${i + 1}`, '0 on the diagonal', cells[first + i]);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = rttUs[i * n + j];
      const b = rttUs[j * n + i];
      if (Math.abs(a - b) > toleranceRel * Math.max(a, b)) {
        throw new TopologyError(
          file,
          `row ${i + 1}, column ${j + 1}`,
          `a value within ${toleranceRel * 100}% of row ${j + 1}, column ${i + 1} (${b / usPerUnit} ${options.unit}): a symmetric matrix`,
          `${a / usPerUnit} ${options.unit}`,
        );
      }
    }
  }

  const labels = chooseLabels(file, n, header, labelColumn ? rows.map((cells) => cells[0]) : null);
  return { name: options.name ?? basename(file, extname(file)), n, labels, rttUs };
}

/**
 * Rows of cells. Native String.split on one character is much faster than a regex or a
 * hand-written scan before the JIT warms up; the separator is chosen per line: tab, else comma,
 * else runs of spaces. With tabs or commas an empty cell stays (and is reported as not a number).
 */
function splitCells(text: string): string[][] {
  const rows: string[][] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.charCodeAt(0) === 35) continue; // blank or '#' comment
    if (line.includes('\t')) rows.push(line.split('\t').map((cell) => cell.trim()));
    else if (line.includes(',')) rows.push(line.split(',').map((cell) => cell.trim()));
    else rows.push(line.split(/ +/));
  }
  return rows;
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

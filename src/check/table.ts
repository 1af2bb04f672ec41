/**
 * The table `luc check` prints: one row per checked metric, columns aligned, numbers to four
 * significant digits (counts in full). The tolerance shows the bad direction: `+5%` (lower is
 * better: only a rise beyond 5% is a regression), `-5%` (higher is better), `±5%` (two-sided).
 */
import type { Direction, Tolerance } from './baseline.js';
import type { CheckResult, Verdict } from './compare.js';

const SIGN: Readonly<Record<Direction, string>> = { 'lower-is-better': '+', 'higher-is-better': '-', 'two-sided': '±' };

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 1000) return value.toFixed(1);
  return String(Number(value.toPrecision(4)));
}

export function formatTolerance(tolerance: Tolerance, direction: Direction): string {
  const amount = 'absolute' in tolerance ? formatNumber(tolerance.absolute) : `${formatNumber(tolerance.relative * 100)}%`;
  return `${SIGN[direction]}${amount}`;
}

/** The change from expected to got, relative when expected is not 0. */
export function formatChange(expected: number, got: number): string {
  const deviation = got - expected;
  if (deviation === 0) return '0';
  if (expected === 0) return `${deviation > 0 ? '+' : ''}${formatNumber(deviation)}`;
  const percent = (deviation / Math.abs(expected)) * 100;
  const shown = Math.abs(percent) >= 0.01 ? percent.toFixed(2) : percent.toExponential(1);
  return `${percent > 0 ? '+' : ''}${shown}%`;
}

const HEADER = ['baseline', 'metric', 'expected', 'got', 'change', 'tolerance', 'verdict'] as const;
const RIGHT = new Set<number>([2, 3, 4, 5]);

function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => (RIGHT.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n') + '\n';
}

export function formatResults(results: readonly CheckResult[]): string {
  const rows = results.map((r) => [
    r.baseline,
    r.metric,
    formatNumber(r.expected),
    formatNumber(r.got),
    formatChange(r.expected, r.got),
    formatTolerance(r.tolerance, r.direction),
    r.verdict,
  ]);
  return renderTable([[...HEADER], ...rows]);
}

export function countVerdicts(results: readonly CheckResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { ok: 0, REGRESSION: 0, improved: 0 };
  for (const result of results) counts[result.verdict]++;
  return counts;
}

/** The closing line: how many checks, and what each verdict means for the exit code. */
export function formatVerdictLine(results: readonly CheckResult[]): string {
  const counts = countVerdicts(results);
  const parts = [`${counts.ok} ok`, `${counts.improved} improved`, `${counts.REGRESSION} REGRESSION`];
  let text = `${results.length} check(s): ${parts.join(', ')}`;
  if (counts.improved > 0) text += '\nimproved beyond tolerance: `luc check --update` records the new values';
  return `${text}\n`;
}

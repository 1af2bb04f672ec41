/**
 * The comparison of `luc compare` as files: compare.csv (every number in full, empty where a
 * value is undefined) and compare.md (numbers to four significant digits, the targets' rows first
 * with their verdicts, then every other metric both runs have).
 */
import { stringify } from 'csv-stringify/sync';
import type { Tolerance } from './baseline.js';
import type { ComparisonRow } from './live-compare.js';
import { formatNumber } from './table.js';

const CSV_COLUMNS = ['metric', 'sim_mean', 'sim_same_seed', 'sim_min', 'sim_max', 'sim_seeds', 'live', 'relative_diff', 'within_spread', 'target', 'verdict'] as const;

export function formatTarget(tolerance: Tolerance): string {
  return 'absolute' in tolerance ? `±${formatNumber(tolerance.absolute)}` : `±${formatNumber(tolerance.relative * 100)}%`;
}

function csvNumber(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '' : String(value);
}

export function comparisonCsv(rows: readonly ComparisonRow[]): string {
  return stringify(
    rows.map((r) => [
      r.metric,
      csvNumber(r.simMean),
      csvNumber(r.simSameSeed),
      csvNumber(r.simMin),
      csvNumber(r.simMax),
      r.simSeeds,
      csvNumber(r.live),
      csvNumber(r.relativeDiff),
      r.withinSpread === null ? '' : r.withinSpread ? 'yes' : 'no',
      r.target === null ? '' : formatTarget(r.target),
      r.verdict ?? '',
    ]),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

function shown(value: number): string {
  return Number.isFinite(value) ? formatNumber(value) : '-';
}

function percent(value: number | null): string {
  if (value === null) return 'n/a';
  if (value === 0) return '0%';
  return `${value > 0 ? '+' : ''}${(value * 100).toFixed(Math.abs(value) >= 0.1 ? 1 : 2)}%`;
}

export interface ComparisonHeading {
  /** e.g. `compare-planetlab, 16 agents on the testbed, 40 s, seed 11` */
  readonly title: string;
  /** Lines of context under the title (where each side is, load average, wall time). */
  readonly notes: readonly string[];
  readonly seeds: number;
}

/** Markdown: a title, notes, the targets' table and the table of every other metric both runs have. */
export function comparisonMarkdown(rows: readonly ComparisonRow[], heading: ComparisonHeading): string {
  const spread = heading.seeds > 1 ? `min–max of ${heading.seeds} seeds` : 'one seed: no spread';
  const header = ['metric', heading.seeds > 1 ? `simulated (mean of ${heading.seeds})` : 'simulated', `spread (${spread})`, 'live', 'relative difference', 'within spread'];
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const rule = (n: number): string => line(Array.from({ length: n }, () => '---'));
  const cellsOf = (r: ComparisonRow): string[] => [
    `\`${r.metric}\``,
    shown(r.simMean),
    r.simSeeds > 1 ? `${shown(r.simMin)} – ${shown(r.simMax)}` : '-',
    shown(r.live),
    percent(r.relativeDiff),
    r.withinSpread === null ? '-' : r.withinSpread ? 'yes' : 'no',
  ];
  const targeted = rows.filter((r) => r.verdict !== null);
  const others = rows.filter((r) => r.verdict === null);
  const out = [`# ${heading.title}`, '', ...heading.notes.map((note) => `- ${note}`), ''];
  out.push('## Targets', '');
  if (targeted.length === 0) out.push('No metric of this scenario has a target.', '');
  else {
    out.push(line([...header, 'target', 'verdict']), rule(header.length + 2));
    for (const r of targeted) out.push(line([...cellsOf(r), r.target === null ? '' : formatTarget(r.target), r.verdict === 'pass' ? 'pass' : '**miss**']));
    out.push('');
  }
  out.push('## Every other metric both runs have', '', line(header), rule(header.length));
  for (const r of others) out.push(line(cellsOf(r)));
  return `${out.join('\n')}\n`;
}

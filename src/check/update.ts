/**
 * `luc check --update`: new expected values from a fresh run, everything else of the baseline
 * kept as it was (scenario, overrides, seeds, tolerances, directions, field order), and the diff
 * old -> new per metric. Values are kept to full double precision, so that a check right after
 * an update compares equal numbers.
 */
import { isRecord } from '../scenario/paths.js';
import { formatChange, formatNumber } from './table.js';

export interface ExpectedChange {
  readonly baseline: string;
  readonly metric: string;
  readonly old: number;
  readonly new: number;
}

/** The baseline data with each check's `expected` replaced by the mean the runs gave. */
export function withExpected(data: Readonly<Record<string, unknown>>, means: ReadonlyMap<string, number>): Record<string, unknown> {
  const checks = Array.isArray(data.checks) ? data.checks : [];
  return {
    ...data,
    checks: checks.map((check: unknown) => {
      if (!isRecord(check) || typeof check.metric !== 'string') return check;
      const value = means.get(check.metric);
      return value === undefined ? check : { ...check, expected: value };
    }),
  };
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${inline(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

/**
 * A baseline as committed: one top-level field per line, lists of plain values on one line,
 * each check (or other object in a list) on a line of its own.
 */
export function formatBaselineJson(data: Readonly<Record<string, unknown>>): string {
  const fields = Object.entries(data).map(([key, value]) => {
    const name = `  ${JSON.stringify(key)}: `;
    if (Array.isArray(value) && value.some((item) => isRecord(item) || Array.isArray(item))) {
      const items = value.map((item) => `    ${inline(item)}`);
      return `${name}[\n${items.join(',\n')}\n  ]`;
    }
    return name + inline(value);
  });
  return `{\n${fields.join(',\n')}\n}\n`;
}

export function formatChanges(changes: readonly ExpectedChange[]): string {
  if (changes.length === 0) return '';
  const label = (c: ExpectedChange): string => `${c.baseline}  ${c.metric}`;
  const width = Math.max(...changes.map((c) => label(c).length));
  const lines = changes.map((c) => {
    const same = c.old === c.new;
    const arrow = `${formatNumber(c.old)} -> ${formatNumber(c.new)}`;
    return `${label(c).padEnd(width)}  ${arrow}${same ? '  (unchanged)' : `  (${formatChange(c.old, c.new)})`}`;
  });
  return `${lines.join('\n')}\n`;
}

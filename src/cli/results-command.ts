/**
 * `luc results ls [DIR]`: every results folder (one holding summary.json) below DIR, as a table
 * of what ran (scenario, seed, scenario hash), when it finished (summary.json's mtime), how long
 * it took and its key figures. The provenance itself is in each summary.json.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { reportError, UsageError } from './exit-codes.js';
import { formatFigures, keyFigures, type KeyFigure } from './key-figures.js';
import { readSweepSpec } from './sweep/sweep-spec.js';
import { TIDY_CSV_FILE, TIDY_PARQUET_FILE, writeTidy } from './sweep/tidy.js';

/** Folder depth searched below DIR (a sweep's runs are at DIR/<name>/sweep/runs/<point>/seed-<s>). */
const DEPTH_MAX = 12;
/** Results folders listed at most. */
const FOLDERS_MAX = 100_000;

export interface ResultEntry {
  readonly path: string;
  readonly scenario: string;
  readonly seed: number | null;
  readonly hash: string;
  readonly finished: Date;
  readonly wallTimeS: number | null;
  /** Chosen from the metrics the run has (key-figures.ts). */
  readonly figures: readonly KeyFigure[];
}

/** Folders holding summary.json at or below `root`, sorted; hidden folders (staging) skipped, results folders not entered. */
export function findResultFolders(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    if (found.length >= FOLDERS_MAX) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === 'summary.json')) {
      found.push(dir);
      return;
    }
    if (depth >= DEPTH_MAX) return;
    const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    for (const name of subdirs.sort()) visit(join(dir, name), depth + 1);
  };
  visit(root, 0);
  return found;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Reads one results folder; null when its summary.json is not readable JSON. */
export function readResultEntry(dir: string): ResultEntry | null {
  const file = join(dir, 'summary.json');
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const metrics = (typeof summary.metrics === 'object' && summary.metrics !== null ? summary.metrics : {}) as Record<string, unknown>;
  return {
    path: dir,
    scenario: typeof summary.scenario === 'string' ? summary.scenario : '?',
    seed: numberOrNull(summary.seed),
    hash: typeof summary.scenarioHash === 'string' ? summary.scenarioHash : '?',
    finished: statSync(file).mtime,
    wallTimeS: numberOrNull(summary.wallTimeS),
    figures: keyFigures(metrics),
  };
}

/** `2024-05-01 14:03` in local time. */
export function formatLocalTime(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

const HEADER = ['path', 'scenario', 'seed', 'hash', 'finished', 'wall s', 'key figures'];
/** Columns aligned right (numbers). */
const RIGHT = new Set([2, 5]);

/** An aligned text table, one line per entry, paths shown relative to `base`. */
export function formatResultsTable(entries: readonly ResultEntry[], base: string): string {
  const show = (v: number | null, digits?: number): string => (v === null ? '-' : digits === undefined ? String(v) : v.toFixed(digits));
  const rows = entries.map((e) => [
    relative(base, e.path) || '.',
    e.scenario,
    show(e.seed),
    e.hash,
    formatLocalTime(e.finished),
    show(e.wallTimeS, 2),
    formatFigures(e.figures) || '-',
  ]);
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  return all
    .map((row) => row.map((cell, c) => (RIGHT.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

/** The folder `luc results ls` searches when none is given; missing, it just holds no results yet. */
const DEFAULT_RESULTS_DIR = 'results';

/** A folder given on the command line must be one: a typo is bad input (exit 2), not "no results". */
function checkResultsDir(dir: string, given: boolean): void {
  let stats;
  try {
    stats = statSync(dir);
  } catch {
    if (given) throw new UsageError(`results ls: ${dir}: no such folder`);
    return;
  }
  if (!stats.isDirectory()) throw new UsageError(`results ls: ${dir}: not a folder`);
}

function listResults(dir: string, options: { json: boolean }, given: boolean): number {
  checkResultsDir(dir, given);
  const entries: ResultEntry[] = [];
  for (const folder of findResultFolders(dir)) {
    const entry = readResultEntry(folder);
    if (entry === null) process.stderr.write(`warning: ${relative(process.cwd(), folder)}/summary.json is not valid JSON; skipped\n`);
    else entries.push(entry);
  }
  if (options.json) {
    const records = entries.map((e) => ({
      ...e,
      path: relative(process.cwd(), e.path) || '.',
      finished: e.finished.toISOString(),
      figures: Object.fromEntries(e.figures.map((f) => [f.metric, f.value])),
    }));
    process.stdout.write(JSON.stringify(records, null, 2) + '\n');
  } else if (entries.length === 0) {
    process.stdout.write(`no results under ${dir}\n`);
  } else {
    process.stdout.write(formatResultsTable(entries, process.cwd()) + '\n');
  }
  return 0;
}

export function registerResultsCommands(program: Command): void {
  const results = program.command('results').description('inspect results folders');
  results
    .command('ls')
    .argument('[dir]', 'folder searched for results folders (holding summary.json); default results (none yet if missing)')
    .option('--json', 'print the entries as JSON', false)
    .description('list results folders: path, scenario, seed, scenario hash, finished (mtime), wall time, key figures (those the run measures: a cloud\'s violations, resolve time, migrations, energy; losses; lookups; Vivaldi error)')
    .action((dir: string | undefined, options: { json: boolean }) => {
      try {
        process.exitCode = listResults(dir ?? DEFAULT_RESULTS_DIR, options, dir !== undefined);
      } catch (error) {
        process.exitCode = reportError(error, undefined);
      }
    });
  results
    .command('tidy')
    .argument('<sweep>', 'a sweep folder (holding sweep.json)')
    .description(`write SWEEP/${TIDY_CSV_FILE} and SWEEP/${TIDY_PARQUET_FILE}: one row per finished run, sample and global metric (swept parameters, seed, time_s, metric, value); luc sweep writes them too`)
    .action((sweep: string) => {
      try {
        const dir = resolve(sweep);
        const rows = writeTidy(readSweepSpec(dir), dir);
        const shown = relative(process.cwd(), dir) || '.';
        process.stdout.write(`${shown}/${TIDY_CSV_FILE}\n${shown}/${TIDY_PARQUET_FILE}\n`);
        process.stderr.write(`${rows} rows\n`);
      } catch (error) {
        process.exitCode = reportError(error, undefined);
      }
    });
}

/**
 * Whether a results folder may take a run's files, decided before the run starts (a long run
 * must not end on "cannot write"). `luc run` writes only its own files (RESULT_FILES, see
 * metrics/write-results.ts) and deletes nothing else; still, a folder holding anything but an
 * earlier run of the same scenario is refused unless `--force`: it may be another run's results
 * (a run with `--set` into the plain run's folder) or the user's files.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { readSummary } from './sweep/plan.js';
import { UsageError } from './exit-codes.js';
import { RESULT_FILES } from '../metrics/write-results.js';

/** Entries of an earlier run that a re-run of the same scenario may replace or leave (plots of `--plot`). */
function isRunEntry(name: string): boolean {
  return (RESULT_FILES as readonly string[]).includes(name) || name.endsWith('.svg');
}

function kindAt(path: string): 'folder' | 'file' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'none';
  }
}

function shown(path: string): string {
  return relative(process.cwd(), path) || '.';
}

/**
 * Throws a UsageError unless `dir` is absent, empty, or holds only an earlier run of the
 * scenario whose hash is `scenarioHash` (then re-running it is idempotent). With `force`, an
 * occupied folder is accepted: the run replaces its own files there and keeps the rest. A file
 * at `dir` or above it is refused whatever `force` says.
 */
export function claimResultsFolder(dir: string, scenarioHash: string, force: boolean, what = 'results folder'): void {
  for (let path = dir; ; path = dirname(path)) {
    const kind = kindAt(path);
    if (kind === 'file') {
      const where = path === dir ? '' : ` (${shown(path)} is a file)`;
      throw new UsageError(`${what} ${shown(dir)}: expected a folder (or a path to create one), found a file${where}`);
    }
    if (kind === 'folder' || dirname(path) === path) break;
  }
  if (kindAt(dir) === 'none' || force) return;
  const entries = readdirSync(dir).sort();
  if (entries.length === 0) return;
  const foreign = entries.filter((name) => !isRunEntry(name));
  const summary = readSummary(dir);
  if (foreign.length === 0 && summary?.scenarioHash === scenarioHash) return;
  const found =
    foreign.length > 0
      ? `${foreign.length} file(s) a run does not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`
      : `the results of another run (scenario hash ${String(summary?.scenarioHash ?? 'unknown')}, this one ${scenarioHash})`;
  throw new UsageError(
    `${what} ${shown(dir)}: expected a new or empty folder, or an earlier run of this same scenario; found ${found}. ` +
      `Choose another --out, or pass --force to replace the run's own files there (${RESULT_FILES.join(', ')}) and keep the rest`,
  );
}

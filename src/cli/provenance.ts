import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the installed package (dist/cli/ -> ../..). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CodeVersion {
  readonly package: string;
  /** The git commit of the checkout, with `-dirty` when it has uncommitted changes; null outside a git checkout (an installed package). */
  readonly gitCommit: string | null;
  readonly node: string;
}

export function codeVersion(): CodeVersion {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return { package: pkg.version, gitCommit: gitCommit(), node: process.version };
}

/** The checkout's commit: only when the package root is a git checkout (an installed package inside someone's repository is not). */
function gitCommit(): string | null {
  if (!existsSync(join(PACKAGE_ROOT, '.git'))) return null;
  try {
    const opts = { cwd: PACKAGE_ROOT, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return null;
  }
}

import { spawnSync } from 'node:child_process';
import { DIST_MAIN, ROOT } from '../support/dist-build.js';

export { ROOT };

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the compiled `luc` command in `cwd` (dist/ is built by the global setup). */
export function luc(args: readonly string[], cwd = ROOT, timeoutMs = 120_000): CliResult {
  const result = spawnSync(process.execPath, [DIST_MAIN, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

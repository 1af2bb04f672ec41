/**
 * Runs iproute2's `ip` and `tc` for the testbed, synchronously: each call is a few ms, made
 * before the agents start, at a fault's time or at teardown, and the caller needs it done (a
 * partition is in place) before it records the time. A failure names the command and what the
 * tool said, as a TestbedError (exit code 2: the environment is not what the testbed needs).
 */
import { spawnSync } from 'node:child_process';

/** Bound on one command: a hung `ip` must not hang the run. */
const COMMAND_TIMEOUT_MS = 30_000;

export class TestbedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestbedError';
  }
}

/**
 * Run `tool args...` (with `input` on stdin for -batch); its stdout, or a TestbedError. With
 * `tolerant`, a non-zero exit is not an error (ip -force reports what it skipped that way).
 */
export function runTool(tool: 'ip' | 'tc', args: readonly string[], input?: string, tolerant = false): string {
  const result = spawnSync(tool, args, { input, encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `'${tool}' not found: install iproute2` : result.error.message;
    throw new TestbedError(`${tool} ${args.join(' ')}: ${why}`);
  }
  if (result.status !== 0 && !tolerant) {
    const said = `${result.stderr}`.trim().split('\n').slice(0, 6).join('; ');
    throw new TestbedError(`${tool} ${args.join(' ')} failed (exit ${result.status ?? result.signal}): ${said || 'no message'}`);
  }
  return result.stdout;
}

/** Run many `ip` commands in one process (`ip -batch -`); with `force`, go on past failures (the caller checks the result). */
export function runIpBatch(lines: readonly string[], options: { netns?: string; force?: boolean } = {}): void {
  if (lines.length === 0) return;
  const args = [...(options.netns === undefined ? [] : ['-n', options.netns]), ...(options.force === true ? ['-force'] : []), '-batch', '-'];
  runTool('ip', args, `${lines.join('\n')}\n`, options.force === true);
}

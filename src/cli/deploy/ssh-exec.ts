/**
 * Runs a deployment's commands (`deploy-plan.ts`): one at a time or one per machine in parallel,
 * bounded by a timeout, with stdin from a local file and stdout into a local command when the
 * command says so. A failure is a `DeployError` naming the machine and what ssh said.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { commandText, type DeployCommand } from './deploy-plan.js';

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

export interface CommandResult {
  readonly status: number | string;
  readonly stderr: string;
  readonly stdout: string;
}

/** Bound on one command; a hung machine must not hang the run. */
export const COMMAND_TIMEOUT_MS = 120_000;
/** What of a failing command's stderr goes into an error. */
const STDERR_SHOWN_CHARS = 400;

export function execCommand(command: DeployCommand, timeoutMs = COMMAND_TIMEOUT_MS): Promise<CommandResult> {
  return new Promise((resolve) => {
    const stdinFd = command.stdinFile === undefined ? null : openSync(command.stdinFile, 'r');
    const [program, ...args] = command.argv;
    const child = spawn(program, args, { stdio: [stdinFd ?? 'ignore', 'pipe', 'pipe'] });
    if (stdinFd !== null) closeSync(stdinFd);
    const sink = command.pipeTo === undefined ? null : spawn(command.pipeTo[0], command.pipeTo.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (sink !== null && sink.stdin !== null) child.stdout?.pipe(sink.stdin);
    else child.stdout?.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    sink?.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `(timed out after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
      sink?.kill('SIGKILL');
    }, timeoutMs);
    let pending = sink === null ? 1 : 2;
    let status: number | string = 0;
    const done = (code: number | null, signal: string | null): void => {
      if (code !== 0) status = status === 0 ? (code ?? signal ?? 'unknown') : status;
      if (--pending > 0) return;
      clearTimeout(timer);
      resolve({ status, stderr, stdout });
    };
    // 'close' may or may not follow a spawn 'error': each process counts once.
    const finishOf = (): ((code: number | null, signal: string | null) => void) => {
      let finished = false;
      return (code, signal) => {
        if (finished) return;
        finished = true;
        done(code, signal);
      };
    };
    for (const proc of sink === null ? [child] : [child, sink]) {
      const finish = finishOf();
      proc.once('error', (error) => {
        stderr += `${error.message}\n`;
        finish(127, null);
      });
      proc.once('close', finish);
    }
  });
}

/** Runs `commandOf(m)` on every machine at once; throws a DeployError naming each machine that failed, else gives their results. */
export async function onEveryMachine(machines: readonly { readonly index: number; readonly target: string }[], what: string, commandOf: (m: number) => DeployCommand, timeoutMs = COMMAND_TIMEOUT_MS): Promise<CommandResult[]> {
  const results = await Promise.all(machines.map((machine) => execCommand(commandOf(machine.index), timeoutMs)));
  const failed = results.flatMap((result, m) => (result.status === 0 ? [] : [`${machines[m].target}: exit ${result.status}: ${oneLine(result.stderr)}`]));
  if (failed.length > 0) throw new DeployError(`${what} failed on ${failed.length} machine(s): ${failed.join('; ')}`);
  return results;
}

export function oneLine(text: string): string {
  const line = text.trim().replace(/\s*\n\s*/g, ' | ');
  return line.length > STDERR_SHOWN_CHARS ? `${line.slice(0, STDERR_SHOWN_CHARS)}...` : line || '(no message)';
}

export { commandText };

/**
 * A pool of worker threads for the runs of a sweep: `jobs` workers, each taking the next run
 * when it finishes one. A worker that dies (uncaught error, out of memory) fails the run it held
 * and is replaced; the other runs go on. Resolves when every task has an outcome.
 */
import { Worker } from 'node:worker_threads';
import type { CodeVersion } from '../provenance.js';
import type { RunOutcome, WorkerInit, WorkerTask } from './worker-protocol.js';

/** The compiled worker script, next to this module in dist/. */
const WORKER_URL = new URL('./sweep-worker.js', import.meta.url);

/** What a task gets when its worker thread dies under it. */
export interface CrashOutcome {
  readonly ok: false;
  readonly error: string;
  readonly detail: string;
}

/** Generic in the messages, so `luc torture` runs its own worker script on the same pool. */
export interface PoolOptions<T, M = WorkerTask, O = RunOutcome> {
  readonly jobs: number;
  readonly code: CodeVersion;
  readonly toMessage: (task: T) => M;
  readonly onDone: (task: T, outcome: O | CrashOutcome) => void;
  /** The worker script; default the compiled sweep-worker.js (tests give another). */
  readonly workerUrl?: URL;
}

export function runInWorkers<T, M = WorkerTask, O = RunOutcome>(tasks: readonly T[], options: PoolOptions<T, M, O>): Promise<void> {
  if (!Number.isInteger(options.jobs) || options.jobs < 1) throw new RangeError(`runInWorkers: jobs must be an integer >= 1, got ${options.jobs}`);
  const init: WorkerInit = { code: options.code };
  return new Promise<void>((resolvePool, rejectPool) => {
    let next = 0;
    let active = 0;
    let failed = false;

    const settle = (task: T, outcome: O | CrashOutcome): boolean => {
      try {
        options.onDone(task, outcome);
        return true;
      } catch (error) {
        failed = true;
        rejectPool(error);
        return false;
      }
    };

    const startWorker = (): void => {
      const worker = new Worker(options.workerUrl ?? WORKER_URL, { workerData: init });
      active++;
      let current: T | null = null;
      let crash: Error | null = null;
      const feed = (): void => {
        if (failed || next >= tasks.length) {
          current = null;
          void worker.terminate();
          return;
        }
        current = tasks[next++];
        worker.postMessage(options.toMessage(current));
      };
      worker.on('message', (outcome: O) => {
        const task = current as T;
        current = null;
        if (settle(task, outcome)) feed();
        else void worker.terminate();
      });
      worker.on('error', (error) => {
        crash = error;
      });
      worker.on('exit', (code) => {
        active--;
        if (current !== null && !failed) {
          const what = crash === null ? `the worker thread exited with code ${code}` : `the worker thread crashed: ${crash.message}`;
          settle(current, { ok: false, error: what, detail: crash?.stack ?? what });
          current = null;
        }
        if (!failed && next < tasks.length) startWorker();
        else if (active === 0 && !failed) resolvePool();
      });
      feed();
    };

    if (tasks.length === 0) {
      resolvePool();
      return;
    }
    for (let k = 0; k < Math.min(options.jobs, tasks.length); k++) startWorker();
  });
}

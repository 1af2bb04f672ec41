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

export interface PoolOptions<T> {
  readonly jobs: number;
  readonly code: CodeVersion;
  readonly toMessage: (task: T) => WorkerTask;
  readonly onDone: (task: T, outcome: RunOutcome) => void;
  /** The worker script; default the compiled sweep-worker.js (tests give another). */
  readonly workerUrl?: URL;
}

export function runInWorkers<T>(tasks: readonly T[], options: PoolOptions<T>): Promise<void> {
  if (!Number.isInteger(options.jobs) || options.jobs < 1) throw new RangeError(`runInWorkers: jobs must be an integer >= 1, got ${options.jobs}`);
  const init: WorkerInit = { code: options.code };
  return new Promise<void>((resolvePool, rejectPool) => {
    let next = 0;
    let active = 0;
    let failed = false;

    const settle = (task: T, outcome: RunOutcome): boolean => {
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
      worker.on('message', (outcome: RunOutcome) => {
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

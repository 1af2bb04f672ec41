/**
 * The worker thread of `luc sweep`: runs one scenario at a time, as the main thread sends them,
 * with the same code path as `luc run` (executeRun), and answers with the outcome. A run that
 * throws is answered as a failure; the worker carries on with the next one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { executeRun } from '../execute-run.js';
import { isBadInput } from '../exit-codes.js';
import type { RunOutcome, WorkerInit, WorkerTask } from './worker-protocol.js';

/** Runs one task in this thread (exported for the worker only; the pool never imports this file). */
export function runTask(task: WorkerTask, init: WorkerInit): RunOutcome {
  try {
    const result = executeRun({
      scenarioFile: task.scenarioFile,
      overrides: task.overrides,
      outDir: task.outDir,
      // runs/<point>/seed-<s> is the sweep's own folder (a folder of another grid is refused before)
      force: true,
      code: init.code,
      commandLine: task.commandLine,
    });
    return { ok: true, wallTimeS: result.wallTimeS };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const detail = !isBadInput(error) && error instanceof Error ? (error.stack ?? message) : message;
    return { ok: false, error: message, detail };
  }
}

if (parentPort !== null) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  port.on('message', (task: WorkerTask) => port.postMessage(runTask(task, init)));
}

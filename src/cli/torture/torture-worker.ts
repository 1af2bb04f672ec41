/**
 * The worker thread of `luc torture`: draws one schedule from its seed, runs it under the
 * invariant monitor (twice with `--twice`), shrinks it when it fails, and answers with the report.
 * Any error other than a broken invariant (bad input) is answered as an error.
 */
import { parentPort } from 'node:worker_threads';
import { loadScenario } from '../../scenario/load.js';
import { drawSchedule } from '../../torture/schedule.js';
import { runSchedule, runScheduleTwice, scheduleShape, shrinkSchedule } from '../../torture/run-schedule.js';
import { isBadInput } from '../exit-codes.js';
import type { TortureOutcome, TortureTask } from './torture-protocol.js';

export function runTortureTask(task: TortureTask): TortureOutcome {
  try {
    const faults = task.replay || task.seed === null ? null : drawFor(task, task.seed);
    const input = { scenarioFile: task.scenarioFile, overrides: task.overrides, seed: task.replay ? null : task.seed, faults, monitor: task.monitor };
    const startMs = performance.now();
    const result = task.twice ? runScheduleTwice(input) : runSchedule(input);
    const wallTimeS = (performance.now() - startMs) / 1000 / (task.twice ? 2 : 1);
    let minimal = null;
    let shrinkAttempts = 0;
    const shrinkStartMs = performance.now();
    if (result.failure !== null && faults !== null && task.shrinkAttemptsMax > 0 && result.failure.invariant !== 'determinism') {
      const shrunk = shrinkSchedule({ ...input, faults }, result.failure, task.shrinkAttemptsMax);
      minimal = shrunk.faults;
      shrinkAttempts = shrunk.attempts;
    }
    const shrinkWallTimeS = (performance.now() - shrinkStartMs) / 1000;
    return { ok: true, seed: task.seed, faults, failure: result.failure, events: result.events, checks: result.checks, wallTimeS, minimal, shrinkAttempts, shrinkWallTimeS };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const detail = !isBadInput(error) && error instanceof Error ? (error.stack ?? message) : message;
    return { ok: false, error: message, detail };
  }
}

function drawFor(task: TortureTask, seed: number) {
  const scenario = loadScenario(task.scenarioFile, [...task.overrides, `seed=${seed}`]);
  return drawSchedule(seed, scheduleShape(scenario, task.scenarioFile, task.settleS, task.drawsMax));
}

if (parentPort !== null) {
  const port = parentPort;
  port.on('message', (task: TortureTask) => port.postMessage(runTortureTask(task)));
}

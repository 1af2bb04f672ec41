/**
 * Running the runs of a sweep (all of them, or one cluster task's) in worker threads: finished
 * runs are skipped, stale ones (another scenario hash) cleared and re-run, failed ones re-run.
 * A run that fails gets DIR/runs/<point>/seed-<s>/error.json and never stops the others.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeVersion } from '../provenance.js';
import { shellJoin } from '../shell-quote.js';
import { RUN_ERROR_FILE, runState, type SweepRun } from './plan.js';
import { SweepProgress } from './progress.js';
import type { SweepSpec } from './sweep-spec.js';
import { runInWorkers } from './worker-pool.js';
import type { RunOutcome } from './worker-protocol.js';

export interface ExecuteRunsOptions {
  readonly jobs: number;
  readonly quiet: boolean;
  readonly code: CodeVersion;
  /** Called once the plan is known, before any run starts. */
  readonly onPlan?: (plan: RunsPlan) => void;
}

export interface RunsPlan {
  readonly total: number;
  readonly finishedBefore: number;
  /** Finished under another scenario hash (the scenario file or defaults changed): re-run. */
  readonly stale: number;
  /** Failed in an earlier attempt: re-run. */
  readonly failedBefore: number;
  readonly toRun: number;
  readonly workers: number;
}

export interface RunsReport extends RunsPlan {
  readonly failed: number;
  readonly wallTimeS: number;
}

/** A `luc run` line that replays one run of the sweep by itself (recorded in its summary.json). */
export function replayCommandLine(spec: SweepSpec, run: SweepRun): string {
  return shellJoin(['luc', 'run', spec.scenario, ...run.overrides.flatMap((text) => ['--set', text]), '--out', run.dir]);
}

function writeRunError(run: SweepRun, outcome: Extract<RunOutcome, { ok: false }>): void {
  mkdirSync(run.dir, { recursive: true });
  const record = { pointId: run.pointId, params: run.params, seed: run.seed, error: outcome.error, detail: outcome.detail };
  writeFileSync(join(run.dir, RUN_ERROR_FILE), JSON.stringify(record, null, 2) + '\n');
}

export async function executeRuns(spec: SweepSpec, runs: readonly SweepRun[], options: ExecuteRunsOptions): Promise<RunsReport> {
  const states = runs.map(runState);
  const todo = runs.filter((_, index) => states[index] !== 'finished');
  runs.forEach((run, index) => {
    if (states[index] === 'stale') rmSync(run.dir, { recursive: true, force: true });
  });
  const plan: RunsPlan = {
    total: runs.length,
    finishedBefore: runs.length - todo.length,
    stale: states.filter((s) => s === 'stale').length,
    failedBefore: states.filter((s) => s === 'failed').length,
    toRun: todo.length,
    workers: Math.min(options.jobs, todo.length),
  };
  options.onPlan?.(plan);
  const progress = new SweepProgress(runs.length, plan.finishedBefore, options.quiet);
  const startMs = performance.now();
  let failed = 0;
  await runInWorkers(todo, {
    jobs: Math.max(1, plan.workers),
    code: options.code,
    toMessage: (run) => ({ scenarioFile: spec.scenario, overrides: run.overrides, outDir: run.dir, commandLine: replayCommandLine(spec, run) }),
    onDone: (run, outcome) => {
      if (!outcome.ok) {
        failed++;
        writeRunError(run, outcome);
      } else {
        // A retried run that now succeeds: its folder keeps only what a finished run has.
        rmSync(join(run.dir, RUN_ERROR_FILE), { force: true });
      }
      progress.runDone(outcome.ok);
    },
  });
  progress.finish();
  return { ...plan, failed, wallTimeS: (performance.now() - startMs) / 1000 };
}

/**
 * The actions behind `luc sweep`, `luc sweep run-task` and `luc sweep collect`. Each returns the
 * exit code: 0 all runs finished, 1 some run failed (the others and the aggregate are complete),
 * and throws UsageError / ScenarioError (exit 2) before anything runs when the input is bad.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { EXIT_INTERNAL, EXIT_OK, UsageError } from '../exit-codes.js';
import { codeVersion, PACKAGE_ROOT } from '../provenance.js';
import { collectSweep, describeCollect } from './collect.js';
import { jobScript, parseWalltime, SCHEDULERS, scriptFileName, scriptPathProblem, type Scheduler } from './emit.js';
import { parseParamOption } from './grid.js';
import { createSweepSpec, planRuns } from './plan.js';
import { executeRuns, type RunsPlan, type RunsReport } from './run-sweep.js';
import { readSweepSpec, sameGrid, sweepFile, writeSweepSpec, type SweepSpec } from './sweep-spec.js';

/** Worker threads one sweep may start. */
export const JOBS_MAX = 256;

export interface SweepOptions {
  readonly param: string[];
  readonly seeds?: string;
  readonly jobs?: string;
  readonly out?: string;
  readonly set: string[];
  readonly emit?: string;
  readonly walltime: string;
  readonly quiet: boolean;
}

export interface RunTaskOptions {
  readonly task?: string;
  readonly jobs?: string;
  readonly quiet: boolean;
}

function integerOption(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${name}: expected an integer from ${min} to ${max}, found '${text}'`);
  return value;
}

function jobsOption(text: string | undefined): number {
  return integerOption(text, '--jobs', 1, JOBS_MAX) ?? Math.min(availableParallelism(), JOBS_MAX);
}

function shown(path: string): string {
  return relative(process.cwd(), path) || '.';
}

function planLine(what: string, plan: RunsPlan): string {
  const again = [plan.failedBefore > 0 ? `${plan.failedBefore} failed before` : '', plan.stale > 0 ? `${plan.stale} stale` : ''].filter(Boolean);
  const retry = again.length > 0 ? ` (${again.join(', ')})` : '';
  const where = plan.toRun === 0 ? ': nothing to do' : ` on ${plan.workers} worker thread(s)`;
  return `${what}: ${plan.total} runs, ${plan.finishedBefore} already finished, ${plan.toRun} to run${retry}${where}`;
}

function doneLine(report: RunsReport): string {
  const rate = report.wallTimeS > 0 ? ((60 * report.toRun) / report.wallTimeS).toFixed(1) : '-';
  return `ran ${report.toRun} runs (${report.failed} failed) in ${report.wallTimeS.toFixed(2)} s wall, ${rate} runs/min`;
}

/** `luc sweep SCENARIO ...`: validate every point, write sweep.json, then run (or emit a job-array script). */
export async function sweepAction(scenarioFile: string, options: SweepOptions, commandLine: string): Promise<number> {
  const log = (line: string): void => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const params = options.param.map(parseParamOption);
  const seedCount = integerOption(options.seeds, '--seeds', 1, 10_000);
  if (seedCount === undefined) throw new UsageError('--seeds N is required: the number of seeds per grid point');
  const jobs = jobsOption(options.jobs);
  const scheduler = options.emit as Scheduler | undefined;
  if (scheduler !== undefined && !SCHEDULERS.includes(scheduler)) throw new UsageError(`--emit: expected one of ${SCHEDULERS.join(', ')}, found '${options.emit}'`);
  const walltimeS = parseWalltime(options.walltime);
  if (walltimeS === null) throw new UsageError(`--walltime: expected hours as h, h:mm or h:mm:ss (2 is two hours, 1:30 an hour and a half), more than 0 and at most a year, found '${options.walltime}'`);

  const { spec, base } = createSweepSpec({ scenarioFile, params, seedCount, overrides: options.set, commandLine });
  const dir = resolve(options.out ?? join('results', base.name, 'sweep'));
  if (existsSync(sweepFile(dir)) && !sameGrid(readSweepSpec(dir), spec)) {
    throw new UsageError(`${shown(dir)} holds another sweep (its sweep.json has another scenario, grid, seeds or --set): choose another --out or remove it`);
  }
  const runs = planRuns(spec, dir);
  writeSweepSpec(dir, spec);

  if (scheduler !== undefined) {
    emitScript(spec, dir, base.name, scheduler, integerOption(options.jobs, '--jobs', 1, JOBS_MAX) ?? 1, walltimeS);
    const file = join(dir, scriptFileName(scheduler));
    const submit = scheduler === 'slurm' ? `sbatch ${shown(file)}` : `oarsub -S ${shown(file)}`;
    process.stderr.write(
      `wrote ${shown(sweepFile(dir))} and ${shown(file)}: ${spec.points.length} array tasks (one per grid point) x ${spec.seeds.length} seeds\n` +
        `submit with: ${submit}; then: luc sweep collect ${shown(dir)}\n`,
    );
    return EXIT_OK;
  }

  const interrupted = (): void => {
    process.stderr.write(`\ninterrupted: finished runs are kept; run the same command again to do the rest\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    const what = `luc sweep ${base.name}: ${spec.points.length} points x ${spec.seeds.length} seeds`;
    const report = await executeRuns(spec, runs, { jobs, quiet: options.quiet, code: codeVersion(), onPlan: (plan) => log(planLine(what, plan)) });
    log(doneLine(report));
    const collected = collectSweep(spec, dir);
    for (const line of describeCollect(shown(dir), collected)) log(line);
    return collected.failures.length > 0 ? EXIT_INTERNAL : EXIT_OK;
  } finally {
    process.removeListener('SIGINT', interrupted);
  }
}

function emitScript(spec: SweepSpec, dir: string, name: string, scheduler: Scheduler, coresPerTask: number, walltimeS: number): void {
  const main = join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');
  for (const path of [dir, process.cwd(), main]) {
    const problem = scriptPathProblem(path);
    if (problem !== null) throw new UsageError(`--emit ${scheduler}: ${problem}`);
  }
  const text = jobScript({
    scheduler,
    sweepDir: dir,
    workDir: process.cwd(),
    lucCommand: `node ${main}`,
    scenarioName: name,
    pointCount: spec.points.length,
    seedCount: spec.seeds.length,
    coresPerTask,
    walltimeS,
  });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const file = join(dir, scriptFileName(scheduler));
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/** `luc sweep run-task DIR --task I`: the runs of grid point I (every seed), as one array task of a cluster job. */
export async function runTaskAction(dirText: string, options: RunTaskOptions): Promise<number> {
  const dir = resolve(dirText);
  const spec = readSweepSpec(dir);
  const task = integerOption(options.task, '--task', 0, spec.points.length - 1);
  if (task === undefined) throw new UsageError('--task I is required: the index of the grid point (0-based)');
  const runs = planRuns(spec, dir, [task]);
  const what = `luc sweep run-task ${shown(dir)} --task ${task} (${spec.points[task].id})`;
  const report = await executeRuns(spec, runs, {
    jobs: jobsOption(options.jobs),
    quiet: options.quiet,
    code: codeVersion(),
    onPlan: (plan) => process.stderr.write(`${planLine(what, plan)}\n`),
  });
  process.stderr.write(`${doneLine(report)}\n`);
  return report.failed > 0 ? EXIT_INTERNAL : EXIT_OK;
}

/** `luc sweep collect DIR`: aggregate.csv and failures.json from whatever runs have finished. */
export function collectAction(dirText: string): number {
  const dir = resolve(dirText);
  const report = collectSweep(readSweepSpec(dir), dir);
  process.stdout.write(describeCollect(shown(dir), report).join('\n') + '\n');
  return report.failures.length > 0 ? EXIT_INTERNAL : EXIT_OK;
}

/**
 * The same sweep on a cluster: a job-array script for Slurm (`sbatch DIR/sweep.slurm`) or OAR,
 * Grid'5000's scheduler (`oarsub -S DIR/sweep.oar`). One array task per grid point: task I runs
 * all the seeds of point I (`luc sweep run-task DIR --task I`, its seeds in parallel on the
 * task's cores) into the usual layout; `luc sweep collect DIR` then writes the aggregate. Pure.
 */
import { shellQuote } from '../shell-quote.js';

export type Scheduler = 'slurm' | 'oar';
export const SCHEDULERS: readonly Scheduler[] = ['slurm', 'oar'];

export interface JobScriptOptions {
  readonly scheduler: Scheduler;
  /** Absolute sweep folder. */
  readonly sweepDir: string;
  /** Absolute folder the tasks start in (where the sweep was emitted). */
  readonly workDir: string;
  /** How to start luc on the nodes, e.g. `node /home/me/luc-sim/dist/cli/main.js`; `$LUC` overrides it at submission. */
  readonly lucCommand: string;
  readonly scenarioName: string;
  readonly pointCount: number;
  readonly seedCount: number;
  /** Cores per array task (its seeds run in parallel on them). */
  readonly coresPerTask: number;
  /** Walltime per task, in whole seconds (`parseWalltime`); each scheduler's directive is written in its own format. */
  readonly walltimeS: number;
}

export function scriptFileName(scheduler: Scheduler): string {
  return scheduler === 'slurm' ? 'sweep.slurm' : 'sweep.oar';
}

/** A walltime of more than a year is a typo. */
export const WALLTIME_S_MAX = 366 * 24 * 3600;

/**
 * `--walltime`: hours first, as OAR reads it (`h`, `h:mm` or `h:mm:ss`: `2` is two hours, `1:30`
 * an hour and a half), in seconds; null when the text is not such a walltime, is 0 or exceeds
 * WALLTIME_S_MAX. Slurm reads `2` as two minutes and `1:30` as 1 min 30 s, so the Slurm script
 * is written with `slurmTime`, never with the text given.
 */
export function parseWalltime(text: string): number | null {
  const match = /^(\d+)(?::([0-5]\d))?(?::([0-5]\d))?$/.exec(text.trim());
  if (match === null) return null;
  const seconds = Number(match[1]) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  return seconds >= 1 && seconds <= WALLTIME_S_MAX ? seconds : null;
}

function clock(hours: number, seconds: number): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${hours}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
}

/** Slurm's `--time`: `hours:minutes:seconds` under a day, `days-hours:minutes:seconds` from a day on (sbatch(1)). */
export function slurmTime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  return days > 0 ? `${days}-${clock(hours, seconds)}` : clock(hours, seconds);
}

/** OAR's `walltime=`: `hour:mn:sec` (oarsub(1)), hours past 24 written as they are. */
export function oarWalltime(seconds: number): string {
  return clock(Math.floor(seconds / 3600), seconds);
}

function body(options: JobScriptOptions, taskExpression: string): string[] {
  const dir = shellQuote(options.sweepDir);
  return [
    'set -eu',
    `cd ${shellQuote(options.workDir)}`,
    `LUC=\${LUC:-${shellQuote(options.lucCommand)}}`,
    `TASK=${taskExpression}`,
    `exec $LUC sweep run-task ${dir} --task "$TASK" --jobs ${options.coresPerTask} --quiet`,
    '',
  ];
}

function header(options: JobScriptOptions, submit: string): string[] {
  const collect = `luc sweep collect ${shellQuote(options.sweepDir)}`;
  return [
    '#!/bin/bash',
    `# luc sweep of ${options.scenarioName}: ${options.pointCount} grid points x ${options.seedCount} seeds.`,
    '# One array task per grid point; task I runs every seed of point I (see sweep.json).',
    `# Submit: ${submit}`,
    `# Then: ${collect}    (aggregate.csv, failures.json; lists missing runs)`,
    '# Resubmitting skips finished runs. Set LUC to change how luc is started on the nodes.',
  ];
}

/** Paths that go into directives and an unquoted `$LUC` must be plain: no whitespace, quotes or `%`. */
export function scriptPathProblem(path: string): string | null {
  return /[\s'"%$`\\]/.test(path) ? `'${path}' contains whitespace, a quote, '%', '$' or a backslash, which job scripts cannot carry` : null;
}

export function jobScript(options: JobScriptOptions): string {
  if (options.pointCount < 1) throw new RangeError('jobScript: no grid point');
  // Scheduler directives are not read by a shell: paths go in verbatim (checkScriptPaths).
  const logs = `${options.sweepDir}/logs`;
  const name = `luc-sweep-${options.scenarioName}`;
  if (options.scheduler === 'slurm') {
    return [
      ...header(options, `sbatch ${shellQuote(`${options.sweepDir}/sweep.slurm`)}`),
      `#SBATCH --job-name=${name}`,
      `#SBATCH --array=0-${options.pointCount - 1}`,
      '#SBATCH --ntasks=1',
      `#SBATCH --cpus-per-task=${options.coresPerTask}`,
      `#SBATCH --time=${slurmTime(options.walltimeS)}`,
      `#SBATCH --output=${logs}/task-%a.out`,
      ...body(options, '$SLURM_ARRAY_TASK_ID'),
    ].join('\n');
  }
  return [
    ...header(options, `oarsub -S ${shellQuote(`${options.sweepDir}/sweep.oar`)}`),
    `#OAR -n ${name}`,
    `#OAR --array ${options.pointCount}`,
    `#OAR -l /nodes=1/core=${options.coresPerTask},walltime=${oarWalltime(options.walltimeS)}`,
    `#OAR -O ${logs}/task-%jobid%.out`,
    `#OAR -E ${logs}/task-%jobid%.err`,
    '# OAR numbers array subjobs from 1: task = $OAR_ARRAY_INDEX - 1.',
    ...body(options, '$((OAR_ARRAY_INDEX - 1))'),
  ].join('\n');
}

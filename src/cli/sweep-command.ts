/**
 * `luc sweep`: a parameter grid x seeds, run in parallel worker threads, resumable, aggregated
 * across seeds; or emitted as a Slurm / OAR job array (`--emit`) whose tasks run
 * `luc sweep run-task` and whose results `luc sweep collect` aggregates. Thin: see src/cli/sweep/.
 */
import type { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, reportError } from './exit-codes.js';
import { resolveScenarioArg } from './bundled-scenarios.js';
import { lucCommandLine } from './shell-quote.js';
import { collectAction, runTaskAction, sweepAction, type RunTaskOptions, type SweepOptions } from './sweep/sweep-actions.js';

function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs an action and sets the exit code from its result or error (bad input 2, internal 1). */
function settle(action: () => Promise<number> | number): Promise<void> {
  return Promise.resolve()
    .then(action)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.exitCode = reportError(error, undefined);
      },
    );
}

export function registerSweepCommands(program: Command): void {
  const sweep = program
    .command('sweep')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--param <path=v1,v2,...>', 'a swept field and its values, each parsed like --set: numbers, strings, or JSON lists and objects (faults=[],[{...}]); repeatable, the grid is their cartesian product', collectRepeated, [])
    .option('--seeds <n>', 'seeds per grid point: the scenario seed, +1, ..., +n-1')
    .option('--jobs <j>', 'worker threads (default: one per core); with --emit: cores per array task (default 1)')
    .option('--out <dir>', 'sweep folder (default results/<name>/sweep)')
    .option('--set <path=value>', 'override a scenario field in every run (repeatable)', collectRepeated, [])
    .option('--emit <scheduler>', 'write a job-array script instead of running: slurm or oar')
    .option('--walltime <h:mm:ss>', 'with --emit: walltime of each array task, hours first (2 = two hours, 1:30 = 1 h 30 min), written in each scheduler\'s own format', '1:00:00')
    .option('--quiet', 'no progress or log lines on stderr', false)
    .description(
      'run a scenario over a parameter grid x seeds in parallel; writes DIR/sweep.json, DIR/runs/<point>/seed-<s>/, ' +
        'DIR/aggregate.csv (mean, sd, 95% CI across seeds) and DIR/failures.json. Re-running resumes.',
    )
    // Options after `run-task` / `collect` belong to them.
    .enablePositionalOptions()
    .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : EXIT_BAD_INPUT))
    .action((scenarioFile: string, options: SweepOptions) => settle(() => sweepAction(resolveScenarioArg(scenarioFile), options, lucCommandLine())));

  sweep
    .command('run-task', { hidden: true })
    .argument('<dir>', 'sweep folder holding sweep.json')
    .option('--task <i>', 'grid point index (0-based): runs all its seeds')
    .option('--jobs <j>', 'worker threads (default: one per available core)')
    .option('--quiet', 'no progress line', false)
    .description('run one array task of an emitted sweep: every seed of grid point I')
    .action((dir: string, options: RunTaskOptions) => settle(() => runTaskAction(dir, options)));

  sweep
    .command('collect')
    .argument('<dir>', 'sweep folder holding sweep.json')
    .description('merge the finished runs of a sweep into DIR/aggregate.csv and DIR/failures.json; list failed and missing runs')
    .action((dir: string) => settle(() => collectAction(dir)));
}

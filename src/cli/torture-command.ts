/**
 * `luc torture SCENARIO`: random fault schedules with invariants checked after every event,
 * failures reported with their seed and replay command and shrunk to a scenario file. Thin: see
 * src/cli/torture/ and src/torture/. Exit 0 when every schedule passed, 1 on a failure, 2 on bad input.
 */
import type { Command } from 'commander';
import { resolveScenarioArg } from './bundled-scenarios.js';
import { reportError } from './exit-codes.js';
import { tortureAction, type TortureOptions } from './torture/torture-campaign.js';

function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerTortureCommand(program: Command): void {
  program
    .command('torture')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--schedules <n>', 'random fault schedules to run (schedule k has seed S + k)', '1')
    .option('--seed <s>', 'root seed S (default: the scenario seed)')
    .option('--jobs <j>', 'worker threads (default: one per core)')
    .option('--out <dir>', 'campaign folder (default results/<name>/torture)')
    .option('--set <path=value>', 'override a scenario field in every run (repeatable)', collectRepeated, [])
    .option('--twice', 'run every schedule twice and compare the outputs byte for byte', false)
    .option('--replay', "run the scenario's own faults once under the invariants (a shrunk schedule's file)", false)
    .option('--liveness-s <s>', 'partitions released, Chord ring right, CAN zones tiled this long after the last fault heals', '300')
    .option('--draws-max <n>', 'at most this many faults drawn per schedule (a churn burst counts once)', '8')
    .option('--shrink-max <n>', 'runs a failure may take to shrink its schedule (0: no shrinking)', '64')
    .option('--quiet', 'no progress lines on stderr', false)
    .description(
      'run a scenario under random fault schedules (crashes, link cuts, partitions, churn bursts, message loss) with ' +
        'invariants checked after every event; print each failure with its seed and replay command, shrink it, and ' +
        'write DIR/torture.json and DIR/failures/seed-<s>.yaml',
    )
    .action(async (scenarioFile: string, options: TortureOptions) => {
      try {
        process.exitCode = await tortureAction(resolveScenarioArg(scenarioFile), options);
      } catch (error) {
        process.exitCode = reportError(error, undefined);
      }
    });
}

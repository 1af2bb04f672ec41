#!/usr/bin/env node
/**
 * The `luc` command. Thin: parses arguments and calls the scenario, platform and runtime layers.
 * Exit codes: 0 success, 2 bad input (scenario, topology or arguments), 1 internal error.
 */
import { join } from 'node:path';
import { Command, type CommanderError } from 'commander';
import { loadScenario } from '../scenario/load.js';
import { EXIT_BAD_INPUT, printable, reportError } from './exit-codes.js';
import { prepareScenario } from '../scenario/run-scenario.js';
import { PACKAGE_ROOT, codeVersion } from './provenance.js';
import { resolveScenarioArg } from './bundled-scenarios.js';
import { runCommand, type RunCommandOptions } from './run-command.js';
import { registerTopoCommands } from './topo-commands.js';
import { registerLiveCommands } from './live.js';
import { FORMAT_HELP, FORMAT_OPTION } from './format-option.js';
import { registerPlotCommands } from './plot-command.js';
import { registerSweepCommands } from './sweep-command.js';
import { registerResultsCommands } from './results-command.js';
import { registerCheckCommands } from './check-command.js';
import { registerTortureCommand } from './torture-command.js';
import { registerTestbedCommands } from './testbed-command.js';
import { registerDeployCommand } from './deploy-command.js';
import { registerCompareCommand } from './compare-command.js';

export const DEFAULT_SCENARIO = join(PACKAGE_ROOT, 'scenarios', 'renater-vivaldi.yaml');

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command('luc')
    .description('luc-sim: deterministic simulator of locality-based utility computing (LUC) infrastructures')
    .version(codeVersion().package)
    .showHelpAfterError()
    // Options after a command belong to it: without this, `luc sweep run-task DIR --jobs 1` gave
    // --jobs (and --quiet) to `luc sweep`, which declares them too, and run-task never saw them.
    .enablePositionalOptions()
    .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : EXIT_BAD_INPUT));

  const attempt = (action: () => void, seed?: number): void => {
    try {
      action();
    } catch (error) {
      process.exitCode = reportError(error, seed);
    }
  };

  program
    .command('run')
    .argument('[scenario]', 'scenario file (YAML or JSON)', DEFAULT_SCENARIO)
    .option('--seed <n>', 'root seed (replaces the scenario seed)')
    .option('--set <path=value>', 'override a scenario field, e.g. protocols.vivaldi.dimensions=8 (repeatable)', collect, [])
    .option('--out <dir>', 'results folder (default: output.dir of the scenario, results/<name>/seed-<seed>, with -set-<hash> after it for --set runs)')
    .option('--force', "write into a folder holding other files: replace the run's own files there, keep the rest", false)
    .option('--quiet', 'no progress or log lines on stderr', false)
    .option('--plot', 'also write the default plots of the run (SVG) next to its CSV', false)
    .option(FORMAT_OPTION, `with --plot: ${FORMAT_HELP}`)
    .option('--trace [kinds]', 'also write DIR/trace.jsonl, the event trace: every kind, or those listed (migration,partition,crash,recovery,ve-op); as --set trace={...}')
    .description('run a scenario and write DIR/metrics.csv, DIR/summary.json and DIR/scenario.json')
    .action((scenarioFile: string, options: RunCommandOptions) => {
      const seed = options.seed !== undefined && /^\d+$/.test(options.seed) ? Number(options.seed) : undefined;
      attempt(() => {
        runCommand(resolveScenarioArg(scenarioFile), options, process.argv);
      }, seed);
    });

  program
    .command('validate')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
    .description('check a scenario file as luc run does (the world, faults, churn, cloud and traces built, no event run); print what is wrong with file, field and expectation')
    .action((scenarioFile: string, options: { set: string[] }) =>
      attempt(() => {
        scenarioFile = resolveScenarioArg(scenarioFile);
        const scenario = loadScenario(scenarioFile, options.set);
        const prepared = prepareScenario(scenario, scenarioFile);
        for (const warning of prepared.warnings) process.stderr.write(`warning: ${printable(warning)}\n`);
        process.stdout.write(`${printable(scenarioFile)}: ok (${scenario.name}, seed ${scenario.seed}, ${scenario.durationS} s, ${prepared.hostCount} hosts)\n`);
      }),
    );

  registerTopoCommands(program, (action) => attempt(action));
  registerLiveCommands(program);
  registerPlotCommands(program);
  registerSweepCommands(program);
  registerResultsCommands(program);
  registerCheckCommands(program);
  registerTortureCommand(program);
  registerTestbedCommands(program);
  registerDeployCommand(program);
  registerCompareCommand(program);
  return program;
}

buildProgram().parse(process.argv);

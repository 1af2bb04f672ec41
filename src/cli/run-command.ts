import { relative } from 'node:path';
import { executeRun, type ExecuteRunResult } from './execute-run.js';
import { chartFormats } from './format-option.js';
import { writeDefaultPlots } from './plot-command.js';
import { codeVersion } from './provenance.js';
import { ProgressLine } from './progress.js';
import { printable, UsageError } from './exit-codes.js';
import { lucCommandLine } from './shell-quote.js';

export interface RunCommandOptions {
  readonly seed?: string;
  readonly set: string[];
  readonly out?: string;
  readonly quiet: boolean;
  readonly plot?: boolean;
  /** `--format` of the plots `--plot` writes. */
  readonly format?: string;
  readonly force?: boolean;
  /** `--trace`: true for every kind, or a comma-separated list of kinds. */
  readonly trace?: boolean | string;
}

/** The `--set` override a `--trace` option stands for (it replaces the scenario's own trace section). */
export function traceOverride(trace: boolean | string | undefined): string | null {
  if (trace === undefined || trace === false) return null;
  if (trace === true) return 'trace={}';
  const kinds = trace.split(',').map((k) => k.trim()).filter((k) => k !== '');
  return `trace=${JSON.stringify({ kinds })}`;
}

/** `luc run`: one scenario, one results folder, progress and a closing line on stderr. */
export function runCommand(scenarioFile: string, options: RunCommandOptions, argv: readonly string[]): ExecuteRunResult {
  if (options.format !== undefined && options.plot !== true) throw new UsageError('--format: the formats of the plots --plot writes; add --plot');
  const formats = chartFormats(options.format);
  const overrides = [...options.set];
  if (options.seed !== undefined) {
    if (!/^\d+$/.test(options.seed)) throw new UsageError(`--seed: expected an integer >= 0, found '${options.seed}'`);
    overrides.push(`seed=${options.seed}`);
  }
  const trace = traceOverride(options.trace);
  if (trace !== null) overrides.push(trace);
  const log = (line: string): void => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const progress = new ProgressLine(options.quiet);
  const result = executeRun({
    scenarioFile,
    overrides,
    outDir: options.out,
    force: options.force === true,
    code: codeVersion(),
    commandLine: lucCommandLine(argv),
    // Warnings are about the input: shown even with --quiet.
    onWarning: (warning) => process.stderr.write(`warning: ${printable(warning)}\n`),
    onPhase: (phase) => progress.phase(phase),
    onStart: (scenario) => {
      progress.startRun();
      log(`luc run ${scenario.name}: seed ${scenario.seed}, ${scenario.durationS} s virtual`);
    },
    onProgress: (p, scenario) => progress.update(p.virtualS, scenario.durationS, p.events),
  });
  progress.done();
  const shown = relative(process.cwd(), result.outDir) || '.';
  const traced = result.scenario.trace === undefined ? '' : ',trace.jsonl';
  log(`wrote ${shown}/{metrics.csv,summary.json,scenario.json${traced}} in ${result.wallTimeS.toFixed(2)} s wall`);
  if (options.plot === true) {
    for (const file of writeDefaultPlots(result.outDir, formats)) log(`wrote ${relative(process.cwd(), file) || file}`);
  }
  return result;
}

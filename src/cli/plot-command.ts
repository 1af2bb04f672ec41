/**
 * `luc plot` (charts of results and sweep folders; `luc map` is map-command.ts). Thin: parse,
 * call src/plot/, map errors to exit codes.
 */
import type { Command } from 'commander';
import { writeChartFiles, type ChartFormat } from '../plot/chart-formats.js';
import { writeDefaultPlotFiles } from '../plot/default-plots.js';
import { PlotInputError } from '../plot/errors.js';
import { plotFiles } from '../plot/plot-set.js';
import { timelineFiles } from '../plot/timeline-files.js';
import { isRunFolder } from '../plot/run-folder.js';
import { X_SCALES, type XScale } from '../plot/x-scale.js';
import { reportError, UsageError } from './exit-codes.js';
import { chartFormats, FORMAT_HELP, FORMAT_OPTION } from './format-option.js';
import { registerMapCommand } from './map-command.js';

/** Plot input errors are the user's: exit code 2 with the message naming the path. */
function asUsage<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof PlotInputError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The default charts of one run, written next to its metrics.csv: convergence of the default
 * metrics, CDF of per-node errors, and map.svg for a run on a backbone. Returns the paths.
 * Throws UsageError on bad input (for `luc run --plot`).
 */
export function writeDefaultPlots(resultsDir: string, formats: readonly ChartFormat[] = ['svg']): string[] {
  return asUsage(() => writeDefaultPlotFiles(resultsDir, formats));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function attempt(action: () => void): void {
  try {
    asUsage(action);
  } catch (error) {
    process.exitCode = reportError(error, undefined);
  }
}

/** One label per RESULTS argument, or none. */
function labelsOption(labels: readonly string[], inputCount: number): readonly string[] | undefined {
  if (labels.length === 0) return undefined;
  if (labels.length !== inputCount) {
    throw new UsageError(`--label: given ${labels.length} time${labels.length === 1 ? '' : 's'} for ${inputCount} RESULTS argument${inputCount === 1 ? '' : 's'}; expected one label per argument, in order`);
  }
  const blank = labels.findIndex((label) => label.trim() === '');
  if (blank >= 0) throw new UsageError(`--label: label ${blank + 1} is empty; expected a name for the legend`);
  return labels;
}

function xScaleOption(value: string | undefined): XScale | undefined {
  if (value === undefined) return undefined;
  if (!(X_SCALES as readonly string[]).includes(value)) throw new UsageError(`--x-scale: expected one of ${X_SCALES.join(', ')}, found '${value}'`);
  return value as XScale;
}

export function registerPlotCommands(program: Command): void {
  program
    .command('plot')
    .argument('<results...>', 'results folders (from luc run) and sweep folders (with sweep.json)')
    .option('--out <dir>', 'folder for the SVG files (default: the folder given, or plots/ for several)')
    .option('--metric <name>', "a metric to chart (repeatable; default: each protocol's headline metrics present, else messages.sent)", collect, [])
    .option('--x <metric>', 'draw the --metric charts against this cumulative count (e.g. routing.requests) instead of virtual time')
    .option(FORMAT_OPTION, FORMAT_HELP)
    .option('--timeline', "draw each run's timeline instead (timeline.svg): a Gantt chart of migrations and DVMS partitions from its trace.jsonl (luc run --trace)", false)
    .option('--label <name>', 'legend label of each RESULTS argument, in order (repeatable, one per argument; runs with one label are one group; default: what differs between the runs)', collect, [])
    .option('--x-scale <scale>', `x axis of sweep charts: ${X_SCALES.join(' or ')} (default: log when the swept values are positive and grow geometrically, x2 or more per step)`)
    .description('SVG charts: convergence over virtual time (bands across seeds), learning curves, CDF of per-node errors, sweep means with 95% CIs')
    .action((inputs: string[], options: { out?: string; metric: string[]; x?: string; timeline: boolean; label: string[]; xScale?: string; format?: string }) =>
      attempt(() => {
        const formats = chartFormats(options.format);
        const outDir = options.out ?? (inputs.length === 1 ? inputs[0] : 'plots');
        if (options.x !== undefined && options.metric.length === 0) throw new UsageError('--x needs at least one --metric to draw against it');
        if (options.timeline && (options.metric.length > 0 || options.x !== undefined)) throw new UsageError('--timeline draws the trace, not metrics: leave out --metric and --x');
        if (options.timeline && (options.label.length > 0 || options.xScale !== undefined)) throw new UsageError('--timeline draws one chart per run: leave out --label and --x-scale');
        const labels = labelsOption(options.label, inputs.length);
        const xScale = xScaleOption(options.xScale);
        const files = options.timeline ? timelineFiles(inputs) : plotFiles(inputs, options.metric, options.x, { labels, xScale });
        for (const path of writeChartFiles(outDir, files, formats)) process.stdout.write(`${path}\n`);
      }),
    );

  registerMapCommand(program);
}

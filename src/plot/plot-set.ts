/**
 * Which charts a set of inputs gives, and their file names: convergence and CDF charts for
 * results folders (compared on one chart each), sweep charts for sweep folders.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cdfSvg } from './cdf-chart.js';
import { convergenceSvg } from './convergence-chart.js';
import { PlotInputError } from './errors.js';
import { isRunFolder, readRunFolder, seriesOf, type RunFolder } from './run-folder.js';
import { groupRuns } from './run-groups.js';
import { sweepSvg } from './sweep-chart.js';
import { isSweepFolder, readSweepFolder, sweepRunFolders, sweepMetrics, type SweepFolder } from './sweep-folder.js';

export const DEFAULT_METRICS = ['vivaldi.median_rel_error', 'vivaldi.p90_rel_error'] as const;
export const FALLBACK_METRIC = 'messages.sent';
export const NODE_ERROR_METRIC = 'vivaldi.node_median_rel_error';

export interface PlotFile {
  /** File name, e.g. `convergence-vivaldi.median_rel_error.svg`. */
  readonly name: string;
  readonly svg: string;
}

/** The charts for `inputs` (results or sweep folders); `metrics` empty = the defaults. */
export function plotFiles(inputs: readonly string[], metrics: readonly string[]): PlotFile[] {
  const runs: RunFolder[] = [];
  const sweeps: SweepFolder[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const key = resolve(input);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!existsSync(input)) throw new PlotInputError(input, 'no such folder');
    if (!statSync(input).isDirectory()) throw new PlotInputError(input, 'expected a results folder (from `luc run`) or a sweep folder, found a file');
    if (isSweepFolder(input)) {
      const sweep = readSweepFolder(input);
      // A seeds-only sweep has no parameter to plot against: show its runs, a band across seeds.
      if (sweep.params.length === 0) runs.push(...sweepRunFolders(input).map(readRunFolder));
      else sweeps.push(sweep);
    }
    else if (isRunFolder(input)) runs.push(readRunFolder(input));
    else throw new PlotInputError(input, 'not a results folder (no metrics.csv) nor a sweep folder (no sweep.json)');
  }
  const files: PlotFile[] = [];
  if (runs.length > 0) files.push(...runPlots(runs, metrics));
  for (const sweep of sweeps) {
    const prefix = sweeps.length > 1 ? `${safeName(basename(resolve(sweep.dir)))}-` : '';
    const chosen = metrics.length > 0 ? metrics : defaultMetrics((m) => sweepMetrics(sweep).includes(m));
    for (const metric of chosen) {
      for (const param of sweep.params) files.push({ name: `${prefix}sweep-${safeName(metric)}-vs-${safeName(param)}.svg`, svg: sweepSvg(sweep, metric, param) });
    }
  }
  return files;
}

function runPlots(runs: readonly RunFolder[], metrics: readonly string[]): PlotFile[] {
  const groups = groupRuns(runs);
  const files: PlotFile[] = [];
  const global = (metric: string): boolean => runs.every((run) => run.series.has(metric));
  const perNode = (metric: string): boolean => runs.every((run) => run.nodeValues.has(metric));
  if (metrics.length === 0) {
    for (const metric of defaultMetrics(global)) files.push({ name: `convergence-${safeName(metric)}.svg`, svg: convergenceSvg(groups, metric) });
    if (perNode(NODE_ERROR_METRIC)) files.push({ name: `cdf-${safeName(NODE_ERROR_METRIC)}.svg`, svg: cdfSvg(groups, NODE_ERROR_METRIC) });
    return files;
  }
  for (const metric of metrics) {
    if (perNode(metric) && !global(metric)) {
      files.push({ name: `cdf-${safeName(metric)}.svg`, svg: cdfSvg(groups, metric) });
      continue;
    }
    for (const run of runs) seriesOf(run, metric); // names the first run that lacks it
    files.push({ name: `convergence-${safeName(metric)}.svg`, svg: convergenceSvg(groups, metric) });
  }
  return files;
}

/** The Vivaldi error metrics when present, else messages.sent. */
function defaultMetrics(present: (metric: string) => boolean): string[] {
  const found = DEFAULT_METRICS.filter(present);
  return found.length > 0 ? [...found] : [FALLBACK_METRIC];
}

/** Keep file names portable: anything but letters, digits, dot, dash and underscore -> '_'. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Write the files into `outDir` (created if needed); returns their paths, in order. */
export function writePlotFiles(outDir: string, files: readonly PlotFile[]): string[] {
  mkdirSync(outDir, { recursive: true });
  return files.map((file) => {
    const path = join(outDir, file.name);
    writeFileSync(path, file.svg);
    return path;
  });
}

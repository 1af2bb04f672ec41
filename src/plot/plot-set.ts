/**
 * Which charts a set of inputs gives, and their file names: convergence and CDF charts for
 * results folders (compared on one chart each), sweep charts for sweep folders.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { cdfSvg } from './cdf-chart.js';
import { convergenceSvg } from './convergence-chart.js';
import { PlotInputError } from './errors.js';
import { isRunFolder, readRunFolder, seriesOf, type RunFolder } from './run-folder.js';
import { groupRuns } from './run-groups.js';
import { sweepSvg } from './sweep-chart.js';
import { isSweepFolder, readSweepFolder, sweepRunFolders, sweepMetrics, type SweepFolder } from './sweep-folder.js';
import type { XScale } from './x-scale.js';

export interface ChartSpec {
  readonly metric: string;
  /** A cumulative count to draw the metric against (a learning curve); absent = virtual time. */
  readonly x?: string;
  /** Charted by default only for runs with faults or churn (a resilience run's losses). */
  readonly faultsOnly?: boolean;
}

/**
 * The headline metrics of each protocol, charted by default when every run given has them:
 * Vivaldi's error over time, the learning curves of the spiral (over searches made) and of
 * routing (over requests served), the overlays' lookup success, the failure detector's latency,
 * a cloud's violations, time to resolve them, migrations and energy, and what crashes cost
 * (VMs and VEs lost; messages lost in a run with faults or churn).
 */
export const DEFAULT_CHARTS: readonly ChartSpec[] = [
  { metric: 'vivaldi.median_rel_error' },
  { metric: 'vivaldi.p90_rel_error' },
  { metric: 'spiral.median_excess_ms', x: 'spiral.searches' },
  { metric: 'spiral.recall_at_10', x: 'spiral.searches' },
  { metric: 'routing.mean_hops', x: 'routing.requests' },
  { metric: 'routing.median_stretch', x: 'routing.requests' },
  { metric: 'routing.delivered_share' },
  { metric: 'chord.lookup_success' },
  { metric: 'chord.mean_hops' },
  { metric: 'can.lookup_success' },
  { metric: 'vmindex.success_share' },
  { metric: 'vmindex.median_latency_ms' },
  { metric: 'detector.median_latency_ms' },
  { metric: 'cloud.violations' },
  { metric: 'cloud.resolve_s_mean' },
  { metric: 'cloud.migrations' },
  { metric: 'cloud.energy_kwh' },
  { metric: 'cloud.vms_lost' },
  { metric: 'cloud.ves_lost' },
  { metric: 'services.replicas.full_share' },
  { metric: 'messages.lost', faultsOnly: true },
];
export const FALLBACK_METRIC = 'messages.sent';
export const NODE_ERROR_METRIC = 'vivaldi.node_median_rel_error';

export interface PlotFile {
  /** File name, e.g. `convergence-vivaldi.median_rel_error.svg`. */
  readonly name: string;
  readonly svg: string;
}

export interface PlotOptions {
  /** One legend label per input, in order (`--label`); absent = labels from what differs. */
  readonly labels?: readonly string[];
  /** The x scale of sweep charts (`--x-scale`); absent = chosen from the swept values. */
  readonly xScale?: XScale;
}

/**
 * The charts for `inputs` (results or sweep folders); `metrics` empty = the defaults; `xMetric`
 * draws each asked-for metric of runs against that cumulative count rather than time.
 */
export function plotFiles(inputs: readonly string[], metrics: readonly string[], xMetric?: string, options: PlotOptions = {}): PlotFile[] {
  if (options.labels !== undefined && options.labels.length !== inputs.length) {
    throw new Error(`plotFiles: ${options.labels.length} labels for ${inputs.length} inputs`);
  }
  const runs: RunFolder[] = [];
  const runLabels: string[] = [];
  const sweeps: { sweep: SweepFolder; label?: string }[] = [];
  const seen = new Set<string>();
  inputs.forEach((input, i) => {
    const key = resolve(input);
    if (seen.has(key)) return;
    seen.add(key);
    const label = options.labels?.[i];
    if (!existsSync(input)) throw new PlotInputError(input, 'no such folder');
    if (!statSync(input).isDirectory()) throw new PlotInputError(input, 'expected a results folder (from `luc run`) or a sweep folder, found a file');
    const added: RunFolder[] = [];
    if (isSweepFolder(input)) {
      const sweep = readSweepFolder(input);
      // A seeds-only sweep has no parameter to plot against: show its runs, a band across seeds.
      if (sweep.params.length === 0) added.push(...sweepRunFolders(input).map(readRunFolder));
      else sweeps.push({ sweep, label });
    }
    else if (isRunFolder(input)) added.push(readRunFolder(input));
    else throw new PlotInputError(input, 'not a results folder (no metrics.csv) nor a sweep folder (no sweep.json)');
    runs.push(...added);
    if (label !== undefined) runLabels.push(...added.map(() => label));
  });
  if (options.xScale !== undefined && sweeps.length === 0) {
    throw new PlotInputError('--x-scale', `sets the x axis of sweep charts, and no sweep folder with swept parameters is given (${inputs.join(', ')})`);
  }
  const files: PlotFile[] = [];
  if (runs.length > 0) files.push(...runPlots(runs, metrics, xMetric, options.labels === undefined ? undefined : runLabels));
  for (const { sweep, label } of sweeps) {
    const prefix = sweeps.length > 1 ? `${safeName(basename(resolve(sweep.dir)))}-` : '';
    const chosen = metrics.length > 0 ? metrics : defaultMetrics((m) => sweepMetrics(sweep).includes(m), false).map((c) => c.metric);
    for (const metric of chosen) {
      for (const param of sweep.params) {
        files.push({ name: `${prefix}sweep-${safeName(metric)}-vs-${safeName(param)}.svg`, svg: sweepSvg(sweep, metric, param, { xScale: options.xScale, label }) });
      }
    }
  }
  return files;
}

function runPlots(runs: readonly RunFolder[], metrics: readonly string[], xMetric: string | undefined, labels: readonly string[] | undefined): PlotFile[] {
  const groups = groupRuns(runs, labels);
  const files: PlotFile[] = [];
  const global = (metric: string): boolean => runs.every((run) => run.series.has(metric));
  const perNode = (metric: string): boolean => runs.every((run) => run.nodeValues.has(metric));
  if (metrics.length === 0) {
    const faulted = runs.some(hasFaults);
    for (const chart of defaultMetrics(global, faulted)) files.push(chartFile(groups, chart.metric, chart.x));
    if (perNode(NODE_ERROR_METRIC)) files.push({ name: `cdf-${safeName(NODE_ERROR_METRIC)}.svg`, svg: cdfSvg(groups, NODE_ERROR_METRIC) });
    return files;
  }
  for (const metric of metrics) {
    if (perNode(metric) && !global(metric)) {
      files.push({ name: `cdf-${safeName(metric)}.svg`, svg: cdfSvg(groups, metric) });
      continue;
    }
    for (const run of runs) {
      seriesOf(run, metric); // names the first run that lacks it
      if (xMetric !== undefined) seriesOf(run, xMetric);
    }
    files.push(chartFile(groups, metric, xMetric));
  }
  return files;
}

function chartFile(groups: ReturnType<typeof groupRuns>, metric: string, xMetric: string | undefined): PlotFile {
  if (xMetric === undefined) return { name: `convergence-${safeName(metric)}.svg`, svg: convergenceSvg(groups, metric) };
  return { name: `learning-${safeName(metric)}-vs-${safeName(xMetric)}.svg`, svg: convergenceSvg(groups, metric, xMetric) };
}

/** The default charts whose metrics (and x counts) are present, else messages.sent over time. */
function defaultMetrics(present: (metric: string) => boolean, faulted: boolean): ChartSpec[] {
  const found = DEFAULT_CHARTS.filter((c) => present(c.metric) && (c.x === undefined || present(c.x)) && (faulted || c.faultsOnly !== true));
  return found.length > 0 ? [...found] : [{ metric: FALLBACK_METRIC }];
}

/** A run whose scenario has faults or churn. */
function hasFaults(run: RunFolder): boolean {
  const faults = run.scenario.faults;
  return (Array.isArray(faults) && faults.length > 0) || (run.scenario.churn !== undefined && run.scenario.churn !== null);
}

/** Keep file names portable: anything but letters, digits, dot, dash and underscore -> '_'. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

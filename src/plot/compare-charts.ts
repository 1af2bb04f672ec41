/**
 * The charts of `luc compare`: for each metric, the live run's curve over the simulated twins'
 * (one line for one seed; with several, their min-max band and mean), on the time axis both
 * share (virtual seconds in simulation, wall seconds since the start barrier live).
 */
import { convergenceSvg, type TimeAxis } from './convergence-chart.js';
import type { PlotFile } from './plot-set.js';
import { readRunFolder } from './run-folder.js';

/** Virtual seconds in simulation, wall-clock seconds since the start barrier live. */
const SHARED_TIME: TimeAxis = { label: 'time since the start (s): virtual simulated, wall clock live', title: 'time, simulated and live' };

export interface CompareChartInput {
  /** The twins' results folders (the live run's own seed first). */
  readonly simDirs: readonly string[];
  readonly liveDir: string;
  /** e.g. `live (testbed, 16 agents)` */
  readonly liveLabel: string;
  /** The metrics to draw; those a run lacks are skipped. */
  readonly metrics: readonly string[];
}

/** `compare-<metric>.svg` for each metric that the live run and every twin recorded. */
export function compareCharts(input: CompareChartInput): PlotFile[] {
  const sims = input.simDirs.map(readRunFolder);
  const live = readRunFolder(input.liveDir);
  const groups = [
    { label: 'simulated twin', runs: sims },
    { label: input.liveLabel, runs: [live] },
  ];
  return input.metrics
    .filter((metric) => [live, ...sims].every((run) => run.series.has(metric)))
    .map((metric) => ({ name: `compare-${metric}.svg`, svg: convergenceSvg(groups, metric, undefined, SHARED_TIME) }));
}

/** The default charts of one run, written next to its metrics.csv (for `luc run --plot`). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadMapData } from './map-data.js';
import { mapSvg } from './map-chart.js';
import { writeChartFiles, type ChartFormat } from './chart-formats.js';
import { plotFiles, type PlotFile } from './plot-set.js';
import { readJson } from './run-folder.js';
import { timelineFiles } from './timeline-files.js';
import { hasTrace } from './trace-file.js';

export const MAP_FILE = 'map.svg';

/**
 * Convergence charts of the default metrics, the CDF of per-node errors, for a run on a
 * backbone its map (geography beside the Vivaldi coordinates; a matrix run's Vivaldi plane), and for a traced run its
 * timeline of migrations and partitions. Returns the paths written.
 * Throws PlotInputError on a folder that is not a run or lacks what a chart needs.
 */
export function defaultPlotFiles(resultsDir: string): PlotFile[] {
  const files = plotFiles([resultsDir], []);
  const topology = readJson(join(resultsDir, 'scenario.json')).topology as { kind?: unknown } | undefined;
  const geographic = topology?.kind === 'graphml' || topology?.kind === 'generate';
  // A run over an RTT matrix has no geography: its map is the Vivaldi plane, when it has one.
  if (geographic || (topology?.kind === 'matrix' && existsSync(join(resultsDir, 'coordinates.csv')))) files.push({ name: MAP_FILE, svg: mapSvg(loadMapData(resultsDir)) });
  if (hasTrace(resultsDir)) files.push(...timelineFiles([resultsDir]));
  return files;
}

export function writeDefaultPlotFiles(resultsDir: string, formats: readonly ChartFormat[] = ['svg']): string[] {
  return writeChartFiles(resultsDir, defaultPlotFiles(resultsDir), formats);
}

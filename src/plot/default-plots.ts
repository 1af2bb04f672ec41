/** The default charts of one run, written next to its metrics.csv (for `luc run --plot`). */
import { join } from 'node:path';
import { loadMapData } from './map-data.js';
import { mapSvg } from './map-chart.js';
import { plotFiles, writePlotFiles, type PlotFile } from './plot-set.js';
import { readJson } from './run-folder.js';
import { timelineFiles } from './timeline-files.js';
import { hasTrace } from './trace-file.js';

export const MAP_FILE = 'map.svg';

/**
 * Convergence charts of the default metrics, the CDF of per-node errors, for a run on a
 * backbone its map (geography beside the Vivaldi coordinates), and for a traced run its
 * timeline of migrations and partitions. Returns the paths written.
 * Throws PlotInputError on a folder that is not a run or lacks what a chart needs.
 */
export function defaultPlotFiles(resultsDir: string): PlotFile[] {
  const files = plotFiles([resultsDir], []);
  const topology = readJson(join(resultsDir, 'scenario.json')).topology as { kind?: unknown } | undefined;
  if (topology?.kind === 'graphml' || topology?.kind === 'generate') files.push({ name: MAP_FILE, svg: mapSvg(loadMapData(resultsDir)) });
  if (hasTrace(resultsDir)) files.push(...timelineFiles([resultsDir]));
  return files;
}

export function writeDefaultPlotFiles(resultsDir: string): string[] {
  return writePlotFiles(resultsDir, defaultPlotFiles(resultsDir));
}

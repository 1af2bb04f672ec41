/** `luc plot --timeline RUN...`: one timeline.svg per run, from its trace.jsonl. */
import { basename, resolve } from 'node:path';
import { PlotInputError } from './errors.js';
import type { PlotFile } from './plot-set.js';
import { isRunFolder, readJson } from './run-folder.js';
import { timelineSvg } from './timeline-chart.js';
import { readTrace } from './trace-file.js';

export const TIMELINE_FILE = 'timeline.svg';

/** `timeline.svg` for one run; `timeline-<folder>.svg` each for several. */
export function timelineFiles(runDirs: readonly string[]): PlotFile[] {
  return runDirs.map((dir) => {
    if (!isRunFolder(dir)) throw new PlotInputError(dir, 'not a results folder (no metrics.csv): --timeline draws a run\'s trace.jsonl');
    const scenario = readJson(`${dir}/scenario.json`);
    const durationS = Number(scenario.durationS);
    if (!(durationS > 0)) throw new PlotInputError(`${dir}/scenario.json`, `field 'durationS': expected a number > 0, found ${JSON.stringify(scenario.durationS)}`);
    const label = `${String(scenario.name)} seed ${String(scenario.seed)}`;
    const name = runDirs.length === 1 ? TIMELINE_FILE : `timeline-${basename(resolve(dir)).replace(/[^A-Za-z0-9._-]/g, '_')}.svg`;
    return { name, svg: timelineSvg(readTrace(dir), durationS, label) };
  });
}

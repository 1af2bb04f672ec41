/** The empirical CDF of a per-node metric at the end of each run: one curve per run. */
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import { PlotInputError } from './errors.js';
import { legendPart, seriesColour, type LegendEntry } from './legend.js';
import type { RunFolder } from './run-folder.js';
import { commonSeed, runsWord, type RunGroup } from './run-groups.js';
import { composeSvg, partOf, plotDocument } from './svg.js';

const WIDTH_PX = 760;
const HEIGHT_PX = 420;

interface CdfPoint {
  readonly key: string;
  readonly colour: string;
  readonly value: number;
  readonly share: number;
}

/** The run's per-node values of `metric`, sorted ascending (NaN left out). */
export function nodeValuesOf(run: RunFolder, metric: string): number[] {
  const values = run.nodeValues.get(metric);
  if (values === undefined) {
    const known = [...run.nodeValues.keys()].sort();
    throw new PlotInputError(
      join(run.dir, 'metrics.csv'),
      `no per-node metric '${metric}' (per-node metrics here: ${known.length === 0 ? 'none' : known.join(', ')})`,
    );
  }
  return [...values.values()].filter(Number.isFinite).sort((a, b) => a - b);
}

export function cdfSvg(groups: readonly RunGroup[], metric: string): string {
  const points: CdfPoint[] = [];
  groups.forEach((group, g) => {
    for (const run of group.runs) {
      const values = nodeValuesOf(run, metric);
      values.forEach((value, i) => points.push({ key: run.dir, colour: seriesColour(g), value, share: (i + 1) / values.length }));
    }
  });
  const chart = Plot.plot({
    document: plotDocument(),
    width: WIDTH_PX,
    height: HEIGHT_PX,
    marginLeft: 60,
    marginRight: 20,
    x: { label: `${metric} (per node, at the end)`, grid: true, zero: true },
    y: { label: 'fraction of nodes', grid: true, domain: [0, 1] },
    color: { type: 'identity' },
    marks: [
      Plot.ruleY([0.5], { stroke: '#999', strokeDasharray: '3,3' }),
      Plot.line(points, { x: 'value', y: 'share', z: 'key', stroke: 'colour', strokeWidth: 1.8 }),
    ],
  }) as unknown as Element;
  const entries: LegendEntry[] = groups.map((group, g) => ({
    label: group.runs.length === 1 ? group.label : `${group.label} (${runsWord(group)}, one curve each)`,
    colour: seriesColour(g),
    shape: 'line',
  }));
  const runCount = groups.reduce((sum, g) => sum + g.runs.length, 0);
  const nodes = groups[0]?.runs[0] === undefined ? 0 : nodeValuesOf(groups[0].runs[0], metric).length;
  return composeSvg(
    `CDF of ${metric}`,
    `${runCount} run${runCount === 1 ? '' : 's'}${commonSeed(groups.flatMap((g) => g.runs))}, ${nodes} nodes in the first; dashed = median node`,
    [
      { part: partOf(chart, WIDTH_PX, HEIGHT_PX), x: 0, y: 0 },
      { part: legendPart(entries, WIDTH_PX), x: 0, y: HEIGHT_PX },
    ],
  );
}

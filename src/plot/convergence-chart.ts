/**
 * A metric over virtual time: one line per run; runs of one scenario that differ only by seed
 * are drawn as a min-max band across seeds and their mean line. Timed faults are shaded.
 * With `xMetric` (a cumulative count such as spiral.searches or routing.requests), a learning
 * curve instead: the metric against that count at the same sampling times, one line per run.
 */
import * as Plot from '@observablehq/plot';
import { axisLabel, chartTitle, isCumulative, kindNote } from '../metrics/metric-info.js';
import { mean } from '../metrics/stats.js';
import { faultWindows, type FaultWindow } from './fault-windows.js';
import { legendPart, seriesColour, type LegendEntry } from './legend.js';
import { seriesOf, type MetricPoint } from './run-folder.js';
import type { RunGroup } from './run-groups.js';
import { composeSvg, partOf, plotDocument } from './svg.js';

const WIDTH_PX = 760;
const HEIGHT_PX = 420;

interface LinePoint {
  readonly key: string;
  readonly colour: string;
  readonly timeS: number;
  readonly value: number;
}

interface BandPoint {
  readonly key: string;
  readonly colour: string;
  readonly timeS: number;
  readonly min: number;
  readonly max: number;
}

/** The time axis: its label and the words of the title after "over". */
export interface TimeAxis {
  readonly label: string;
  readonly title: string;
}

const VIRTUAL_TIME: TimeAxis = { label: 'virtual time (s)', title: 'virtual time' };

export function convergenceSvg(groups: readonly RunGroup[], metric: string, xMetric?: string, time: TimeAxis = VIRTUAL_TIME): string {
  if (xMetric !== undefined) return learningSvg(groups, metric, xMetric);
  const lines: LinePoint[] = [];
  const bands: BandPoint[] = [];
  groups.forEach((group, g) => {
    const colour = seriesColour(g);
    const perRun = group.runs.map((run) => fromZero(metric, seriesOf(run, metric)));
    if (group.runs.length === 1) {
      for (const p of perRun[0]) lines.push({ key: group.runs[0].dir, colour, timeS: p.timeS, value: p.value });
      return;
    }
    for (const [timeS, values] of valuesByTime(perRun)) {
      const finite = values.filter(Number.isFinite);
      if (finite.length === 0) continue;
      lines.push({ key: `group-${g}`, colour, timeS, value: mean(finite) });
      bands.push({ key: `group-${g}`, colour, timeS, min: Math.min(...finite), max: Math.max(...finite) });
    }
  });
  const runs = groups.flatMap((g) => g.runs);
  const windows = faultWindows(runs);
  const xMax = Math.max(0, ...runs.map((run) => Number(run.scenario.durationS)).filter(Number.isFinite), ...lines.map((p) => p.timeS));
  const chart = Plot.plot({
    document: plotDocument(),
    width: WIDTH_PX,
    height: HEIGHT_PX,
    marginLeft: 60,
    marginRight: 20,
    x: { label: time.label, grid: true, domain: [0, xMax] },
    // Room above the curves for the fault labels' two lanes.
    y: { label: axisLabel(metric), grid: true, zero: true, insetTop: windows.length > 0 ? 30 : 0 },
    color: { type: 'identity' },
    marks: [
      Plot.rectX(windows, { x1: 'startS', x2: 'endS', fill: '#000', fillOpacity: 0.06 }),
      Plot.areaY(bands, { x: 'timeS', y1: 'min', y2: 'max', z: 'key', fill: 'colour', fillOpacity: 0.22 }),
      Plot.line(lines, { x: 'timeS', y: 'value', z: 'key', stroke: 'colour', strokeWidth: 2 }),
      ...faultLabelMarks(windows, xMax),
    ],
  }) as unknown as Element;
  const entries: LegendEntry[] = groups.map((group, g) => ({
    label: group.runs.length === 1 ? `${group.label} (seed ${group.runs[0].seed})` : `${group.label} (mean of ${group.runs.length} seeds)`,
    colour: seriesColour(g),
    shape: 'line',
  }));
  const legend = legendPart(entries, WIDTH_PX);
  const banded = groups.some((g) => g.runs.length > 1);
  const note = kindNote(metric);
  const subtitle = [
    `${runs.length} run${runs.length === 1 ? '' : 's'} over virtual time`,
    ...(note === '' ? [] : [note]),
    ...(banded ? ['band = min–max across seeds, line = their mean'] : []),
    ...(windows.length > 0 ? ['shaded = fault windows'] : []),
  ].join('; ');
  return composeSvg(time === VIRTUAL_TIME ? chartTitle(metric) : `${chartTitle(metric)} (over ${time.title})`, subtitle, [
    { part: partOf(chart, WIDTH_PX, HEIGHT_PX), x: 0, y: 0 },
    { part: legend, x: 0, y: HEIGHT_PX },
  ]);
}

interface XyPoint {
  readonly key: string;
  readonly colour: string;
  readonly x: number;
  readonly y: number;
}

function learningSvg(groups: readonly RunGroup[], metric: string, xMetric: string): string {
  const points: XyPoint[] = [];
  groups.forEach((group, g) => {
    const colour = seriesColour(g);
    for (const run of group.runs) {
      const xAt = new Map(seriesOf(run, xMetric).map((p) => [p.timeS, p.value]));
      for (const p of seriesOf(run, metric)) {
        const x = xAt.get(p.timeS);
        if (x !== undefined && Number.isFinite(x) && Number.isFinite(p.value)) points.push({ key: run.dir, colour, x, y: p.value });
      }
    }
  });
  const chart = Plot.plot({
    document: plotDocument(),
    width: WIDTH_PX,
    height: HEIGHT_PX,
    marginLeft: 60,
    marginRight: 20,
    x: { label: axisLabel(xMetric), grid: true },
    y: { label: axisLabel(metric), grid: true, zero: true },
    color: { type: 'identity' },
    marks: [Plot.line(points, { x: 'x', y: 'y', z: 'key', stroke: 'colour', strokeWidth: 2 }), Plot.dot(points, { x: 'x', y: 'y', fill: 'colour', r: 2 })],
  }) as unknown as Element;
  const entries: LegendEntry[] = groups.map((group, g) => ({
    label: group.runs.length === 1 ? `${group.label} (seed ${group.runs[0].seed})` : `${group.label} (${group.runs.length} seeds, one line each)`,
    colour: seriesColour(g),
    shape: 'line',
  }));
  const runs = groups.flatMap((g) => g.runs);
  return composeSvg(`${metric} against ${xMetric}`, `${chartTitle(metric)}; ${runs.length} run${runs.length === 1 ? '' : 's'}; one point per metric interval`, [
    { part: partOf(chart, WIDTH_PX, HEIGHT_PX), x: 0, y: 0 },
    { part: legendPart(entries, WIDTH_PX), x: 0, y: HEIGHT_PX },
  ]);
}

/**
 * Fault labels at the top of their windows, in two lanes (windows in start order alternate) so
 * neighbours do not overlap; a window starting past 70% of the axis has its label end at its
 * end, inside the chart; a white halo keeps a label readable over a curve.
 */
function faultLabelMarks(windows: readonly FaultWindow[], xMax: number): Plot.Markish[] {
  const placed = [...windows].sort((a, b) => a.startS - b.startS || a.label.localeCompare(b.label)).map((w, i) => ({ ...w, lane: i % 2, late: w.startS > 0.7 * xMax }));
  return [0, 1].flatMap((lane) =>
    [false, true].map((late) =>
      Plot.text(
        placed.filter((w) => w.lane === lane && w.late === late),
        { x: late ? 'endS' : 'startS', frameAnchor: 'top', text: 'label', textAnchor: late ? 'end' : 'start', dx: late ? -3 : 3, dy: 4 + 13 * lane, fill: '#555', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' },
      ),
    ),
  );
}

/**
 * A counter or a cumulated amount is 0 at time 0: a series that starts later (a counter is
 * written from its first event on) gets that first point, so its curve starts at the origin.
 */
export function fromZero(metric: string, points: readonly MetricPoint[]): readonly MetricPoint[] {
  if (!isCumulative(metric) || points.length === 0 || points[0].timeS <= 0) return points;
  return [{ timeS: 0, value: 0 }, ...points];
}

/** time -> the runs' values at that time, in time order. */
function valuesByTime(perRun: readonly (readonly { timeS: number; value: number }[])[]): [number, number[]][] {
  const byTime = new Map<number, number[]>();
  for (const points of perRun) {
    for (const { timeS, value } of points) {
      const values = byTime.get(timeS) ?? [];
      values.push(value);
      byTime.set(timeS, values);
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * A metric over virtual time: one line per run; runs of one scenario that differ only by seed
 * are drawn as a min-max band across seeds and their mean line. Timed faults are shaded.
 * With `xMetric` (a cumulative count such as spiral.searches or routing.requests), a learning
 * curve instead: the metric against that count at the same sampling times, one line per run.
 */
import * as Plot from '@observablehq/plot';
import { axisLabel, chartTitle, isCumulative, kindNote } from '../metrics/metric-info.js';
import { mean } from '../metrics/stats.js';
import { faultLabelMarks, placeFaultLabels } from './fault-labels.js';
import { faultWindows } from './fault-windows.js';
import { legendPart, seriesColour, type LegendEntry } from './legend.js';
import { seriesOf, type MetricPoint } from './run-folder.js';
import { commonSeed, runsWord, type RunGroup } from './run-groups.js';
import { composeSvg, partOf, plotDocument } from './svg.js';
import { wrapClauses } from './text-width.js';

const WIDTH_PX = 760;
const HEIGHT_PX = 420;
const MARGIN_LEFT_PX = 60;
const MARGIN_RIGHT_PX = 20;
/** composeSvg's subtitle font size, px. */
const SUBTITLE_FONT_PX = 11;

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
  const windows = faultWindows(groups);
  const xMax = Math.max(0, ...runs.map((run) => Number(run.scenario.durationS)).filter(Number.isFinite), ...lines.map((p) => p.timeS));
  const labels = placeFaultLabels(windows, groups, { xMax, leftPx: MARGIN_LEFT_PX, rightPx: WIDTH_PX - MARGIN_RIGHT_PX });
  // A count known at each sample changed somewhere since the one before: drawn as a step at the
  // sample that saw it, not as a ramp that would date a crash's losses before the crash.
  const curve = isCumulative(metric) ? 'step-after' : 'linear';
  const chart = Plot.plot({
    document: plotDocument(),
    width: WIDTH_PX,
    height: HEIGHT_PX,
    marginLeft: MARGIN_LEFT_PX,
    marginRight: MARGIN_RIGHT_PX,
    x: { label: time.label, grid: true, domain: [0, xMax] },
    // Room above the curves for the fault labels' lanes.
    y: { label: axisLabel(metric), grid: true, zero: true, insetTop: labels.insetTopPx },
    color: { type: 'identity' },
    marks: [
      Plot.rectX(windows, { x1: 'startS', x2: 'endS', fill: (w: (typeof windows)[number]) => (w.group === null ? '#000' : seriesColour(w.group)), fillOpacity: (w: (typeof windows)[number]) => (w.group === null ? 0.06 : 0.1) }),
      Plot.areaY(bands, { x: 'timeS', y1: 'min', y2: 'max', z: 'key', fill: 'colour', fillOpacity: 0.22, curve }),
      Plot.line(lines, { x: 'timeS', y: 'value', z: 'key', stroke: 'colour', strokeWidth: 2, curve }),
      ...faultLabelMarks(labels.placed),
    ],
  }) as unknown as Element;
  const entries: LegendEntry[] = groups.map((group, g) => ({
    label: group.runs.length === 1 ? group.label : `${group.label} (mean of ${runsWord(group)})`,
    colour: seriesColour(g),
    shape: 'line',
  }));
  const legend = legendPart(entries, WIDTH_PX);
  const banded = groups.some((g) => g.runs.length > 1);
  const note = kindNote(metric);
  const attributed = windows.some((w) => w.group !== null);
  const subtitle = [
    `${runs.length} run${runs.length === 1 ? '' : 's'} over virtual time${commonSeed(runs)}`,
    ...(note === '' ? [] : [note]),
    ...(banded ? ['band = min–max across seeds, line = their mean'] : []),
    ...(windows.length > 0 ? [attributed ? 'shaded = fault windows (grey: every run; coloured: that run only)' : 'shaded = fault windows'] : []),
    ...(labels.omitted > 0 ? [`${labels.omitted} fault label${labels.omitted === 1 ? '' : 's'} left out for room`] : []),
  ].join('; ');
  const wrapped = wrapClauses(subtitle, WIDTH_PX - 20, SUBTITLE_FONT_PX);
  return composeSvg(time === VIRTUAL_TIME ? chartTitle(metric) : `${chartTitle(metric)} (over ${time.title})`, wrapped, [
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
    label: group.runs.length === 1 ? group.label : `${group.label} (${runsWord(group)}, one line each)`,
    colour: seriesColour(g),
    shape: 'line',
  }));
  const runs = groups.flatMap((g) => g.runs);
  return composeSvg(`${metric} against ${xMetric}`, `${chartTitle(metric)}; ${runs.length} run${runs.length === 1 ? '' : 's'}${commonSeed(runs)}; one point per metric interval`, [
    { part: partOf(chart, WIDTH_PX, HEIGHT_PX), x: 0, y: 0 },
    { part: legendPart(entries, WIDTH_PX), x: 0, y: HEIGHT_PX },
  ]);
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

/**
 * A sweep: a metric's mean across seeds against one swept parameter, with 95% confidence
 * intervals as error bars, one series per combination of the other parameters' values.
 */
import * as Plot from '@observablehq/plot';
import { join } from 'node:path';
import { axisLabel, chartTitle } from '../metrics/metric-info.js';
import { PlotInputError } from './errors.js';
import { legendPart, seriesColour, type LegendEntry } from './legend.js';
import { sweepMetrics, type AggregateRow, type SweepFolder } from './sweep-folder.js';
import { composeSvg, partOf, plotDocument } from './svg.js';

const WIDTH_PX = 760;
const HEIGHT_PX = 420;
/** Horizontal spread between series at one x, px, so error bars do not overlap. */
const DODGE_PX = 5;
/** Up to this many swept values, the x ticks are the values themselves. */
const TICKS_EXACT_MAX = 12;

interface SweepPoint {
  readonly series: string;
  readonly colour: string;
  readonly x: number | string;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

export function sweepSvg(sweep: SweepFolder, metric: string, param: string): string {
  const rows = sweep.rows.filter((r) => r.metric === metric);
  if (rows.length === 0) {
    throw new PlotInputError(join(sweep.dir, 'aggregate.csv'), `no rows for metric '${metric}' (metrics here: ${sweepMetrics(sweep).sort().join(', ')})`);
  }
  const numeric = rows.every((r) => r.params[param] !== '' && Number.isFinite(Number(r.params[param])));
  const others = sweep.params.filter((p) => p !== param);
  const seriesKey = (r: AggregateRow): string => (others.length === 0 ? metric : others.map((p) => `${shortPath(p)}=${r.params[p]}`).join(', '));
  const keys = [...new Set(rows.map(seriesKey))];
  const points: SweepPoint[] = rows.map((r) => {
    const series = seriesKey(r);
    return {
      series,
      colour: seriesColour(keys.indexOf(series)),
      x: numeric ? Number(r.params[param]) : r.params[param],
      mean: r.mean,
      low: r.ci95Low,
      high: r.ci95High,
    };
  });
  points.sort((a, b) => keys.indexOf(a.series) - keys.indexOf(b.series) || compare(a.x, b.x));
  const xValues = [...new Set(points.map((p) => p.x))].sort(compare);
  const marks = keys.flatMap((key, k) => {
    const mine = points.filter((p) => p.series === key);
    const dx = (k - (keys.length - 1) / 2) * DODGE_PX;
    const bars = mine.filter((p) => Number.isFinite(p.low) && Number.isFinite(p.high));
    return [
      Plot.line(mine, { x: 'x', y: 'mean', stroke: 'colour', strokeWidth: 1.5, dx }),
      Plot.ruleX(bars, { x: 'x', y1: 'low', y2: 'high', stroke: 'colour', strokeWidth: 1.5, dx }),
      Plot.dot(mine, { x: 'x', y: 'mean', fill: 'colour', r: 3.5, dx }),
    ];
  });
  const chart = Plot.plot({
    document: plotDocument(),
    width: WIDTH_PX,
    height: HEIGHT_PX,
    marginLeft: 60,
    marginRight: 30,
    x: numeric
      ? { label: param, grid: true, inset: 20, ticks: xValues.length <= TICKS_EXACT_MAX ? (xValues as number[]) : undefined, tickFormat: (v: number) => String(v) }
      : { label: param, type: 'point', domain: xValues, inset: 20 },
    y: { label: `${axisLabel(metric)}: mean, 95% CI`, grid: true, zero: true, nice: true },
    color: { type: 'identity' },
    marks,
  }) as unknown as Element;
  const entries: LegendEntry[] = keys.map((key, k) => ({ label: key, colour: seriesColour(k), shape: 'dot' }));
  const seeds = sweep.seedCount > 0 ? `, ${sweep.seedCount} seeds per point` : '';
  return composeSvg(`${metric} vs ${param}`, `${chartTitle(metric)}; sweep of ${sweep.scenarioName}${seeds}; dots = mean, bars = 95% confidence interval`, [
    { part: partOf(chart, WIDTH_PX, HEIGHT_PX), x: 0, y: 0 },
    { part: legendPart(entries, WIDTH_PX), x: 0, y: HEIGHT_PX },
  ]);
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** `protocols.vivaldi.dimensions` -> `vivaldi.dimensions` in series labels. */
function shortPath(path: string): string {
  const parts = path.split('.');
  return parts.length > 2 ? parts.slice(-2).join('.') : path;
}

/**
 * A sweep: a metric's mean across seeds against one swept parameter, with 95% confidence
 * intervals as error bars, one series per combination of the other parameters' values. The x
 * axis of a numeric parameter is logarithmic or linear (`x-scale.ts`); a point whose mean rests
 * on fewer runs than the sweep has seeds (runs failed, or lacked the metric) is hollow and says
 * how many beside it.
 */
import * as Plot from '@observablehq/plot';
import { join } from 'node:path';
import { axisLabel, chartTitle } from '../metrics/metric-info.js';
import { PlotInputError } from './errors.js';
import { legendPart, seriesColour, seriesTextColour, type LegendEntry } from './legend.js';
import { sweepMetrics, type AggregateRow, type SweepFolder } from './sweep-folder.js';
import { composeSvg, partOf, plotDocument } from './svg.js';
import { wrapClauses } from './text-width.js';
import { chooseXScale, type XScale } from './x-scale.js';

const WIDTH_PX = 760;
const HEIGHT_PX = 420;
/** Horizontal spread between series at one x, px, so error bars do not overlap. */
const DODGE_PX = 5;
/** Up to this many swept values, the x ticks are the values themselves. */
const TICKS_EXACT_MAX = 12;
/** composeSvg's subtitle font size, px. */
const SUBTITLE_FONT_PX = 11;

interface SweepPoint {
  readonly series: string;
  readonly colour: string;
  readonly x: number | string;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** "n=2 of 5 seeds" when the mean rests on fewer runs than the sweep's seeds, else ''. */
  readonly shortfall: string;
  readonly noteColour: string;
}

export interface SweepChartOptions {
  /** The x scale of a numeric parameter; absent = log for geometric values, else linear. */
  readonly xScale?: XScale;
  /** What the subtitle calls the sweep (`luc plot --label`); absent = its scenario's name. */
  readonly label?: string;
}

export function sweepSvg(sweep: SweepFolder, metric: string, param: string, options: SweepChartOptions = {}): string {
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
      shortfall: sweep.seedCount > 0 && r.n < sweep.seedCount ? `n=${r.n} of ${sweep.seedCount} seeds` : '',
      noteColour: seriesTextColour(keys.indexOf(series)),
    };
  });
  points.sort((a, b) => keys.indexOf(a.series) - keys.indexOf(b.series) || compare(a.x, b.x));
  const xValues = [...new Set(points.map((p) => p.x))].sort(compare);
  const xScale = numeric ? chooseXScale(xValues as number[], options.xScale) : null;
  const nonPositive = xScale === 'log' ? (xValues as number[]).find((v) => v <= 0) : undefined;
  if (nonPositive !== undefined) {
    throw new PlotInputError(join(sweep.dir, 'aggregate.csv'), `--x-scale log: ${param} takes the value ${nonPositive}, and a log axis needs values above 0 (use --x-scale linear)`);
  }
  const marks = keys.flatMap((key, k) => {
    const mine = points.filter((p) => p.series === key);
    const dx = (k - (keys.length - 1) / 2) * DODGE_PX;
    const bars = mine.filter((p) => Number.isFinite(p.low) && Number.isFinite(p.high));
    return [
      Plot.line(mine, { x: 'x', y: 'mean', stroke: 'colour', strokeWidth: 1.5, dx }),
      Plot.ruleX(bars, { x: 'x', y1: 'low', y2: 'high', stroke: 'colour', strokeWidth: 1.5, dx }),
      Plot.dot(mine.filter((p) => p.shortfall === ''), { x: 'x', y: 'mean', fill: 'colour', r: 3.5, dx }),
      // Hollow: a mean over fewer runs than seeds.
      Plot.dot(mine.filter((p) => p.shortfall !== ''), { x: 'x', y: 'mean', fill: 'white', stroke: 'colour', strokeWidth: 1.5, r: 3.5, dx }),
      // The note sits right of the point, below it where the line rises to the next point (above, it would cross the line).
      ...[true, false].map((below) =>
        Plot.text(
          mine.filter((p, i) => p.shortfall !== '' && below === (i + 1 < mine.length && mine[i + 1].mean > p.mean)),
          { x: 'x', y: 'mean', text: 'shortfall', fill: 'noteColour', textAnchor: 'start', dx: dx + 6, dy: below ? 10 : -8, fontSize: 9, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' },
        ),
      ),
    ];
  });
  const xLabel = xScale === 'log' ? `${param} (log scale)` : param;
  const exactTicks = numeric && xValues.length <= TICKS_EXACT_MAX;
  // Plot's log axis blanks the labels of ticks d3 finds unround (64 among 4, 16, 64, 256): the swept values get an axis of their own.
  const ownAxis = xScale === 'log' && exactTicks;
  const chart = Plot.plot({
    document: plotDocument(),
    width: WIDTH_PX,
    height: HEIGHT_PX,
    marginLeft: 60,
    marginRight: 30,
    x: numeric
      ? { type: xScale as XScale, label: xLabel, grid: !ownAxis, inset: 20, ticks: exactTicks ? (xValues as number[]) : undefined, tickFormat: (v: number) => String(v) }
      : { label: param, type: 'point', domain: xValues, inset: 20 },
    y: { label: `${axisLabel(metric)}: mean, 95% CI`, grid: true, zero: true, nice: true },
    color: { type: 'identity' },
    marks: [...(ownAxis ? [Plot.gridX(xValues), Plot.axisX(xValues, { text: (v: number) => String(v), label: xLabel })] : []), ...marks],
  }) as unknown as Element;
  const entries: LegendEntry[] = keys.map((key, k) => ({ label: key, colour: seriesColour(k), shape: 'dot' }));
  const seeds = sweep.seedCount > 0 ? `, ${sweep.seedCount} seeds per point` : '';
  const hollow = points.some((p) => p.shortfall !== '') ? '; hollow = mean of fewer runs (n beside it)' : '';
  const subtitle = wrapClauses(`${chartTitle(metric)}; sweep of ${options.label ?? sweep.scenarioName}${seeds}; dots = mean, bars = 95% confidence interval${hollow}`, WIDTH_PX - 20, SUBTITLE_FONT_PX);
  return composeSvg(`${metric} vs ${param}`, subtitle, [
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

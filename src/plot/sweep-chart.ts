/**
 * A sweep: a metric's mean across seeds against one swept parameter, with 95% confidence
 * intervals as error bars, one series per combination of the other parameters' values. The x
 * axis of a numeric parameter is logarithmic or linear (`x-scale.ts`); an interval is cut at 0
 * when no run of the metric measured below 0; a point whose mean rests
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
import { noteOffsets } from './point-notes.js';
import { textWidthPx, wrapClauses } from './text-width.js';
import { chooseXScale, type XScale } from './x-scale.js';

const WIDTH_PX = 760;
const HEIGHT_PX = 420;
/** Horizontal spread between series at one x, px, so error bars do not overlap. */
const DODGE_PX = 5;
/** Up to this many swept values, the x ticks are the values themselves. */
const TICKS_EXACT_MAX = 12;
const NOTE_FONT_PX = 9;
/** A note starts this far right of its point, px (clear of the dot and its error bar). */
const NOTE_GAP_PX = 6;
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
  // A mean of values never below 0 is not below 0 either: its interval is cut there (t's interval
  // is symmetric, and drew a count's or a time's bar, and the axis, below 0 on few seeds).
  const nonNegative = rows.every((r) => r.min >= 0);
  const cutAtZero = nonNegative && rows.some((r) => r.ci95Low < 0);
  const points: SweepPoint[] = rows.map((r) => {
    const series = seriesKey(r);
    return {
      series,
      colour: seriesColour(keys.indexOf(series)),
      x: numeric ? Number(r.params[param]) : r.params[param],
      mean: r.mean,
      low: nonNegative ? Math.max(0, r.ci95Low) : r.ci95Low,
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
  const dodge = (series: string): number => (keys.indexOf(series) - (keys.length - 1) / 2) * DODGE_PX;
  const marks = keys.flatMap((key) => {
    const mine = points.filter((p) => p.series === key);
    const dx = dodge(key);
    const bars = mine.filter((p) => Number.isFinite(p.low) && Number.isFinite(p.high));
    return [
      Plot.line(mine, { x: 'x', y: 'mean', stroke: 'colour', strokeWidth: 1.5, dx }),
      Plot.ruleX(bars, { x: 'x', y1: 'low', y2: 'high', stroke: 'colour', strokeWidth: 1.5, dx }),
      Plot.dot(mine.filter((p) => p.shortfall === ''), { x: 'x', y: 'mean', fill: 'colour', r: 3.5, dx }),
      // Hollow: a mean over fewer runs than seeds.
      Plot.dot(mine.filter((p) => p.shortfall !== ''), { x: 'x', y: 'mean', fill: 'white', stroke: 'colour', strokeWidth: 1.5, r: 3.5, dx }),
    ];
  });
  const xLabel = xScale === 'log' ? `${param} (log scale)` : param;
  const exactTicks = numeric && xValues.length <= TICKS_EXACT_MAX;
  // Plot's log axis blanks the labels of ticks d3 finds unround (64 among 4, 16, 64, 256): the swept values get an axis of their own.
  const ownAxis = xScale === 'log' && exactTicks;
  const render = (notes: readonly Plot.Markish[]): Plot.Plot & Element =>
    Plot.plot({
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
      marks: [...(ownAxis ? [Plot.gridX(xValues), Plot.axisX(xValues, { text: (v: number) => String(v), label: xLabel })] : []), ...marks, ...notes],
    }) as unknown as Plot.Plot & Element;
  const bare = render([]);
  const chart = points.some((p) => p.shortfall !== '') ? render(shortfallNotes(points, bare, dodge)) : bare;
  const entries: LegendEntry[] = keys.map((key, k) => ({ label: key, colour: seriesColour(k), shape: 'dot' }));
  const seeds = sweep.seedCount > 0 ? `, ${sweep.seedCount} seeds per point` : '';
  const hollow = points.some((p) => p.shortfall !== '') ? '; hollow = mean of fewer runs (n beside it)' : '';
  const cut = cutAtZero ? ' (cut at 0: no run measured below 0)' : '';
  const subtitle = wrapClauses(`${chartTitle(metric)}; sweep of ${options.label ?? sweep.scenarioName}${seeds}; dots = mean, bars = 95% confidence interval${cut}${hollow}`, WIDTH_PX - 20, SUBTITLE_FONT_PX);
  return composeSvg(`${metric} vs ${param}`, subtitle, [
    { part: partOf(chart, WIDTH_PX, HEIGHT_PX), x: 0, y: 0 },
    { part: legendPart(entries, WIDTH_PX), x: 0, y: HEIGHT_PX },
  ]);
}

/**
 * "n=2 of 5 seeds" right of each point resting on fewer runs (and of the series dodged beside it), below it where its line rises to
 * the next point (above, the note would cross the line), moved off the notes placed before it;
 * positions in px from the chart drawn without notes (the notes change none of its scales).
 */
function shortfallNotes(points: readonly SweepPoint[], bare: Plot.Plot, dodge: (series: string) => number): Plot.Markish[] {
  const x = bare.scale('x');
  const y = bare.scale('y');
  if (x === undefined || y === undefined) throw new Error('sweep chart: Plot gave no x or y scale');
  const noted = points
    // Right of the rightmost series at that x, so that no note covers another series' dot or bar.
    .map((p, i) => ({ p, dx: Math.max(...points.map((q) => dodge(q.series))) + NOTE_GAP_PX, order: dodge(p.series), rises: points[i + 1]?.series === p.series && points[i + 1].mean > p.mean }))
    .filter(({ p }) => p.shortfall !== '')
    .sort((a, b) => compare(a.p.x, b.p.x) || a.order - b.order);
  const offsets = noteOffsets(noted.map(({ p, dx, rises }) => ({ xPx: Number(x.apply(p.x)) + dx, yPx: Number(y.apply(p.mean)), widthPx: textWidthPx(p.shortfall, NOTE_FONT_PX), below: rises })));
  const byShift = new Map<string, { dx: number; dy: number; notes: SweepPoint[] }>();
  noted.forEach(({ p, dx }, i) => {
    const key = `${dx}|${offsets[i]}`;
    const shift = byShift.get(key) ?? { dx, dy: offsets[i], notes: [] };
    shift.notes.push(p);
    byShift.set(key, shift);
  });
  return [...byShift.values()].map(({ dx, dy, notes }) =>
    Plot.text(notes, { x: 'x', y: 'mean', text: 'shortfall', fill: 'noteColour', textAnchor: 'start', dx, dy, fontSize: NOTE_FONT_PX, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' }),
  );
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

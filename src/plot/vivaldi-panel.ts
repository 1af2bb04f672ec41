/**
 * The Vivaldi coordinate plane of a finished run: one dot per host at its final coordinate
 * (first two dimensions, or x0 against the height in one dimension), coloured like its PoP on
 * the map; backbone links joined between PoP centroids; the largest PoPs labelled.
 */
import * as Plot from '@observablehq/plot';
import type { MapData, ProjectedPop } from './map-data.js';
import type { NodeCoordinates } from './run-folder.js';
import { placeLabelsApart } from './label-placement.js';
import { largestPops } from './map-style.js';
import { partOf, plotDocument, type SvgPart } from './svg.js';

interface HostDot {
  readonly x: number;
  readonly y: number;
  readonly colour: string;
  readonly node: string;
}

const UNKNOWN_POP_COLOUR = '#999';
const PLAIN_NODE_COLOUR = '#4269d0';
const MARGIN_LEFT_PX = 50;
const MARGIN_RIGHT_PX = 20;
const MARGIN_TOP_PX = 20;
const MARGIN_BOTTOM_PX = 40;
/** Room around the outermost dots, as a share of the span. */
const DOMAIN_PAD_SHARE = 0.05;

/** Host label `PoP/k` -> the PoP name (the part before the last slash). */
export function popOfHost(node: string): string {
  const slash = node.lastIndexOf('/');
  return slash < 0 ? node : node.slice(0, slash);
}

/** Error colours: green at 0 through yellow to red at this quantile of the errors and above. */
const ERROR_SCALE_QUANTILE = 0.95;

/**
 * Each node's colour by its final median relative error (a run without geography has no PoP
 * colour to give), with three legend stops; all one colour without errors.
 */
export function errorColours(coordinates: NodeCoordinates, errors: ReadonlyMap<string, number> | null): { colourOf: (node: string) => string; legend: { label: string; colour: string }[] } {
  const values = errors === null ? [] : coordinates.rows.map((r) => errors.get(r.node)).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (errors === null || values.length === 0) return { colourOf: () => PLAIN_NODE_COLOUR, legend: [] };
  const sorted = [...values].sort((a, b) => a - b);
  const top = Math.max(1e-9, sorted[Math.min(sorted.length - 1, Math.floor(ERROR_SCALE_QUANTILE * sorted.length))]);
  const colour = (e: number): string => `hsl(${Math.round(120 * (1 - Math.min(1, e / top)))}, 75%, 42%)`;
  const percent = (e: number): string => `${Number((100 * e).toPrecision(2))}%`;
  return {
    colourOf: (node) => {
      const e = errors.get(node);
      return e === undefined || !Number.isFinite(e) ? UNKNOWN_POP_COLOUR : colour(e);
    },
    legend: [
      { label: 'median relative error 0%', colour: colour(0) },
      { label: `${percent(top / 2)}`, colour: colour(top / 2) },
      { label: `${percent(top)} and above (${Math.round(ERROR_SCALE_QUANTILE * 100)}th percentile)`, colour: colour(top) },
    ],
  };
}

export function vivaldiPart(data: MapData, coordinates: NodeCoordinates, pops: readonly ProjectedPop[], labelsMax: number, height: number, colourOf?: (node: string) => string): SvgPart {
  const dimensions = coordinates.columns.filter((c) => /^x\d+_ms$/.test(c));
  const xColumn = coordinates.columns.indexOf(dimensions[0] ?? coordinates.columns[0]);
  const yName = dimensions[1] ?? 'height_ms';
  const yColumn = coordinates.columns.indexOf(yName);
  const popByName = new Map(pops.map((p) => [p.name, p]));
  const dots: HostDot[] = coordinates.rows.map((row) => ({
    x: row.values[xColumn],
    y: row.values[yColumn],
    colour: colourOf?.(row.node) ?? popByName.get(popOfHost(row.node))?.colour ?? UNKNOWN_POP_COLOUR,
    node: row.node,
  }));
  const centroids = new Map<string, { x: number; y: number; pop: ProjectedPop }>();
  for (const pop of pops) {
    const mine = dots.filter((d) => popOfHost(d.node) === pop.name);
    if (mine.length === 0) continue;
    centroids.set(pop.name, { x: mean(mine.map((d) => d.x)), y: mean(mine.map((d) => d.y)), pop });
  }
  const segments = data.links.flatMap((link) => {
    const a = centroids.get(data.pops[link.a].name);
    const b = centroids.get(data.pops[link.b].name);
    return a === undefined || b === undefined ? [] : [{ x1: a.x, y1: a.y, x2: b.x, y2: b.y }];
  });
  const located = [...centroids.values()];
  const [xDomain, yDomain] = squareDomains(dots);
  // Place labels in px (the scales are linear on these exact domains), then back to data units.
  const side = height - MARGIN_TOP_PX - MARGIN_BOTTOM_PX;
  const span = xDomain[1] - xDomain[0];
  const toPx = (x: number, y: number): [number, number] => [((x - xDomain[0]) / span) * side, ((yDomain[1] - y) / span) * side];
  const offered = largestPops(
    located.map((c) => c.pop),
    labelsMax,
  ).map((k) => {
    const [x, y] = toPx(located[k].x, located[k].y);
    return { x, y, r: 3, text: located[k].pop.name };
  });
  // Labels keep clear of each other and of the labelled centroids (host dots may lie under them).
  const labels = placeLabelsApart(offered, offered, side, side).spots.map((spot) => ({ ...spot, x: xDomain[0] + (spot.x / side) * span, y: yDomain[1] - (spot.y / side) * span }));
  const halo = { fontSize: 10, stroke: 'white', strokeWidth: 3, fill: '#222' } as const;
  const extra = dimensions.length > 2 ? ` (first 2 of ${dimensions.length} dims)` : '';
  const svg = Plot.plot({
    document: plotDocument(),
    width: height + MARGIN_LEFT_PX + MARGIN_RIGHT_PX - MARGIN_TOP_PX - MARGIN_BOTTOM_PX,
    height,
    marginLeft: MARGIN_LEFT_PX,
    marginRight: MARGIN_RIGHT_PX,
    marginTop: MARGIN_TOP_PX,
    marginBottom: MARGIN_BOTTOM_PX,
    x: { label: `Vivaldi ${dimensions[0] ?? 'x0_ms'}${extra}`, grid: true, domain: xDomain },
    y: { label: `Vivaldi ${yName}`, grid: true, domain: yDomain },
    color: { type: 'identity' },
    marks: [
      Plot.link(segments, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: '#ccc', strokeWidth: 0.8 }),
      Plot.dot(dots, { x: 'x', y: 'y', r: 2.5, fill: 'colour', fillOpacity: 0.8, title: 'node' }),
      ...(['start', 'end', 'middle'] as const).map((anchor) =>
        Plot.text(
          labels.filter((l) => l.anchor === anchor),
          { x: 'x', y: 'y', text: 'text', textAnchor: anchor, ...halo },
        ),
      ),
    ],
  }) as unknown as Element;
  return partOf(svg, height + MARGIN_LEFT_PX + MARGIN_RIGHT_PX - MARGIN_TOP_PX - MARGIN_BOTTOM_PX, height);
}

/** Domains of equal span on both axes (the plot area is square): 1 ms is as long across as up. */
function squareDomains(dots: readonly HostDot[]): [[number, number], [number, number]] {
  const finite = dots.filter((d) => Number.isFinite(d.x) && Number.isFinite(d.y));
  if (finite.length === 0) return [[-1, 1], [-1, 1]];
  const xs = finite.map((d) => d.x);
  const ys = finite.map((d) => d.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const half = (Math.max(x1 - x0, y1 - y0, 1e-6) / 2) * (1 + 2 * DOMAIN_PAD_SHARE);
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  return [
    [cx - half, cx + half],
    [cy - half, cy + half],
  ];
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

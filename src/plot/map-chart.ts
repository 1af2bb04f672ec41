/**
 * The map of a backbone: PoPs at their projected coordinates sized by hosts, links by bandwidth
 * tier (dashed when a fault takes them down), the largest PoPs labelled; for a finished run with
 * Vivaldi coordinates, the coordinate plane beside it in the same colours.
 */
import * as Plot from '@observablehq/plot';
import { legendPart, type LegendEntry } from './legend.js';
import type { MapData, ProjectedPop } from './map-data.js';
import { MAP_WIDTH_PX, mapLayout } from './map-projection.js';
import { formatBps, largestPops, linkTiers, placeColours, placeLabels, popRadiusPx, radiusMaxPx } from './map-style.js';
import { composeSvg, partOf, plotDocument, type Placed, type SvgPart } from './svg.js';
import { vivaldiPart } from './vivaldi-panel.js';

const LABELS_MAX = 12;
const FAULT_COLOUR = '#d62728';
const PLAIN_POP_COLOUR = '#4269d0';
const GAP_PX = 20;
/** Beyond this many PoPs, dots lose their white outline (it would hide them). */
const OUTLINED_POPS_MAX = 500;

export function mapSvg(data: MapData): string {
  const located = data.pops.flatMap((pop, index) => (Number.isFinite(pop.latitude) && Number.isFinite(pop.longitude) ? [{ pop, index }] : []));
  const layout = mapLayout(located.map(({ pop }) => [pop.longitude, pop.latitude] as const));
  const hostsMax = Math.max(...data.pops.map((p) => p.hosts));
  const positions = located.map(({ pop }) => layout.projection([pop.longitude, pop.latitude]) ?? [NaN, NaN]);
  const side = data.coordinates !== null;
  const colours = side ? placeColours(positions.map((p) => p[0]), positions.map((p) => p[1])) : located.map(() => PLAIN_POP_COLOUR);
  const maxPx = radiusMaxPx(located.length, layout.width * layout.height);
  const pops: ProjectedPop[] = located.map(({ pop, index }, k) => ({
    ...pop,
    index,
    x: positions[k][0],
    y: positions[k][1],
    r: popRadiusPx(pop.hosts, hostsMax, maxPx),
    colour: colours[k],
  }));
  const geo = geoPart(data, pops, layout.width, layout.height);
  const placed: Placed[] = [{ part: geo, x: 0, y: 0 }];
  if (data.coordinates !== null) placed.push({ part: vivaldiPart(data, data.coordinates, pops, LABELS_MAX, layout.height), x: layout.width + GAP_PX, y: 0 });
  const width = placed.reduce((w, p) => Math.max(w, p.x + p.part.width), 0);
  const height = Math.max(...placed.map((p) => p.part.height));
  placed.push({ part: mapLegend(data, side, width), x: 0, y: height });
  const hosts = data.pops.reduce((s, p) => s + p.hosts, 0);
  const title = `${data.name}: ${data.pops.length} PoPs, ${data.links.length} links, ${hosts} host${hosts === 1 ? '' : 's'}`;
  const subtitle = `${data.source}; conformal conic projection; dot area ∝ hosts per PoP (max ${hostsMax})${
    side ? '; right: final Vivaldi coordinates, one dot per host, coloured like its PoP' : ''
  }`;
  return composeSvg(title, subtitle, placed);
}

function geoPart(data: MapData, pops: readonly ProjectedPop[], width: number, height: number): SvgPart {
  const byIndex = new Map(pops.map((p) => [p.index, p]));
  const tiers = linkTiers(data.links.map((l) => l.bandwidthBps));
  const segments = data.links.flatMap((link) => {
    const a = byIndex.get(link.a);
    const b = byIndex.get(link.b);
    if (a === undefined || b === undefined) return [];
    const tier = tiers.find((t) => t.bandwidthBps === link.bandwidthBps) ?? tiers[0];
    return [{ x1: a.x, y1: a.y, x2: b.x, y2: b.y, colour: tier.colour, widthPx: tier.widthPx, faulted: link.faulted }];
  });
  const labels = placeLabels(largestPops(pops, LABELS_MAX).map((k) => ({ x: pops[k].x, y: pops[k].y, r: pops[k].r, text: pops[k].name })));
  const halo = { fontSize: 10, stroke: 'white', strokeWidth: 3, fill: '#222' } as const;
  const link = { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', strokeWidth: 'widthPx' } as const;
  const svg = Plot.plot({
    document: plotDocument(),
    width,
    height,
    margin: 0,
    x: { type: 'identity', axis: null },
    y: { type: 'identity', axis: null },
    r: { type: 'identity' },
    color: { type: 'identity' },
    marks: [
      Plot.link(segments.filter((s) => !s.faulted), { ...link, stroke: 'colour' }),
      Plot.link(segments.filter((s) => s.faulted), { ...link, stroke: FAULT_COLOUR, strokeDasharray: '5,3' }),
      Plot.dot(pops, {
        x: 'x',
        y: 'y',
        r: 'r',
        fill: 'colour',
        fillOpacity: 0.85,
        stroke: 'white',
        strokeWidth: pops.length > OUTLINED_POPS_MAX ? 0 : 0.8,
        title: (p: ProjectedPop) => `${p.name}: ${p.hosts} host${p.hosts === 1 ? '' : 's'}, ${p.degree} link${p.degree === 1 ? '' : 's'}`,
      }),
      Plot.dot(
        pops.filter((p) => p.crashed),
        { x: 'x', y: 'y', r: (p: ProjectedPop) => p.r + 3, stroke: FAULT_COLOUR, strokeDasharray: '2,2', strokeWidth: 1.5 },
      ),
      ...(['start', 'end', 'middle'] as const).map((anchor) =>
        Plot.text(
          labels.filter((l) => l.anchor === anchor),
          { x: 'x', y: 'y', text: 'text', textAnchor: anchor, ...halo },
        ),
      ),
    ],
  }) as unknown as Element;
  return partOf(svg, width, height);
}

function mapLegend(data: MapData, side: boolean, width: number): SvgPart {
  const tiers = linkTiers(data.links.map((l) => l.bandwidthBps));
  const entries: LegendEntry[] = tiers.map((t) => ({ label: `link ${formatBps(t.bandwidthBps)}`, colour: t.colour, shape: 'line', widthPx: t.widthPx }));
  if (data.links.some((l) => l.faulted)) entries.push({ label: 'link taken down by a fault', colour: FAULT_COLOUR, shape: 'dash' });
  if (data.pops.some((p) => p.crashed)) entries.push({ label: 'PoP crashed by a fault (dashed ring)', colour: FAULT_COLOUR, shape: 'dot' });
  if (side) entries.push({ label: 'colour = bearing from the map centre', colour: '#888', shape: 'dot' });
  return legendPart(entries, Math.max(width, MAP_WIDTH_PX));
}

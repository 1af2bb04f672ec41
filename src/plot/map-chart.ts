/**
 * The map of a backbone: country outlines under PoPs at their projected coordinates, sized by
 * hosts (or, for a cloud run, by the VMs there at the end, with arrows where VMs migrated),
 * links by bandwidth tier (dashed when a fault takes them down), labels kept apart; for a
 * finished run with Vivaldi coordinates, the coordinate plane beside it in the same colours.
 * A run over an RTT matrix has no geography: its Vivaldi plane alone.
 */
import * as Plot from '@observablehq/plot';
import { placeLabelsApart } from './label-placement.js';
import { legendPart, type LegendEntry } from './legend.js';
import type { MapData, ProjectedPop } from './map-data.js';
import { MIGRATION_COLOUR, migrationArrows, migrationMark } from './map-migrations.js';
import { countryOutlines, OUTLINE_STROKE, outlinesMarkup } from './map-outlines.js';
import { MAP_WIDTH_PX, mapLayout } from './map-projection.js';
import { formatBps, largestPops, linkTiers, placeColours, popRadiusPx, radiusMaxPx } from './map-style.js';
import { composeSvg, partOf, plotDocument, type Placed, type SvgPart } from './svg.js';
import { wrapText } from './text-width.js';
import { errorColours, vivaldiPart } from './vivaldi-panel.js';

/** PoPs offered a label, largest first; those that find no free spot are dropped. */
const LABELS_MAX = 40;
/** The Vivaldi plane is denser (PoPs bunch up): fewer labels offered there. */
const PLANE_LABELS_MAX = 20;
const FAULT_COLOUR = '#d62728';
const PLAIN_POP_COLOUR = '#4269d0';
const GAP_PX = 20;
const PLANE_HEIGHT_PX = 480;
const SUBTITLE_FONT_PX = 11;
/** Beyond this many PoPs, dots lose their white outline (it would hide them). */
const OUTLINED_POPS_MAX = 500;

export function mapSvg(data: MapData): string {
  if (!data.geographic) return planeSvg(data);
  const located = data.pops.flatMap((pop, index) => (Number.isFinite(pop.latitude) && Number.isFinite(pop.longitude) ? [{ pop, index }] : []));
  const layout = mapLayout(located.map(({ pop }) => [pop.longitude, pop.latitude] as const));
  const vms = data.cloud?.vmsByPop ?? null;
  const weightOf = (pop: { name: string; hosts: number }): number => (vms === null ? pop.hosts : (vms.get(pop.name) ?? 0));
  const weightMax = Math.max(...data.pops.map(weightOf));
  const positions = located.map(({ pop }) => layout.projection([pop.longitude, pop.latitude]) ?? [NaN, NaN]);
  const side = data.coordinates !== null;
  const colours = side ? placeColours(positions.map((p) => p[0]), positions.map((p) => p[1])) : located.map(() => PLAIN_POP_COLOUR);
  const maxPx = radiusMaxPx(located.length, layout.width * layout.height);
  const pops: ProjectedPop[] = located.map(({ pop, index }, k) => ({
    ...pop,
    index,
    x: positions[k][0],
    y: positions[k][1],
    r: popRadiusPx(weightOf(pop), weightMax, maxPx),
    colour: colours[k],
  }));
  const outlines = countryOutlines(layout.projection, layout.width, layout.height);
  const geo = geoPart(data, pops, layout.width, layout.height, outlinesMarkup(outlines));
  const placed: Placed[] = [{ part: geo, x: 0, y: 0 }];
  if (data.coordinates !== null) placed.push({ part: vivaldiPart(data, data.coordinates, pops, PLANE_LABELS_MAX, layout.height), x: layout.width + GAP_PX, y: 0 });
  const width = placed.reduce((w, p) => Math.max(w, p.x + p.part.width), 0);
  const height = Math.max(...placed.map((p) => p.part.height));
  placed.push({ part: mapLegend(data, side, outlines.length > 0, width), x: 0, y: height });
  const hosts = data.pops.reduce((s, p) => s + p.hosts, 0);
  const vmTotal = vms === null ? 0 : [...vms.values()].reduce((s, v) => s + v, 0);
  const title = `${data.name}: ${data.pops.length} PoPs, ${data.links.length} links, ${plural(hosts, 'host')}${vms === null ? '' : `, ${plural(vmTotal, 'VM')}`}`;
  const sized = vms === null ? `dot area ∝ hosts per PoP (max ${weightMax})` : `dot area ∝ VMs per PoP at ${data.cloud?.atS} s (max ${weightMax})`;
  const clauses = [
    data.source,
    `conformal conic projection, Natural Earth 1:50m countries`,
    sized,
    ...(data.cloud === null ? [] : [data.cloud.vmsNote, data.cloud.migrationsNote]),
    ...(side ? ['right: final Vivaldi coordinates, one dot per host, coloured like its PoP'] : []),
  ];
  return composeSvg(title, wrapText(clauses.join('; '), width - 20, SUBTITLE_FONT_PX).join('\n'), placed);
}

function geoPart(data: MapData, pops: readonly ProjectedPop[], width: number, height: number, underlay: string): SvgPart {
  const byIndex = new Map(pops.map((p) => [p.index, p]));
  const byName = new Map(pops.map((p) => [p.name, p]));
  const tiers = linkTiers(data.links.map((l) => l.bandwidthBps));
  const segments = data.links.flatMap((link) => {
    const a = byIndex.get(link.a);
    const b = byIndex.get(link.b);
    if (a === undefined || b === undefined) return [];
    const tier = tiers.find((t) => t.bandwidthBps === link.bandwidthBps) ?? tiers[0];
    return [{ x1: a.x, y1: a.y, x2: b.x, y2: b.y, colour: tier.colour, widthPx: tier.widthPx, faulted: link.faulted }];
  });
  const vms = data.cloud?.vmsByPop ?? null;
  const weighted = pops.map((p) => ({ name: p.name, hosts: vms === null ? p.hosts : (vms.get(p.name) ?? 0), degree: p.degree }));
  const offered = largestPops(weighted, LABELS_MAX).map((k) => ({ x: pops[k].x, y: pops[k].y, r: pops[k].r, text: vms === null ? pops[k].name : `${pops[k].name} ${weighted[k].hosts}` }));
  const labels = placeLabelsApart(offered, pops, width, height).spots;
  const arrows = data.cloud?.flows === null || data.cloud === null ? [] : migrationArrows(data.cloud.flows, (name) => byName.get(name));
  const halo = { fontSize: 10, stroke: 'white', strokeWidth: 3, fill: '#222' } as const;
  const link = { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', strokeWidth: 'widthPx' } as const;
  const cloud = data.cloud !== null;
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
      Plot.link(segments.filter((s) => !s.faulted), { ...link, stroke: 'colour', strokeOpacity: cloud ? 0.45 : 1 }),
      Plot.link(segments.filter((s) => s.faulted), { ...link, stroke: FAULT_COLOUR, strokeDasharray: '5,3' }),
      Plot.dot(pops, {
        x: 'x',
        y: 'y',
        r: 'r',
        fill: 'colour',
        fillOpacity: 0.85,
        stroke: 'white',
        strokeWidth: pops.length > OUTLINED_POPS_MAX ? 0 : 0.8,
        title: (p: ProjectedPop) => popTitle(p, data),
      }),
      Plot.dot(
        pops.filter((p) => p.crashed),
        { x: 'x', y: 'y', r: (p: ProjectedPop) => p.r + 3, stroke: FAULT_COLOUR, strokeDasharray: '2,2', strokeWidth: 1.5 },
      ),
      migrationMark(arrows),
      ...(['start', 'end', 'middle'] as const).map((anchor) =>
        Plot.text(
          labels.filter((l) => l.anchor === anchor),
          { x: 'x', y: 'y', text: 'text', textAnchor: anchor, ...halo },
        ),
      ),
    ],
  }) as unknown as Element;
  const part = partOf(svg, width, height);
  // The outlines go first, under every mark (after Plot's <style>).
  return { ...part, markup: part.markup.replace(/^(<svg[^>]*>(?:<style>[\s\S]*?<\/style>)?)/, `$1${underlay}`) };
}

function popTitle(p: ProjectedPop, data: MapData): string {
  const vms = data.cloud?.vmsByPop;
  const atEnd = vms === null || vms === undefined ? '' : `${plural(vms.get(p.name) ?? 0, 'VM')} at ${data.cloud?.atS} s, `;
  return `${p.name}: ${atEnd}${plural(p.hosts, 'host')}, ${plural(p.degree, 'link')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function mapLegend(data: MapData, side: boolean, outlined: boolean, width: number): SvgPart {
  const tiers = linkTiers(data.links.map((l) => l.bandwidthBps));
  const entries: LegendEntry[] = tiers.map((t) => ({ label: `link ${formatBps(t.bandwidthBps)}`, colour: t.colour, shape: 'line', widthPx: t.widthPx }));
  if (data.links.some((l) => l.faulted)) entries.push({ label: 'link taken down by a fault', colour: FAULT_COLOUR, shape: 'dash' });
  if (data.pops.some((p) => p.crashed)) entries.push({ label: 'PoP crashed by a fault', colour: FAULT_COLOUR, shape: 'ring' });
  const flows = data.cloud?.flows ?? null;
  if (flows !== null && flows.length > 0) {
    entries.push({ label: `VMs migrated between PoPs, width ∝ count (max ${Math.max(...flows.map((f) => f.count))})`, colour: MIGRATION_COLOUR, shape: 'line', widthPx: 3 });
  }
  if (data.cloud !== null && flows === null) entries.push({ label: 'no arrows: migrations need --trace migration', colour: '#bbb', shape: 'dash' });
  if (side) entries.push({ label: 'colour = bearing from the map centre', colour: '#888', shape: 'dot' });
  if (outlined) entries.push({ label: 'country (Natural Earth)', colour: OUTLINE_STROKE, shape: 'dot' });
  return legendPart(entries, Math.max(width, MAP_WIDTH_PX));
}

/** A run without geography: its Vivaldi plane alone, dots coloured by each node's error when known. */
function planeSvg(data: MapData): string {
  const coordinates = data.coordinates;
  if (coordinates === null) throw new RangeError('mapSvg: a map without geography needs Vivaldi coordinates');
  const colours = errorColours(coordinates, data.nodeErrors);
  const part = vivaldiPart(data, coordinates, [], 0, PLANE_HEIGHT_PX, colours.colourOf);
  const width = Math.max(part.width, MAP_WIDTH_PX);
  const entries: LegendEntry[] = colours.legend.map((l) => ({ label: l.label, colour: l.colour, shape: 'dot' }));
  const placed: Placed[] = [{ part, x: 0, y: 0 }];
  if (entries.length > 0) placed.push({ part: legendPart(entries, width), x: 0, y: part.height });
  const title = `${data.name}: final Vivaldi coordinates of ${plural(coordinates.rows.length, 'node')}`;
  const clauses = [data.source, 'an RTT matrix has no geography: the coordinate plane alone, one dot per node', ...(colours.legend.length > 0 ? ['colour: the node\'s median relative error at the end'] : [])];
  return composeSvg(title, wrapText(clauses.join('; '), width - 20, SUBTITLE_FONT_PX).join('\n'), placed);
}

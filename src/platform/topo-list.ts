/**
 * `luc topo info FILE --list`: a backbone's PoPs (index, name, country, coordinates, links, and
 * hosts when a scenario's rule is given) and its links (the two PoPs, latency, bandwidth), as
 * aligned text or plain data for JSON.
 */
import type { Backbone } from './types.js';

export interface PopRow {
  readonly index: number;
  readonly name: string;
  readonly country: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly links: number;
  readonly hosts: number | null;
}

export interface LinkRow {
  readonly a: string;
  readonly b: string;
  readonly latencyMs: number;
  readonly bandwidthBps: number;
}

export interface TopologyList {
  readonly pops: readonly PopRow[];
  readonly links: readonly LinkRow[];
}

export function topologyList(backbone: Backbone, hostsPerPop: readonly number[] | null): TopologyList {
  const degree = new Array<number>(backbone.pops.length).fill(0);
  for (const link of backbone.links) {
    degree[link.a]++;
    degree[link.b]++;
  }
  const located = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return {
    pops: backbone.pops.map((p, i) => ({ index: i, name: p.name, country: p.country, latitude: located(p.latitude), longitude: located(p.longitude), links: degree[i], hosts: hostsPerPop === null ? null : hostsPerPop[i] })),
    links: backbone.links.map((l) => ({ a: backbone.pops[l.a].name, b: backbone.pops[l.b].name, latencyMs: l.latencyUs / 1000, bandwidthBps: l.bandwidthBps })),
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = header.map((_, c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  return [header, ...rows].map((row) => row.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

export function formatTopologyList(list: TopologyList): string {
  const hosts = list.pops.some((p) => p.hosts !== null);
  const coordinate = (v: number | null): string => (v === null ? '-' : v.toFixed(4));
  const pops = table(
    ['#', 'PoP', 'country', 'latitude', 'longitude', 'links', ...(hosts ? ['hosts'] : [])],
    list.pops.map((p) => [String(p.index), p.name, p.country === '' ? '-' : p.country, coordinate(p.latitude), coordinate(p.longitude), String(p.links), ...(hosts ? [String(p.hosts)] : [])]),
    new Set([0, 3, 4, 5, 6]),
  );
  const links = table(
    ['PoP', 'PoP', 'latency ms', 'bandwidth Gbit/s'],
    list.links.map((l) => [l.a, l.b, l.latencyMs.toFixed(3), (l.bandwidthBps / 1e9).toFixed(3)]),
    new Set([2, 3]),
  );
  return [`${list.pops.length} PoPs`, ...pops, '', `${list.links.length} links`, ...links].join('\n');
}

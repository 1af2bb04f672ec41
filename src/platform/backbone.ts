import { geoLatencyUs, greatCircleKm } from './geo.js';
import { TopologyError, type Backbone, type Link, type Pop, type RawGraph } from './types.js';
import { credibleBandwidthSource } from './capacity-credibility.js';

/**
 * RawGraph -> Backbone: place or drop PoPs without coordinates, merge parallel edges, resolve
 * each link's latency and bandwidth.
 *
 * Rules (the numbers a run depends on, so they are written down here):
 * - Unlocated nodes (`unlocated: 'infer'`, the default): in rounds, every node without
 *   coordinates that has at least one located neighbour is placed at the arithmetic mean of the
 *   latitudes and longitudes of the neighbours located before the round (Jacobi style, so the
 *   result does not depend on node order); rounds repeat until nothing changes. Nodes still
 *   unplaced (no path to a located node) are dropped with their edges and listed in the report.
 *   `unlocated: 'drop'` drops every node without coordinates, with its edges. Under the
 *   `explicit` latency model coordinates are not needed, so nothing is dropped: unplaced PoPs
 *   keep NaN coordinates.
 * - Parallel edges (same two endpoints, either direction) become one link at the position of
 *   the first; its file capacity is the sum of theirs (parallel circuits are bundled), its label
 *   the first one's. Self-loops are dropped (counted in the report; a scenario run warns of them).
 * - Latency `geo` (default): great-circle km * routeFactor (1.3) * 5 us/km + perHopUs (20),
 *   rounded to whole us, at least 1. `explicit`: `byLinkUs` keyed by `"<popA>--<popB>"` (either
 *   order) or by the file's LinkLabel, falling back to the constant `latencyUs`.
 * - Bandwidth: `bandwidthBps` (10 Gb/s) for every link unless `bandwidthFrom: 'file'`, then the
 *   file capacity, or `bandwidthBps` for links whose file gives none (counted in the report).
 *   `auto` (a scenario's default) is `file` when the file's capacities are credible and
 *   `scenario` otherwise (`capacity-credibility.ts`: Zoo capacities are often missing or one
 *   figure everywhere, as Renater2010's 155 Mb/s, a transcription artefact). Without the option,
 *   the scenario's bandwidth.
 */

export type LatencyOptionsInput =
  | { readonly model: 'geo'; readonly routeFactor?: number; readonly perHopUs?: number }
  | {
      readonly model: 'explicit';
      readonly latencyUs?: number;
      readonly byLinkUs?: Readonly<Record<string, number>>;
    };

export interface BackboneOptionsInput {
  readonly latency?: LatencyOptionsInput;
  readonly bandwidthBps?: number;
  readonly bandwidthFrom?: 'scenario' | 'file' | 'auto';
  readonly unlocated?: 'infer' | 'drop';
}

export type LatencyOptions =
  | { readonly model: 'geo'; readonly routeFactor: number; readonly perHopUs: number }
  | { readonly model: 'explicit'; readonly latencyUs: number; readonly byLinkUs: ReadonlyMap<string, number> };

/** Fully filled options: code below never checks for undefined. `latencyUs` NaN = no constant. */
export interface BackboneOptions {
  readonly latency: LatencyOptions;
  readonly bandwidthBps: number;
  readonly bandwidthFrom: 'scenario' | 'file' | 'auto';
  readonly unlocated: 'infer' | 'drop';
}

export interface BackboneReport {
  /** Names of PoPs whose coordinates were inferred from their neighbours. */
  readonly inferredPops: readonly string[];
  readonly droppedPops: readonly string[];
  /** Edges dropped because an endpoint was dropped. */
  readonly droppedEdgeCount: number;
  readonly selfLoopCount: number;
  /** Edges folded into an earlier parallel edge. */
  readonly mergedEdgeCount: number;
  /** Links that took `bandwidthBps` because the file gave no capacity (bandwidthFrom 'file'). */
  readonly capacityFallbackCount: number;
  /** For each backbone PoP, its index among the raw graph's nodes. */
  readonly rawIndex: Int32Array;
  /** 1 for each backbone PoP whose coordinates come from the source file. */
  readonly locatedInSource: Uint8Array;
}

export interface BackboneBuild {
  readonly backbone: Backbone;
  readonly report: BackboneReport;
}

export const DEFAULT_ROUTE_FACTOR = 1.3;
export const DEFAULT_PER_HOP_US = 20;
export const DEFAULT_BANDWIDTH_BPS = 10e9;

export function normalizeBackboneOptions(input: BackboneOptionsInput = {}): BackboneOptions {
  const positive = (value: number, what: string): number => {
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`backbone options: ${what} must be a positive number, got ${value}`);
    return value;
  };
  const nonNegative = (value: number, what: string): number => {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`backbone options: ${what} must be >= 0, got ${value}`);
    return value;
  };
  const latencyInput = input.latency ?? { model: 'geo' };
  let latency: LatencyOptions;
  if (latencyInput.model === 'geo') {
    latency = {
      model: 'geo',
      routeFactor: positive(latencyInput.routeFactor ?? DEFAULT_ROUTE_FACTOR, 'latency.routeFactor'),
      perHopUs: nonNegative(latencyInput.perHopUs ?? DEFAULT_PER_HOP_US, 'latency.perHopUs'),
    };
  } else {
    const byLinkUs = new Map<string, number>();
    for (const [key, value] of Object.entries(latencyInput.byLinkUs ?? {})) {
      byLinkUs.set(key, positive(value, `latency.byLinkUs["${key}"]`));
    }
    const latencyUs = latencyInput.latencyUs === undefined ? NaN : positive(latencyInput.latencyUs, 'latency.latencyUs');
    if (Number.isNaN(latencyUs) && byLinkUs.size === 0) {
      throw new RangeError('backbone options: the explicit latency model needs latencyUs or byLinkUs');
    }
    latency = { model: 'explicit', latencyUs, byLinkUs };
  }
  return {
    latency,
    bandwidthBps: positive(input.bandwidthBps ?? DEFAULT_BANDWIDTH_BPS, 'bandwidthBps'),
    bandwidthFrom: input.bandwidthFrom ?? 'scenario',
    unlocated: input.unlocated ?? 'infer',
  };
}

export function buildBackbone(raw: RawGraph, input: BackboneOptionsInput = {}): BackboneBuild {
  const options = normalizeBackboneOptions(input);
  const n = raw.nodes.length;
  const latitudes = Float64Array.from(raw.nodes, (node) => node.latitude);
  const longitudes = Float64Array.from(raw.nodes, (node) => node.longitude);
  const locatedInFile = Uint8Array.from(raw.nodes, (node) => (Number.isNaN(node.latitude) ? 0 : 1));
  const inferred = options.unlocated === 'infer' ? inferCoordinates(raw, latitudes, longitudes) : new Uint8Array(n);

  // Keep a node if it has coordinates now, or if latency does not depend on coordinates.
  const keep = options.latency.model === 'explicit' ? new Uint8Array(n).fill(1) : Uint8Array.from(latitudes, (x) => (Number.isNaN(x) ? 0 : 1));
  const newIndex = new Int32Array(n).fill(-1);
  const pops: Pop[] = [];
  const rawIndex: number[] = [];
  const droppedPops: string[] = [];
  for (let i = 0; i < n; i++) {
    const node = raw.nodes[i];
    if (keep[i] === 0) {
      droppedPops.push(node.label);
      continue;
    }
    newIndex[i] = pops.length;
    rawIndex.push(i);
    pops.push({ name: node.label, latitude: latitudes[i], longitude: longitudes[i], country: node.country });
  }

  // Merge parallel edges: first occurrence fixes the position, capacities add up.
  const slotByPair = new Map<string, number>();
  const merged: { a: number; b: number; capacityBps: number; label: string }[] = [];
  let droppedEdgeCount = 0;
  let selfLoopCount = 0;
  let mergedEdgeCount = 0;
  for (const edge of raw.edges) {
    const a = newIndex[edge.source];
    const b = newIndex[edge.target];
    if (a < 0 || b < 0) {
      droppedEdgeCount++;
      continue;
    }
    if (a === b) {
      selfLoopCount++;
      continue;
    }
    const pair = a < b ? `${a},${b}` : `${b},${a}`;
    const slot = slotByPair.get(pair);
    if (slot === undefined) {
      slotByPair.set(pair, merged.length);
      merged.push({ a, b, capacityBps: edge.capacityBps, label: edge.label });
    } else {
      mergedEdgeCount++;
      const previous = merged[slot].capacityBps;
      // NaN means "not stated": a stated capacity wins over an unstated one.
      merged[slot].capacityBps = Number.isNaN(previous) ? edge.capacityBps : Number.isNaN(edge.capacityBps) ? previous : previous + edge.capacityBps;
    }
  }

  const fromFile = (options.bandwidthFrom === 'auto' ? credibleBandwidthSource(raw) : options.bandwidthFrom) === 'file';
  let capacityFallbackCount = 0;
  const links: Link[] = merged.map((edge, i) => {
    let bandwidthBps = options.bandwidthBps;
    if (fromFile) {
      if (Number.isNaN(edge.capacityBps)) capacityFallbackCount++;
      else bandwidthBps = edge.capacityBps;
    }
    return { a: edge.a, b: edge.b, latencyUs: linkLatencyUs(raw.name, i, pops, edge, options.latency), bandwidthBps };
  });

  const inferredPops: string[] = [];
  for (let i = 0; i < n; i++) if (inferred[i] === 1 && keep[i] === 1) inferredPops.push(raw.nodes[i].label);
  return {
    backbone: { name: raw.name, pops, links },
    report: {
      inferredPops,
      droppedPops,
      droppedEdgeCount,
      selfLoopCount,
      mergedEdgeCount,
      capacityFallbackCount,
      rawIndex: Int32Array.from(rawIndex),
      locatedInSource: Uint8Array.from(rawIndex, (i) => locatedInFile[i]),
    },
  };
}

/**
 * Place unlocated nodes at the mean of their neighbours located before each round; writes
 * into `latitudes`/`longitudes` and returns 1 for each node placed this way.
 */
export function inferCoordinates(raw: RawGraph, latitudes: Float64Array, longitudes: Float64Array): Uint8Array {
  const n = raw.nodes.length;
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (const { source, target } of raw.edges) {
    if (source === target) continue;
    neighbours[source].push(target);
    neighbours[target].push(source);
  }
  const inferred = new Uint8Array(n);
  // Each round places at least one node or ends, so n rounds bound the loop.
  for (let round = 0; round < n; round++) {
    const placed: [number, number, number][] = [];
    for (let v = 0; v < n; v++) {
      if (!Number.isNaN(latitudes[v])) continue;
      let latitudeSum = 0;
      let longitudeSum = 0;
      let count = 0;
      for (const u of neighbours[v]) {
        if (Number.isNaN(latitudes[u])) continue;
        latitudeSum += latitudes[u];
        longitudeSum += longitudes[u];
        count++;
      }
      if (count > 0) placed.push([v, latitudeSum / count, longitudeSum / count]);
    }
    if (placed.length === 0) break;
    for (const [v, latitude, longitude] of placed) {
      latitudes[v] = latitude;
      longitudes[v] = longitude;
      inferred[v] = 1;
    }
  }
  return inferred;
}

function linkLatencyUs(file: string, index: number, pops: readonly Pop[], edge: { a: number; b: number; label: string }, latency: LatencyOptions): number {
  const popA = pops[edge.a];
  const popB = pops[edge.b];
  if (latency.model === 'geo') {
    return geoLatencyUs(greatCircleKm(popA.latitude, popA.longitude, popB.latitude, popB.longitude), latency.routeFactor, latency.perHopUs);
  }
  const value =
    latency.byLinkUs.get(`${popA.name}--${popB.name}`) ??
    latency.byLinkUs.get(`${popB.name}--${popA.name}`) ??
    (edge.label === '' ? undefined : latency.byLinkUs.get(edge.label)) ??
    latency.latencyUs;
  if (Number.isNaN(value)) {
    throw new TopologyError(file, `links[${index}]`, `an explicit latency for "${popA.name}--${popB.name}" (or its label, or latencyUs)`, 'none');
  }
  return Math.max(1, Math.round(value));
}

import { buildAdjacency, shortestPathsFrom, type Adjacency } from './graph.js';
import { proximityEdges } from './planar-graph.js';
import type { Link } from './types.js';

/**
 * Capacity tiers of a synthetic backbone, from where traffic concentrates:
 * - core (tier 2): links on the shortest (km) path between the hubs of two cities that are
 *   neighbours in the Gabriel graph of the hubs (a planar city-to-city backbone);
 * - regional (tier 1): other links of the shortest-path forest that joins every PoP to its
 *   nearest hub, when at least `regionalLoadMin` PoPs hang below them (aggregation links);
 * - access (tier 0): everything else (last-mile links and redundancy).
 * Ties between equally short paths go to the first neighbour in adjacency order.
 */
export const TIER_ACCESS = 0;
export const TIER_REGIONAL = 1;
export const TIER_CORE = 2;

export interface TierInput {
  readonly popCount: number;
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly lengthKm: readonly number[];
  /** Distinct PoP indices of the city hubs. */
  readonly hubs: readonly number[];
  readonly xsKm: Float64Array;
  readonly ysKm: Float64Array;
  readonly regionalLoadMin: number;
}

export function capacityTiers(input: TierInput): Uint8Array {
  const n = input.popCount;
  const tiers = new Uint8Array(input.a.length);
  if (input.hubs.length === 0) return tiers;
  const links: Link[] = input.a.map((_, i) => ({ a: input.a[i], b: input.b[i], latencyUs: input.lengthKm[i], bandwidthBps: 1 }));

  // Regional: a virtual source joined to every hub at zero length makes one Dijkstra run give
  // each PoP its distance to the nearest hub.
  const virtual = n;
  const withSource = links.concat(input.hubs.map((hub) => ({ a: virtual, b: hub, latencyUs: 0, bandwidthBps: 1 })));
  const forestAdjacency = buildAdjacency(n + 1, withSource);
  const distanceKm = new Float64Array(n + 1);
  shortestPathsFrom(forestAdjacency, virtual, distanceKm);
  const parentLink = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    const k = predecessorSlot(forestAdjacency, distanceKm, v);
    if (k < 0 || forestAdjacency.targets[k] === virtual) continue;
    parent[v] = forestAdjacency.targets[k];
    parentLink[v] = forestAdjacency.linkIds[k];
  }
  // Loads: PoPs below each tree link, accumulated from the farthest PoP inwards.
  const order = Array.from({ length: n }, (_, v) => v).filter((v) => Number.isFinite(distanceKm[v]));
  order.sort((x, y) => distanceKm[y] - distanceKm[x] || x - y);
  const below = new Int32Array(n).fill(1);
  for (const v of order) {
    if (parent[v] < 0) continue;
    below[parent[v]] += below[v];
    if (below[v] >= input.regionalLoadMin) tiers[parentLink[v]] = TIER_REGIONAL;
  }

  // Core: hub-to-hub shortest paths for neighbouring cities.
  const adjacency = buildAdjacency(n, links);
  const hubXs = Float64Array.from(input.hubs, (hub) => input.xsKm[hub]);
  const hubYs = Float64Array.from(input.hubs, (hub) => input.ysKm[hub]);
  const cityPairs = proximityEdges(hubXs, hubYs);
  const pathDistanceKm = new Float64Array(n);
  for (let e = 0; e < cityPairs.a.length; e++) {
    if (cityPairs.gabriel[e] === 0) continue;
    const from = input.hubs[cityPairs.a[e]];
    let v = input.hubs[cityPairs.b[e]];
    shortestPathsFrom(adjacency, from, pathDistanceKm);
    if (!Number.isFinite(pathDistanceKm[v])) continue;
    for (let steps = 0; v !== from && steps < n; steps++) {
      const k = predecessorSlot(adjacency, pathDistanceKm, v);
      tiers[adjacency.linkIds[k]] = TIER_CORE;
      v = adjacency.targets[k];
    }
  }
  return tiers;
}

/** The adjacency slot of v's predecessor on a shortest path (dist[u] + w === dist[v]), or -1. */
function predecessorSlot(adjacency: Adjacency, distance: Float64Array, v: number): number {
  if (distance[v] === 0 || !Number.isFinite(distance[v])) return -1;
  for (let k = adjacency.offsets[v]; k < adjacency.offsets[v + 1]; k++) {
    // Exact equality holds: distance[v] was computed as this very sum.
    if (distance[adjacency.targets[k]] + adjacency.weightsUs[k] === distance[v]) return k;
  }
  return -1;
}

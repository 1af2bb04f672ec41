import { DijkstraScratch, shortestPathsFrom, type Adjacency } from './graph.js';

/**
 * Latency diameter: the largest shortest-path one-way latency between two PoPs that can reach
 * each other (pairs in different components are left out; see componentCount elsewhere).
 *
 * Up to `exactPopCountMax` PoPs: one Dijkstra run per PoP (exact). Above: iFUB (Crescenzi et
 * al., "On computing the diameter of real-world undirected graphs", TCS 2013), which is exact
 * and usually needs few runs, on weighted graphs too: pick a central root r (midpoint of a
 * double sweep), take PoPs by decreasing distance from r and compute their eccentricities;
 * once the best eccentricity found, lb, is at least twice the distance d(r, v) of the next PoP
 * v, every pair not yet covered is at most d(r, u) + d(r, w) <= 2 d(r, v) <= lb apart, so lb is
 * the diameter. If `dijkstraRunsMax` is reached first, the answer is the interval
 * [lowerUs, upperUs] with upperUs = max(lb, 2 d(r, v)), and `exact` is false.
 */
export interface LatencyDiameter {
  readonly lowerUs: number;
  readonly upperUs: number;
  readonly exact: boolean;
  readonly method: 'all-pairs' | 'ifub';
  readonly dijkstraRuns: number;
  /** PoPs at distance lowerUs from each other; [-1, -1] when no two PoPs are joined. */
  readonly endpoints: readonly [number, number];
}

export interface LatencyDiameterOptions {
  /** Default 2000. */
  readonly exactPopCountMax?: number;
  /** Budget of Dijkstra runs for iFUB; default 2000. */
  readonly dijkstraRunsMax?: number;
}

export function latencyDiameter(adj: Adjacency, options: LatencyDiameterOptions = {}): LatencyDiameter {
  const exactPopCountMax = options.exactPopCountMax ?? 2000;
  const runsMax = options.dijkstraRunsMax ?? 2000;
  const search = new Search(adj);
  if (adj.n <= exactPopCountMax) {
    for (let v = 0; v < adj.n; v++) search.eccentricity(v);
    return search.result('all-pairs', search.lowerUs, true);
  }
  const component = new Int32Array(adj.n).fill(-1);
  let upperUs = 0;
  let exact = true;
  for (let seed = 0; seed < adj.n; seed++) {
    if (component[seed] >= 0) continue;
    // Sweep 1 labels the component and finds a far PoP a; sweep 2 from a finds b.
    const a = search.eccentricity(seed);
    for (let v = 0; v < adj.n; v++) if (Number.isFinite(search.distUs[v])) component[v] = seed;
    const b = search.eccentricity(a);
    const root = search.midpoint(a, b);
    search.eccentricity(root);
    const fromRootUs = Float64Array.from(search.distUs);
    const order: number[] = [];
    for (let v = 0; v < adj.n; v++) if (component[v] === seed) order.push(v);
    order.sort((x, y) => fromRootUs[y] - fromRootUs[x] || x - y);
    for (const v of order) {
      const boundUs = 2 * fromRootUs[v];
      if (search.lowerUs >= boundUs) break;
      if (search.runs >= runsMax) {
        exact = false;
        upperUs = Math.max(upperUs, boundUs);
        break;
      }
      search.eccentricity(v);
    }
  }
  return search.result('ifub', Math.max(upperUs, search.lowerUs), exact);
}

/** Dijkstra runs with a running maximum eccentricity. */
class Search {
  readonly distUs: Float64Array;
  private readonly scratch: DijkstraScratch;
  lowerUs = 0;
  runs = 0;
  private endpoints: [number, number] = [-1, -1];

  constructor(private readonly adj: Adjacency) {
    this.distUs = new Float64Array(adj.n);
    this.scratch = new DijkstraScratch(adj);
  }

  /** Runs Dijkstra from `source` (distances left in distUs) and returns its farthest PoP. */
  eccentricity(source: number): number {
    shortestPathsFrom(this.adj, source, this.distUs, this.scratch);
    this.runs++;
    let farthest = source;
    for (let v = 0; v < this.adj.n; v++) {
      const d = this.distUs[v];
      if (d !== Infinity && d > this.distUs[farthest]) farthest = v;
    }
    const eccentricityUs = this.distUs[farthest];
    if (eccentricityUs > this.lowerUs) {
      this.lowerUs = eccentricityUs;
      this.endpoints = [source, farthest];
    }
    return farthest;
  }

  /** With distances from `a` in distUs: the PoP on a shortest a-b path nearest its middle. */
  midpoint(a: number, b: number): number {
    const { offsets, targets, weightsUs } = this.adj;
    const halfUs = this.distUs[b] / 2;
    let v = b;
    for (let steps = 0; v !== a && this.distUs[v] > halfUs && steps < this.adj.n; steps++) {
      for (let k = offsets[v]; k < offsets[v + 1]; k++) {
        if (this.distUs[targets[k]] + weightsUs[k] === this.distUs[v]) {
          v = targets[k];
          break;
        }
      }
    }
    return v;
  }

  result(method: 'all-pairs' | 'ifub', upperUs: number, exact: boolean): LatencyDiameter {
    return { lowerUs: this.lowerUs, upperUs, exact, method, dijkstraRuns: this.runs, endpoints: this.endpoints };
  }
}

import { describe, expect, it } from 'vitest';
import { buildAdjacency, shortestPathsFrom } from '../../src/platform/graph.js';
import type { Link } from '../../src/platform/types.js';
import { randomStream } from '../../src/kernel/random.js';

/** Bellman-Ford: slow and obviously right, the reference for both fast algorithms. */
function bellmanFord(n: number, links: readonly Link[], source: number): Float64Array {
  const dist = new Float64Array(n).fill(Infinity);
  dist[source] = 0;
  for (let round = 0; round < n; round++) {
    for (const { a, b, latencyUs } of links) {
      if (dist[a] + latencyUs < dist[b]) dist[b] = dist[a] + latencyUs;
      if (dist[b] + latencyUs < dist[a]) dist[a] = dist[b] + latencyUs;
    }
  }
  return dist;
}

function randomGraph(seed: number, fractional: boolean): { n: number; links: Link[] } {
  const rng = randomStream(seed, 'graph-test');
  const n = 2 + rng.int(40);
  const links: Link[] = [];
  const m = rng.int(3 * n);
  for (let i = 0; i < m; i++) {
    const w = 1 + rng.int(500);
    links.push({ a: rng.int(n), b: rng.int(n), latencyUs: fractional ? w + 0.5 : w, bandwidthBps: 1e9 });
  }
  return { n, links };
}

describe('shortestPathsFrom', () => {
  it('matches Bellman-Ford on 300 random graphs with whole-microsecond weights (bucket queue)', () => {
    for (let seed = 0; seed < 300; seed++) {
      const { n, links } = randomGraph(seed, false);
      const adj = buildAdjacency(n, links);
      expect(adj.integerWeights).toBe(true);
      const source = seed % n;
      const dist = new Float64Array(n);
      shortestPathsFrom(adj, source, dist);
      expect(Array.from(dist)).toEqual(Array.from(bellmanFord(n, links, source)));
    }
  });

  it('matches Bellman-Ford on 300 random graphs with fractional weights (binary heap)', () => {
    for (let seed = 0; seed < 300; seed++) {
      const { n, links } = randomGraph(seed, true);
      const adj = buildAdjacency(n, links);
      const source = seed % n;
      const dist = new Float64Array(n);
      shortestPathsFrom(adj, source, dist);
      expect(Array.from(dist)).toEqual(Array.from(bellmanFord(n, links, source)));
    }
  });

  it('leaves out links marked down', () => {
    const links: Link[] = [
      { a: 0, b: 1, latencyUs: 5, bandwidthBps: 1e9 },
      { a: 1, b: 2, latencyUs: 5, bandwidthBps: 1e9 },
    ];
    const dist = new Float64Array(3);
    shortestPathsFrom(buildAdjacency(3, links, Uint8Array.from([1, 0])), 0, dist);
    expect(Array.from(dist)).toEqual([0, 5, Infinity]);
  });
});

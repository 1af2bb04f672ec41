import { describe, expect, it } from 'vitest';
import { buildBackbone } from '../../src/platform/backbone.js';
import { cutSurvival } from '../../src/platform/cut-survival.js';
import { generateBackbone } from '../../src/platform/generate.js';
import { buildAdjacency } from '../../src/platform/graph.js';
import { loadGraphml } from '../../src/platform/graphml.js';
import { latencyDiameter } from '../../src/platform/latency-diameter.js';
import { formatTopologyInfo, topologyInfo } from '../../src/platform/topo-info.js';
import type { Link } from '../../src/platform/types.js';
import { topologyPath } from './paths.js';

const renater = loadGraphml(topologyPath('Renater2010.graphml'));
const link = (a: number, b: number, latencyUs = 1): Link => ({ a, b, latencyUs, bandwidthBps: 1 });

describe('topology info', () => {
  it('counts Renater2010: 43 nodes, 37 with coordinates, 56 edges', () => {
    const info = topologyInfo(renater, buildBackbone(renater));
    expect([info.nodeCount, info.locatedNodeCount, info.edgeCount]).toEqual([43, 37, 56]);
  });

  it('finds that 35 of the 37 geolocated Renater2010 PoPs survive any single link cut (Corte and Vierzon are single-homed)', () => {
    const dropped = buildBackbone(renater, { unlocated: 'drop' });
    const info = topologyInfo(renater, dropped);
    expect([info.survivorCount, info.popCount]).toEqual([35, 37]);
    const adjacency = buildAdjacency(dropped.backbone.pops.length, dropped.backbone.links);
    const survival = cutSurvival(adjacency);
    const lost = dropped.backbone.pops.filter((_, v) => survival.survives[v] === 0).map((pop) => pop.name);
    expect(lost.sort()).toEqual(['Corte', 'Vierzon']);
  });

  it('still counts 35 of 37 source-located survivors when unlocated nodes are placed from neighbours (38 of 43 overall)', () => {
    const info = topologyInfo(renater, buildBackbone(renater));
    expect([info.locatedSurvivorCount, info.locatedPopCount]).toEqual([35, 37]);
    expect([info.survivorCount, info.popCount]).toEqual([38, 43]);
  });

  it('gives Renater2010 an exact latency diameter of 9,277 us one way, Brest to Corte', () => {
    const info = topologyInfo(renater, buildBackbone(renater));
    expect(info.diameter.exact).toBe(true);
    expect(info.diameter.lowerUs).toBe(9277);
    expect([...info.diameterEndpoints].sort()).toEqual(['Brest', 'Corte']);
  });

  it('formats the facts as text', () => {
    const text = formatTopologyInfo(topologyInfo(renater, buildBackbone(renater, { unlocated: 'drop' })));
    expect(text).toContain('43 nodes (37 with coordinates), 56 edges');
    expect(text).toContain('35 of 37 PoPs survive any (94.6%)');
    expect(text).toContain('latency diameter (one-way): 9.277 ms');
  });
});

describe('single link cut survival', () => {
  it('loses the leaf of a triangle with a tail: 3 of 4 PoPs survive, worst cut keeps 75% together', () => {
    const links = [link(0, 1), link(1, 2), link(2, 0), link(2, 3)];
    const survival = cutSurvival(buildAdjacency(4, links));
    expect(Array.from(survival.survives)).toEqual([1, 1, 1, 0]);
    expect(Array.from(survival.bridgeLinkIds)).toEqual([3]);
    expect(survival.worstCutLargestShare).toBe(0.75);
  });

  it('does not count a doubled link as a bridge', () => {
    const links = [link(0, 1), link(0, 1)];
    expect(cutSurvival(buildAdjacency(2, links)).survivorCount).toBe(2);
  });

  it('loses both halves of a path of 4 PoPs cut in its middle (a tie has no largest side)', () => {
    const links = [link(0, 1), link(1, 2), link(2, 3)];
    expect(cutSurvival(buildAdjacency(4, links)).survivorCount).toBe(0);
  });

  it('counts only the largest of two components: 3 of 5 PoPs survive', () => {
    const links = [link(0, 1), link(1, 2), link(2, 0), link(3, 4)];
    const survival = cutSurvival(buildAdjacency(5, links));
    expect(survival.survivorCount).toBe(3);
    expect(survival.componentCount).toBe(2);
  });

  it('runs on a 20,000-PoP path without overflowing the stack (every PoP is lost to some cut)', () => {
    const links = Array.from({ length: 19_999 }, (_, i) => link(i, i + 1));
    expect(cutSurvival(buildAdjacency(20_000, links)).survivorCount).toBe(0);
  });
});

describe('latency diameter', () => {
  it('is 20 us on a ring of four 10 us links (a 50 us diagonal is never shortest) and 30 us on a 3-link path', () => {
    const links = [link(0, 1, 10), link(1, 2, 10), link(2, 3, 10), link(3, 0, 10), link(0, 2, 50)];
    expect(latencyDiameter(buildAdjacency(4, links)).lowerUs).toBe(20);
    const path = [link(0, 1, 10), link(1, 2, 10), link(2, 3, 10)];
    expect(latencyDiameter(buildAdjacency(4, path)).lowerUs).toBe(30);
  });

  it('agrees between all-pairs and iFUB on a generated 1,500-PoP backbone', () => {
    const { backbone } = buildBackbone(generateBackbone({ popCount: 1500, seed: 3 }).graph);
    const adjacency = buildAdjacency(backbone.pops.length, backbone.links);
    const allPairs = latencyDiameter(adjacency);
    const ifub = latencyDiameter(adjacency, { exactPopCountMax: 0 });
    expect(allPairs.method).toBe('all-pairs');
    expect(ifub.method).toBe('ifub');
    expect(ifub.lowerUs).toBe(allPairs.lowerUs);
    expect(ifub.exact).toBe(true);
    expect(ifub.dijkstraRuns).toBeLessThan(allPairs.dijkstraRuns);
  });

  it('is exact on a generated 10,000-PoP backbone', () => {
    const { backbone } = buildBackbone(generateBackbone({ popCount: 10_000, seed: 42 }).graph);
    const diameter = latencyDiameter(buildAdjacency(backbone.pops.length, backbone.links));
    expect(diameter.exact).toBe(true);
    // Mainland France is ~1,000 km across: 5 to 15 ms one way with route factor and hops.
    expect(diameter.lowerUs).toBeGreaterThan(5000);
    expect(diameter.lowerUs).toBeLessThan(15_000);
  });

  it('reports an interval, not a false exact value, when the Dijkstra budget runs out', () => {
    const { backbone } = buildBackbone(generateBackbone({ popCount: 3000, seed: 5 }).graph);
    const adjacency = buildAdjacency(backbone.pops.length, backbone.links);
    const exact = latencyDiameter(adjacency);
    const bounded = latencyDiameter(adjacency, { exactPopCountMax: 0, dijkstraRunsMax: 5 });
    expect(bounded.exact).toBe(false);
    expect(bounded.lowerUs).toBeLessThanOrEqual(exact.lowerUs);
    expect(bounded.upperUs).toBeGreaterThanOrEqual(exact.lowerUs);
  });
});

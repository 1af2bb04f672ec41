import { describe, expect, it } from 'vitest';
import { buildBackbone } from '../../src/platform/backbone.js';
import { geoLatencyUs, greatCircleKm } from '../../src/platform/geo.js';
import { loadGraphml } from '../../src/platform/graphml.js';
import type { RawGraph } from '../../src/platform/types.js';
import { TopologyError } from '../../src/platform/types.js';
import { topologyPath } from './paths.js';

const renater = loadGraphml(topologyPath('Renater2010.graphml'));

function linkBetween(graph: ReturnType<typeof buildBackbone>, nameA: string, nameB: string) {
  const { pops, links } = graph.backbone;
  const a = pops.findIndex((pop) => pop.name === nameA);
  const b = pops.findIndex((pop) => pop.name === nameB);
  return links.find((link) => (link.a === a && link.b === b) || (link.a === b && link.b === a));
}

/** Two located PoPs, one unlocated between them, one unlocated island, and a doubled link. */
const sample: RawGraph = {
  name: 'sample',
  nodes: [
    { id: 'p', label: 'Paris', latitude: 48.8566, longitude: 2.3522, country: 'France', internal: true },
    { id: 'l', label: 'Lyon', latitude: 45.764, longitude: 4.8357, country: 'France', internal: true },
    { id: 'x', label: 'IX', latitude: NaN, longitude: NaN, country: '', internal: false },
    { id: 'y', label: 'Island', latitude: NaN, longitude: NaN, country: '', internal: false },
    { id: 'z', label: 'Behind IX', latitude: NaN, longitude: NaN, country: '', internal: false },
  ],
  edges: [
    { source: 0, target: 1, capacityBps: 10e9, label: 'a' },
    { source: 1, target: 0, capacityBps: 10e9, label: 'b' },
    { source: 0, target: 2, capacityBps: NaN, label: '' },
    { source: 1, target: 2, capacityBps: 1e9, label: '' },
    { source: 2, target: 4, capacityBps: 1e9, label: '' },
    { source: 3, target: 3, capacityBps: 1e9, label: '' },
  ],
};

describe('backbone builder', () => {
  it('puts Paris-Lyon at ~392 km great circle, ~2,568 us one way with route factor 1.3 and 20 us per hop (within 1%)', () => {
    expect(greatCircleKm(48.8566, 2.3522, 45.764, 4.8357)).toBeCloseTo(392, -1);
    const latencyUs = linkBetween(buildBackbone(renater), 'Paris', 'Lyon')?.latencyUs ?? NaN;
    expect(Math.abs(latencyUs - 2568) / 2568).toBeLessThan(0.01);
    expect(Number.isInteger(latencyUs)).toBe(true);
  });

  it('rounds geo latency to whole us and never below 1 us', () => {
    expect(geoLatencyUs(0, 1.3, 0)).toBe(1);
    expect(geoLatencyUs(100, 1, 0.4)).toBe(500);
  });

  it('gives every Renater2010 link 10 Gb/s by default, not the file 155 Mb/s', () => {
    const { backbone } = buildBackbone(renater);
    expect(new Set(backbone.links.map((link) => link.bandwidthBps))).toEqual(new Set([10e9]));
  });

  it('uses the file 155 Mb/s only when asked with bandwidthFrom file', () => {
    const { backbone } = buildBackbone(renater, { bandwidthFrom: 'file' });
    expect(new Set(backbone.links.map((link) => link.bandwidthBps))).toEqual(new Set([155e6]));
  });

  it('places the 6 unlocated Renater2010 nodes from their neighbours and keeps all 43 PoPs and 56 links', () => {
    const { backbone, report } = buildBackbone(renater);
    expect(backbone.pops).toHaveLength(43);
    expect(backbone.links).toHaveLength(56);
    expect(report.inferredPops).toHaveLength(6);
    const sfinx = backbone.pops.find((pop) => pop.name === 'SFINX');
    const paris = backbone.pops.find((pop) => pop.name === 'Paris');
    expect([sfinx?.latitude, sfinx?.longitude]).toEqual([paris?.latitude, paris?.longitude]);
  });

  it('drops the 6 unlocated Renater2010 nodes and their 8 edges when asked, leaving 37 PoPs and 48 links', () => {
    const { backbone, report } = buildBackbone(renater, { unlocated: 'drop' });
    expect(backbone.pops).toHaveLength(37);
    expect(backbone.links).toHaveLength(48);
    expect(report.droppedEdgeCount).toBe(8);
  });

  it('places an unlocated node at the mean of its located neighbours, then the nodes behind it, and drops an island', () => {
    const { backbone, report } = buildBackbone(sample);
    const ix = backbone.pops.find((pop) => pop.name === 'IX');
    expect(ix?.latitude).toBeCloseTo((48.8566 + 45.764) / 2, 12);
    expect(backbone.pops.find((pop) => pop.name === 'Behind IX')?.latitude).toBe(ix?.latitude);
    expect(report.droppedPops).toEqual(['Island']);
    expect(report.selfLoopCount + report.droppedEdgeCount).toBe(1);
  });

  it('merges parallel Paris-Lyon edges into one link whose file capacity is their sum, 20 Gb/s', () => {
    const build = buildBackbone(sample, { bandwidthFrom: 'file' });
    expect(build.report.mergedEdgeCount).toBe(1);
    expect(build.backbone.links).toHaveLength(4);
    expect(linkBetween(build, 'Paris', 'Lyon')?.bandwidthBps).toBe(20e9);
    // Paris-IX has no file capacity: it falls back to the default 10 Gb/s and is counted.
    expect(linkBetween(build, 'Paris', 'IX')?.bandwidthBps).toBe(10e9);
    expect(build.report.capacityFallbackCount).toBe(1);
  });

  it('takes explicit latencies by PoP pair in either order, then by link label, then the constant', () => {
    const build = buildBackbone(sample, { latency: { model: 'explicit', latencyUs: 50, byLinkUs: { 'Lyon--Paris': 2500, 'IX--Behind IX': 7.4 } } });
    expect(linkBetween(build, 'Paris', 'Lyon')?.latencyUs).toBe(2500);
    expect(linkBetween(build, 'Behind IX', 'IX')?.latencyUs).toBe(7);
    expect(linkBetween(build, 'Paris', 'IX')?.latencyUs).toBe(50);
    // Explicit latencies need no coordinates: the island stays, unplaced.
    expect(build.backbone.pops).toHaveLength(5);
  });

  it('reports a link without an explicit latency as a TopologyError naming the link', () => {
    expect(() => buildBackbone(sample, { latency: { model: 'explicit', byLinkUs: { a: 1 } } })).toThrow(TopologyError);
    expect(() => buildBackbone(sample, { latency: { model: 'explicit', byLinkUs: { a: 1 } } })).toThrow('links[1]: expected an explicit latency for "Paris--IX"');
  });

  it('rejects a non-positive route factor when options are normalised', () => {
    expect(() => buildBackbone(sample, { latency: { model: 'geo', routeFactor: 0 } })).toThrow('routeFactor');
  });

  it('scales geo latency with the route factor: 1.0 gives 392 km * 5 us/km + 20 us', () => {
    const latencyUs = linkBetween(buildBackbone(renater, { latency: { model: 'geo', routeFactor: 1, perHopUs: 20 } }), 'Paris', 'Lyon')?.latencyUs ?? NaN;
    const paris = renater.nodes.find((node) => node.label === 'Paris')!;
    const lyon = renater.nodes.find((node) => node.label === 'Lyon')!;
    expect(latencyUs).toBe(Math.round(greatCircleKm(paris.latitude, paris.longitude, lyon.latitude, lyon.longitude) * 5 + 20));
  });
});

import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBackbone } from '../../src/platform/backbone.js';
import { cutSurvival } from '../../src/platform/cut-survival.js';
import { generateBackbone, TIER_CAPACITY_BPS, type GeneratedBackbone } from '../../src/platform/generate.js';
import { localFrame, toLocalXKm, toLocalYKm } from '../../src/platform/geo.js';
import { buildAdjacency } from '../../src/platform/graph.js';
import { parseGraphml } from '../../src/platform/graphml.js';
import { writeGraphml } from '../../src/platform/graphml-write.js';
import { MAINLAND_FRANCE_BOX } from '../../src/platform/france.js';
import { proximityEdges } from '../../src/platform/planar-graph.js';
import type { RawGraph } from '../../src/platform/types.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const pairKey = (a: number, b: number): string => (a < b ? `${a},${b}` : `${b},${a}`);

function survivalOf(graph: RawGraph) {
  const links = graph.edges.map((edge) => ({ a: edge.source, b: edge.target, latencyUs: 1, bandwidthBps: 1 }));
  return cutSurvival(buildAdjacency(graph.nodes.length, links));
}

/** Delaunay and Gabriel edges of the generated PoPs, recomputed independently of the generator's order. */
function proximityOf(graph: RawGraph) {
  const box = MAINLAND_FRANCE_BOX;
  const frame = localFrame((box.latitudeMin + box.latitudeMax) / 2, (box.longitudeMin + box.longitudeMax) / 2);
  const edges = proximityEdges(
    Float64Array.from(graph.nodes, (node) => toLocalXKm(frame, node.longitude)),
    Float64Array.from(graph.nodes, (node) => toLocalYKm(frame, node.latitude)),
  );
  const delaunay = new Set<string>();
  const gabriel = new Set<string>();
  for (let e = 0; e < edges.a.length; e++) {
    delaunay.add(pairKey(edges.a[e], edges.b[e]));
    if (edges.gabriel[e] === 1) gabriel.add(pairKey(edges.a[e], edges.b[e]));
  }
  return { delaunay, gabriel };
}

describe('synthetic RENATER-like generator at 10,000 PoPs', () => {
  let generated: GeneratedBackbone;
  beforeAll(() => {
    generated = generateBackbone({ popCount: 10_000, seed: 42 });
  });

  it('generates 10,000 PoPs in mainland France', () => {
    expect(generated.graph.nodes).toHaveLength(10_000);
    for (const node of generated.graph.nodes) {
      expect(node.latitude).toBeGreaterThanOrEqual(42.3);
      expect(node.latitude).toBeLessThanOrEqual(51.1);
    }
  });

  it('is planar and Gabriel-based: every Gabriel edge is a link and every link is a Delaunay edge', () => {
    const { delaunay, gabriel } = proximityOf(generated.graph);
    const links = new Set(generated.graph.edges.map((edge) => pairKey(edge.source, edge.target)));
    expect(links.size).toBe(generated.graph.edges.length);
    for (const link of links) expect(delaunay.has(link)).toBe(true);
    for (const edge of gabriel) expect(links.has(edge)).toBe(true);
    expect(generated.gabrielLinkCount).toBe(gabriel.size);
  });

  it('is connected and at least 95% of PoPs survive any single link cut', () => {
    const survival = survivalOf(generated.graph);
    expect(survival.componentCount).toBe(1);
    expect(survival.survivorCount / 10_000).toBeGreaterThanOrEqual(0.95);
  });

  it('is denser around Paris than around Limoges, with city-named and pop-named PoPs', () => {
    const labels = generated.graph.nodes.map((node) => node.label);
    const count = (prefix: string): number => labels.filter((label) => label.startsWith(prefix)).length;
    expect(count('paris-')).toBeGreaterThan(5 * count('limoges-'));
    expect(labels).toContain('pop-00042');
    expect(new Set(labels).size).toBe(10_000);
  });

  it('has 100 Gb/s core, 10 Gb/s regional and 1 Gb/s access links, most of them access', () => {
    const capacities = generated.graph.edges.map((edge) => edge.capacityBps);
    expect(new Set(capacities)).toEqual(new Set(TIER_CAPACITY_BPS));
    expect(generated.coreLinkCount).toBeGreaterThan(0);
    expect(generated.regionalLinkCount).toBeGreaterThan(0);
    expect(generated.accessLinkCount).toBeGreaterThan(generated.graph.edges.length / 2);
  });

  it('writes GraphML that reloads with identical PoPs and links', () => {
    const reloaded = parseGraphml(writeGraphml(generated.graph), 'generated.graphml');
    expect(reloaded).toEqual(generated.graph);
    const options = { bandwidthFrom: 'file' } as const;
    expect(buildBackbone(reloaded, options).backbone).toEqual(buildBackbone(generated.graph, options).backbone);
  });

  it('gives identical GraphML bytes for the same seed and different bytes for another seed', () => {
    const same = generateBackbone({ popCount: 10_000, seed: 42 });
    const other = generateBackbone({ popCount: 10_000, seed: 43 });
    const bytes = sha256(writeGraphml(generated.graph));
    expect(sha256(writeGraphml(same.graph))).toBe(bytes);
    expect(sha256(writeGraphml(other.graph))).not.toBe(bytes);
  });
});

describe('synthetic generator redundancy', () => {
  it('adds Delaunay edges across bridges until 100% of 2,000 PoPs survive any single cut when asked', () => {
    const generated = generateBackbone({ popCount: 2000, seed: 7, survivalShareMin: 1 });
    expect(generated.redundancyLinkCount).toBeGreaterThan(0);
    const survival = survivalOf(generated.graph);
    expect(survival.bridgeLinkIds).toHaveLength(0);
    expect(survival.survivorCount).toBe(2000);
    const { delaunay } = proximityOf(generated.graph);
    for (const edge of generated.graph.edges) expect(delaunay.has(pairKey(edge.source, edge.target))).toBe(true);
  });

  it('keeps 300 PoPs inside a caller box around Lyon (45-46.5 N, 4-5.5 E)', () => {
    const box = { latitudeMin: 45, latitudeMax: 46.5, longitudeMin: 4, longitudeMax: 5.5 };
    const generated = generateBackbone({ popCount: 300, seed: 1, box });
    for (const node of generated.graph.nodes) {
      expect(node.latitude >= 45 && node.latitude <= 46.5 && node.longitude >= 4 && node.longitude <= 5.5).toBe(true);
    }
    expect(survivalOf(generated.graph).survivorCount / 300).toBeGreaterThanOrEqual(0.95);
  });

  it('handles 1 and 2 PoPs: no link, then one link', () => {
    expect(generateBackbone({ popCount: 1, seed: 1 }).graph.edges).toHaveLength(0);
    expect(generateBackbone({ popCount: 2, seed: 1 }).graph.edges).toHaveLength(1);
  });
});

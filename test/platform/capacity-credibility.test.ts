import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBackbone } from '../../src/platform/backbone.js';
import { credibleBandwidthSource } from '../../src/platform/capacity-credibility.js';
import { loadGraphml } from '../../src/platform/graphml.js';
import type { RawGraph } from '../../src/platform/types.js';
import { loadScenario } from '../../src/scenario/load.js';
import { topologyPath } from './paths.js';

function graph(capacities: readonly number[]): RawGraph {
  const nodes = capacities.concat(NaN).map((_, i) => ({ id: `n${i}`, label: `n${i}`, latitude: 45, longitude: i, country: 'FR', internal: true }));
  return { name: 'g', nodes, edges: capacities.map((capacityBps, i) => ({ source: i, target: i + 1, capacityBps, label: '' })) } as unknown as RawGraph;
}

describe("bandwidthFrom auto: a file's capacities are taken when credible", () => {
  it('takes them when at least half of the links state one and they take two values or more', () => {
    expect(credibleBandwidthSource(graph([1e9, 10e9, NaN, NaN]))).toBe('file');
    expect(credibleBandwidthSource(graph([1e9, 10e9, NaN, NaN, NaN]))).toBe('scenario');
    expect(credibleBandwidthSource(graph([155e6, 155e6, 155e6]))).toBe('scenario');
    expect(credibleBandwidthSource(graph([NaN, NaN]))).toBe('scenario');
    expect(credibleBandwidthSource(graph([]))).toBe('scenario');
  });

  it('finds Garr201201, Geant2012 and Uninett2011 credible, and not Renater2006/2008/2010 (one figure on every link), Abilene or Cogentco (none)', () => {
    const source = (file: string): string => credibleBandwidthSource(loadGraphml(topologyPath(file)));
    for (const file of ['Garr201201.graphml', 'Geant2012.graphml', 'Uninett2011.graphml']) expect(source(file), file).toBe('file');
    for (const file of ['Renater2006.graphml', 'Renater2008.graphml', 'Renater2010.graphml', 'Abilene.graphml', 'Cogentco.graphml']) expect(source(file), file).toBe('scenario');
  });

  it('gives Garr201201 links its 1, 2.5 and 10 Gb/s under auto, and Renater2010 links 10 Gb/s, not 155 Mb/s', () => {
    const garr = buildBackbone(loadGraphml(topologyPath('Garr201201.graphml')), { bandwidthFrom: 'auto' }).backbone;
    expect(new Set(garr.links.map((link) => link.bandwidthBps)).has(2.5e9)).toBe(true);
    const renater = buildBackbone(loadGraphml(topologyPath('Renater2010.graphml')), { bandwidthFrom: 'auto' }).backbone;
    expect(new Set(renater.links.map((link) => link.bandwidthBps))).toEqual(new Set([10e9]));
  });

  it('is the default of a scenario, resolved at load so that scenario.json says which source was taken; an explicit choice stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'luc-bandwidth-'));
    try {
      const scenario = (file: string, extra = ''): string => {
        const path = join(dir, `${file}${extra === '' ? '' : '-x'}.yaml`);
        writeFileSync(path, `name: b\nseed: 1\ndurationS: 10\ntopology: { kind: graphml, file: ${topologyPath(file)}${extra} }\nprotocols: { vivaldi: {} }\n`);
        return path;
      };
      expect(loadScenario(scenario('Garr201201.graphml')).topology).toMatchObject({ bandwidthFrom: 'file' });
      expect(loadScenario(scenario('Renater2010.graphml')).topology).toMatchObject({ bandwidthFrom: 'scenario' });
      expect(loadScenario(scenario('Garr201201.graphml', ', bandwidthFrom: scenario')).topology).toMatchObject({ bandwidthFrom: 'scenario' });
      expect(loadScenario(scenario('Renater2010.graphml', ', bandwidthFrom: file')).topology).toMatchObject({ bandwidthFrom: 'file' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

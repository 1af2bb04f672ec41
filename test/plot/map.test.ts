import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraphml } from '../../src/platform/graphml.js';
import { buildBackbone } from '../../src/platform/backbone.js';
import { mapLayout } from '../../src/plot/map-projection.js';
import { loadMapData } from '../../src/plot/map-data.js';
import { mapSvg } from '../../src/plot/map-chart.js';
import { PlotInputError } from '../../src/plot/errors.js';
import { RENATER_GRAPHML, attributesOf, makeRun, titledCircles } from './fixtures.js';

describe('luc map', () => {
  let dir = '';
  let run = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-map-'));
    run = makeRun(join(dir, 'run'), 1);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts Paris of Renater2010 at its conformal-conic position, within 0.5 px', () => {
    const svg = mapSvg(loadMapData(RENATER_GRAPHML));
    const pops = buildBackbone(loadGraphml(RENATER_GRAPHML), { bandwidthFrom: 'file' }).backbone.pops;
    const layout = mapLayout(pops.map((p) => [p.longitude, p.latitude] as const));
    const paris = pops.find((p) => p.name === 'Paris');
    const expected = layout.projection([paris?.longitude ?? NaN, paris?.latitude ?? NaN]) ?? [NaN, NaN];
    const circles = titledCircles(svg);
    const drawn = circles.get('Paris: 1 host, 10 links');
    expect(drawn, [...circles.keys()].join('; ')).toBeDefined();
    expect(Math.abs(Number(drawn?.cx) - expected[0])).toBeLessThan(0.5);
    expect(Math.abs(Number(drawn?.cy) - expected[1])).toBeLessThan(0.5);
    // The map panel sits at the left edge, below the titles.
    expect(attributesOf(svg.match(/<svg x="[^"]*" y="[^"]*"/)?.[0] ?? '').x).toBe('0');
    // North is up and west is left: Paris above Marseille, Brest left of Strasbourg.
    const at = (prefix: string): Record<string, string> => [...circles.entries()].find(([title]) => title.startsWith(`${prefix}:`))?.[1] ?? {};
    expect(Number(at('Paris').cy)).toBeLessThan(Number(at('Marseille').cy));
    expect(Number(at('Brest').cx)).toBeLessThan(Number(at('Strasbourg').cx));
    expect(svg).toContain(`Renater2010: ${pops.length} PoPs`);
  });

  it('sizes PoPs by the hosts of the run and draws the Vivaldi plane beside the map, one dot per host', () => {
    const svg = mapSvg(loadMapData(run));
    const circles = titledCircles(svg);
    // Renater with hosts { rule: degree, perLink: 2, min: 2 }: Paris has 10 links, so 20 hosts.
    const paris = circles.get('Paris: 20 hosts, 10 links');
    const small = [...circles.entries()].find(([title]) => title.includes(': 2 hosts'))?.[1];
    expect(Number(paris?.r)).toBeGreaterThan(Number(small?.r));
    const hostDots = [...circles.keys()].filter((title) => /\/\d+$/.test(title));
    expect(hostDots).toHaveLength(224);
    expect(svg).toContain('Vivaldi x0_ms');
    expect(svg).toContain('Vivaldi x1_ms');
    expect(svg.match(/<svg x="[^"]*"/g)?.length).toBe(3); // map, Vivaldi plane, legend
  });

  it('places hand-made coordinates where they say: a host at (3, -4) ms lies right of and below one at (-3, 4)', () => {
    const handmade = makeRun(join(dir, 'handmade'), 2);
    const rows = ['node,x0_ms,x1_ms,height_ms,error_estimate', 'Paris/0,-3,4,1,0.1', 'Marseille/0,3,-4,1,0.1', 'Lyon/0,0,0,1,0.1'];
    writeFileSync(join(handmade, 'coordinates.csv'), rows.join('\n') + '\n');
    const circles = titledCircles(mapSvg(loadMapData(handmade)));
    const [paris, marseille, lyon] = ['Paris/0', 'Marseille/0', 'Lyon/0'].map((t) => circles.get(t) ?? {});
    expect(Number(paris.cx)).toBeLessThan(Number(lyon.cx));
    expect(Number(lyon.cx)).toBeLessThan(Number(marseille.cx));
    expect(Number(paris.cy)).toBeLessThan(Number(marseille.cy));
    // Equal units on both axes: Lyon is halfway.
    expect(Math.abs(Number(lyon.cx) - (Number(paris.cx) + Number(marseille.cx)) / 2)).toBeLessThan(0.01);
    // A PoP's colour is the same on the map and in the Vivaldi plane.
    const popFill = (name: string): string =>
      [...mapSvg(loadMapData(handmade)).matchAll(/<circle ([^>]*)><title>([^<]*)<\/title>/g)].find((m) => m[2].startsWith(`${name}:`))?.[1].match(/fill="([^"]*)"/)?.[1] ?? '';
    expect(popFill('Paris')).toMatch(/^hsl\(/);
    expect(mapSvg(loadMapData(handmade))).toMatch(new RegExp(`fill="${popFill('Paris').replace(/[()]/g, '\\$&')}"[^>]*><title>Paris/0`));
  });

  it("draws the links a scenario's faults take down dashed, and only those", () => {
    const faulty = makeRun(join(dir, 'faulty'), 3);
    const scenarioPath = join(faulty, 'scenario.json');
    const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));
    scenario.faults = [{ kind: 'link-down', atS: 30, link: ['Paris', 'Lyon'], durationS: 10 }];
    writeFileSync(scenarioPath, JSON.stringify(scenario));
    const svg = mapSvg(loadMapData(faulty));
    const dashed = [...svg.matchAll(/<g [^>]*stroke-dasharray="5,3"[^>]*aria-label="link"[^>]*>(.*?)<\/g>/gs)];
    expect(dashed).toHaveLength(1);
    expect([...dashed[0][1].matchAll(/<path /g)]).toHaveLength(1);
    expect(svg).toContain('link taken down by a fault');
  });

  it('gives byte-identical SVG for the same input', () => {
    expect(mapSvg(loadMapData(run))).toBe(mapSvg(loadMapData(run)));
    expect(mapSvg(loadMapData(RENATER_GRAPHML))).toBe(mapSvg(loadMapData(RENATER_GRAPHML)));
  });

  it('draws the countries the RENATER panel reaches under the PoPs, and no others, in under 40 kB', () => {
    const svg = mapSvg(loadMapData(RENATER_GRAPHML));
    const layer = /<g aria-label="country outlines"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    const countries = [...layer.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    for (const name of ['France', 'Switzerland', 'Italy', 'Spain', 'United Kingdom', 'Belgium', 'Germany']) expect(countries).toContain(name);
    for (const name of ['Japan', 'Brazil', 'Poland']) expect(countries).not.toContain(name);
    // Under every other mark: the first group of the map panel.
    expect(svg.indexOf('aria-label="country outlines"')).toBeLessThan(svg.indexOf('aria-label="link"'));
    expect(svg.length).toBeLessThan(40_000);
    expect(svg).toContain('country (Natural Earth)');
  });

  it('names the file when the input is not a topology, or when a run has no geography', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello');
    expect(() => loadMapData(text)).toThrow(PlotInputError);
    expect(() => loadMapData(text)).toThrow(`${text}: expected a GraphML topology (.graphml) or a results folder`);
    expect(() => loadMapData(join(dir, 'nothing'))).toThrow(`${join(dir, 'nothing')}: no such file or folder`);
    const matrixRun = makeRun(join(dir, 'matrix'), 4);
    const scenarioPath = join(matrixRun, 'scenario.json');
    const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));
    scenario.topology = { kind: 'matrix', file: 'topologies/planetlab-490.tsv', unit: 'ms' };
    writeFileSync(scenarioPath, JSON.stringify(scenario));
    expect(mapSvg(loadMapData(matrixRun))).toContain('an RTT matrix has no geography');
    rmSync(join(matrixRun, 'coordinates.csv'));
    expect(() => loadMapData(matrixRun)).toThrow(`${join(matrixRun, 'coordinates.csv')}: missing: a run over an RTT matrix has no geography`);
    scenario.topology = { kind: 'moon' };
    writeFileSync(scenarioPath, JSON.stringify(scenario));
    expect(() => loadMapData(matrixRun)).toThrow(`${scenarioPath}: topology.kind: expected graphml or generate (a backbone with geography) or matrix (a run with Vivaldi coordinates), found 'moon'`);
    scenario.topology = { kind: 'graphml', file: 'topologies/Gone.graphml' };
    writeFileSync(scenarioPath, JSON.stringify(scenario));
    expect(() => loadMapData(matrixRun)).toThrow(`${scenarioPath}: topology.file 'topologies/Gone.graphml' not found`);
  });
});

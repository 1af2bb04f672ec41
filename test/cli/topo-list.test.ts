import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestNames } from '../../src/scenario/suggest.js';
import { luc, ROOT } from './run-cli.js';

const RENATER = join(ROOT, 'topologies/Renater2010.graphml');
const CRASH = join(ROOT, 'scenarios/renater-dvms-crash.yaml');
const DVMS = join(ROOT, 'scenarios/renater-dvms.yaml');

describe('luc topo info --list, and errors naming the nearest PoPs, links and countries', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-topo-list-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists Renater2010's 43 PoPs with country, coordinates and links, and its 56 links with latency and bandwidth", () => {
    const r = luc(['topo', 'info', RENATER, '--list']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('43 PoPs');
    expect(lines[1].split(/\s{2,}/).map((c) => c.trim())).toEqual(['#', 'PoP', 'country', 'latitude', 'longitude', 'links']);
    expect(lines[2]).toMatch(/^ 0 {2}Bordeaux +France +44\.8333 +-0\.5667 +5$/);
    expect(lines).toContain('56 links');
    expect(r.stdout).toMatch(/\nBordeaux +Nantes +1\.813 +10\.000\n/);
  });

  it("adds each PoP's hosts under a scenario's hosts.perPop rule, as text and JSON", () => {
    const r = luc(['topo', 'info', RENATER, '--list', '--scenario', DVMS, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { pops: { name: string; hosts: number; links: number }[]; links: unknown[] };
    expect(list.pops).toHaveLength(43);
    expect(list.links).toHaveLength(56);
    expect(list.pops.reduce((sum, p) => sum + p.hosts, 0)).toBe(224); // renater-dvms: 224 hosts
    for (const p of list.pops) expect(p.hosts).toBe(Math.max(2, 2 * p.links));
    const text = luc(['topo', 'info', RENATER, '--list', '--scenario', DVMS]);
    expect(text.stdout.split('\n')[2]).toMatch(/Bordeaux .* 5 +10$/);
  });

  it('refuses --list on an RTT matrix, and --scenario without --list, with exit 2', () => {
    const file = join(dir, 'tiny.csv');
    writeFileSync(file, '0,10\n10,0\n');
    const matrix = luc(['topo', 'info', file, '--list']);
    expect(matrix.status).toBe(2);
    expect(matrix.stderr).toContain('--list lists a GraphML backbone');
    expect(luc(['topo', 'info', RENATER, '--scenario', DVMS]).status).toBe(2);
  });

  it("names a link's missing end with the PoP's links, a misspelt PoP and a misspelt country with the nearest names", () => {
    const out = join(dir, 'x');
    const link = luc(['validate', CRASH, '--set', 'faults=[{"kind":"link-down","atS":500,"link":["Lyon","Brest"],"durationS":100}]']);
    expect(link.status).toBe(2);
    expect(link.stderr).toContain("faults[0].link: expected two PoPs joined by a link, found no link between Lyon and Brest (Lyon's links: Clermont-Ferrand, Dijon, Geneve, Grenoble,");
    const pop = luc(['validate', CRASH, '--set', 'faults=[{"kind":"pop-crash","atS":500,"pop":"Lyn","durationS":100}]']);
    expect(pop.status).toBe(2);
    expect(pop.stderr).toContain("faults[0].pop: expected a PoP of Renater2010, found 'Lyn' (known PoPs like it: Lyon");
    const country = luc(['run', DVMS, '--set', 'cloud.ves=[{"constraint":"fence","count":1,"size":2,"countries":["Frnace"]}]', '--out', out]);
    expect(country.status).toBe(2);
    expect(country.stderr).toContain("cloud.ves[0]: expected countries of the topology's PoPs in countries, found 'Frnace' (known countries like it: France)");
    const fencePop = luc(['validate', DVMS, '--set', 'cloud.ves=[{"constraint":"fence","count":1,"size":2,"pops":["Pariss"]}]']);
    expect(fencePop.status).toBe(2);
    expect(fencePop.stderr).toContain("found 'Pariss' (known PoPs like it: Paris");
  });

  it('ranks names by edit distance, prefixes first among equals, and gives none when nothing is near', () => {
    expect(nearestNames('Lyn', ['Nice', 'Lannion', 'Lyon'], 5)).toEqual(['Lyon', 'Lannion']);
    expect(nearestNames('Frnace', ['Germany', 'France'], 5)).toEqual(['France']);
    expect(nearestNames('Zzzzzz', ['Paris', 'Lyon'], 5)).toEqual([]);
  });
});

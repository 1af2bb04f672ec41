import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../src/plot/csv.js';
import { mapSvg } from '../../src/plot/map-chart.js';
import { loadMapData } from '../../src/plot/map-data.js';
import { readTrace } from '../../src/plot/trace-file.js';
import { luc, ROOT } from '../cli/run-cli.js';
import { titledCircles } from './fixtures.js';

const DVMS = join(ROOT, 'scenarios/renater-dvms.yaml');
const PLANETLAB = join(ROOT, 'scenarios/planetlab-vivaldi.yaml');

function run(out: string, args: readonly string[]): string {
  const result = luc(['run', ...args, '--out', out, '--quiet']);
  if (result.status !== 0) throw new Error(`fixture run failed: ${result.stderr}`);
  return out;
}

/** PoP -> VMs at the last sample of vms.csv, counted here from the simulator's own table. */
function vmsPerPopAtEnd(dir: string): Map<string, number> {
  const { records } = readCsvFile(join(dir, 'vms.csv'));
  const last = Math.max(...records.map((r) => Number(r[0])));
  const counts = new Map<string, number>();
  for (const r of records) if (Number(r[0]) === last && r[3] !== 'lost') counts.set(r[2].replace(/\/\d+$/, ''), (counts.get(r[2].replace(/\/\d+$/, '')) ?? 0) + 1);
  return counts;
}

describe("a cloud run's map and a matrix run's map", () => {
  let dir = '';
  let traced = '';
  let bare = '';
  let matrix = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-cloud-map-'));
    // 224 hosts x 10 VMs of DVMS on RENATER for 300 s: every VM's host and every host's VMs recorded, migrations traced.
    traced = run(join(dir, 'traced'), [DVMS, '--set', 'durationS=300', '--set', 'metrics.perVm={vmsMax: 2240}', '--set', 'metrics.perHost={hostsMax: 224}', '--trace', 'migration']);
    bare = run(join(dir, 'bare'), [DVMS, '--set', 'durationS=60']);
    matrix = run(join(dir, 'matrix'), [PLANETLAB, '--set', 'durationS=20']);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sizes each PoP by the VMs vms.csv puts there at the end, the counts hosts.csv gives too', () => {
    const truth = vmsPerPopAtEnd(traced);
    expect([...truth.values()].reduce((s, v) => s + v, 0)).toBe(2240);
    const circles = titledCircles(mapSvg(loadMapData(traced)));
    const drawn = new Map([...circles.keys()].flatMap((title) => {
      const m = /^(.*): (\d+) VMs? at 300 s, /.exec(title);
      return m === null ? [] : [[m[1], Number(m[2])] as const];
    }));
    expect(drawn.size).toBe(43);
    for (const [pop, count] of drawn) expect(count, pop).toBe(truth.get(pop) ?? 0);
    // hosts.csv, each host's VM count from the cloud model, tells the same.
    const { records } = readCsvFile(join(traced, 'hosts.csv'));
    const byHosts = new Map<string, number>();
    for (const r of records) if (r[0] === '300') byHosts.set(r[1].replace(/\/\d+$/, ''), (byHosts.get(r[1].replace(/\/\d+$/, '')) ?? 0) + Number(r[3]));
    for (const [pop, count] of drawn) expect(byHosts.get(pop) ?? 0, pop).toBe(count);
    // The VMs did move: some PoP holds another count than its 10 per host.
    expect([...drawn.values()].some((count) => count % 10 !== 0)).toBe(true);
  });

  it('draws one arrow per pair of PoPs that migrations joined, from the trace', () => {
    const trace = readTrace(traced);
    const pairs = new Set(trace.migrations.filter((m) => m.ok && m.from.replace(/\/\d+$/, '') !== m.to.replace(/\/\d+$/, '')).map((m) => `${m.from.replace(/\/\d+$/, '')} → ${m.to.replace(/\/\d+$/, '')}`));
    expect(pairs.size).toBeGreaterThan(0);
    const svg = mapSvg(loadMapData(traced));
    const arrows = [...svg.matchAll(/<title>([^<]*): (\d+) migrations?<\/title>/g)].map((m) => m[1]);
    expect(new Set(arrows)).toEqual(pairs);
    expect(svg).toContain('VMs migrated between PoPs, width ∝ count');
  });

  it('says on the map what a cloud run without the tables or the trace needs, and sizes PoPs by hosts', () => {
    const svg = mapSvg(loadMapData(bare));
    expect(svg).toContain('VMs per PoP need metrics.perVm with vmsMax &gt;= 2240');
    expect(svg).toContain('migrations need --trace migration');
    expect(titledCircles(svg).get('Paris: 20 hosts, 10 links')).toBeDefined();
  });

  it('draws the Vivaldi plane alone for a run over an RTT matrix, one dot per node', () => {
    const svg = mapSvg(loadMapData(matrix));
    expect(svg).toContain('planetlab-vivaldi: final Vivaldi coordinates of 490 nodes');
    expect(svg).not.toContain('country outlines');
    const dots = [...svg.matchAll(/<circle [^>]*><title>[^<]*<\/title>/g)];
    expect(dots).toHaveLength(490);
    expect(svg).toContain('median relative error 0%');
    expect(mapSvg(loadMapData(matrix))).toBe(svg);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

describe('luc validate', () => {
  it('accepts every bundled scenario', () => {
    for (const name of ['renater-vivaldi', 'planetlab-vivaldi', 'synthetic-10k-vivaldi', 'planetlab-spiral', 'chord-simgrid-1k', 'renater-can']) {
      const r = luc(['validate', join(ROOT, 'scenarios', `${name}.yaml`)]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`ok (${name}`);
    }
  });

  it('rejects a bad override with exit code 2 and the field path', () => {
    const r = luc(['validate', join(ROOT, 'scenarios/renater-vivaldi.yaml'), '--set', 'protocols.vivaldi.dimensions=0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('protocols.vivaldi.dimensions');
  });
});

describe('luc topo', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-topo-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the Renater2010 facts: 43 nodes, 37 with coordinates, 56 edges, 35 of 37 survive a single cut', () => {
    const r = luc(['topo', 'info', join(ROOT, 'topologies/Renater2010.graphml'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.nodeCount).toBe(43);
    expect(info.locatedNodeCount).toBe(37);
    expect(info.edgeCount).toBe(56);
    expect(info.locatedSurvivorCount).toBe(35);
    expect(info.locatedPopCount).toBe(37);
    expect(info.diameter.exact).toBe(true);
    expect(info.diameter.lowerUs).toBeGreaterThan(5000);
  });

  it('generates a backbone that topo info reads back, deterministically from the seed', () => {
    const a = join(dir, 'a.graphml');
    const b = join(dir, 'b.graphml');
    expect(luc(['topo', 'generate', '--pops', '300', '--seed', '4', '--out', a]).status).toBe(0);
    expect(luc(['topo', 'generate', '--pops', '300', '--seed', '4', '--out', b]).status).toBe(0);
    const info = luc(['topo', 'info', a, '--json']);
    expect(info.status, info.stderr).toBe(0);
    const parsed = JSON.parse(info.stdout);
    expect(parsed.nodeCount).toBe(300);
    expect(parsed.survivorCount / parsed.popCount).toBeGreaterThanOrEqual(0.95);
    expect(luc(['topo', 'info', b, '--json']).stdout).toBe(info.stdout);
  });

  it('exits 2 with the file name for a file that is not GraphML', () => {
    const r = luc(['topo', 'info', join(ROOT, 'topologies/planetlab-490.tsv')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('planetlab-490.tsv');
  });

  it('exits 2 for a bad --pops', () => {
    const r = luc(['topo', 'generate', '--pops', 'many', '--out', join(dir, 'x.graphml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--pops: expected an integer/);
  });
});

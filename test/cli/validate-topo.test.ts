import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('fails on what a run of a matrix topology would fail on, with exit 2, the file and the cell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'luc-validate-'));
    try {
      const cases: [string, string, string][] = [
        ['non-square', '0 1 2\n1 0 2\n', 'row 1: expected 2 values (a square matrix, 2 rows), found 3 values'],
        ['negative', '0 -3\n3 0\n', 'row 1, column 2: expected a non-negative RTT, found -3'],
        ['an hour and more', '0 4e6\n4e6 0\n', 'row 1, column 2: expected an RTT of at most 3600 s (is the unit ms right?), found 4e6 ms'],
        ['infinite in microseconds', '0 1e306\n1e306 0\n', 'row 1, column 2: expected an RTT of at most 3600 s'],
        ['all zero', '0 0\n0 0\n', 'matrix: expected at least one RTT > 0 off the diagonal'],
      ];
      for (const [what, matrix, message] of cases) {
        const file = join(dir, `${what.replace(/ /g, '-')}.tsv`);
        writeFileSync(file, matrix);
        const scenario = join(dir, 'scenario.yaml');
        writeFileSync(scenario, `name: m\nseed: 1\ndurationS: 10\ntopology: { kind: matrix, file: ${file}, unit: ms }\nprotocols: { vivaldi: {} }\n`);
        for (const command of ['validate', 'run']) {
          const r = luc([command, scenario, '--out', join(dir, 'out'), '--quiet'].slice(0, command === 'validate' ? 2 : 5));
          expect(r.status, `${what}, ${command}: ${r.stderr}`).toBe(2);
          expect(r.stderr, `${what}, ${command}`).toContain(`${file}: ${message}`);
          expect(r.stderr).not.toContain('    at ');
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
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

  it('exits 2 with the file name for a file that is neither GraphML nor an RTT matrix', () => {
    const r = luc(['topo', 'info', join(ROOT, 'README.md')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/README.md: row 1: expected \d+ values \(a square matrix/);
  });

  it('prints the size, missing share, asymmetry and triangle violations of planetlab-490: complete, symmetric, 5.9% of inequalities broken', () => {
    const r = luc(['topo', 'info', join(ROOT, 'topologies/planetlab-490.tsv'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.n).toBe(490);
    expect(info.pairCount).toBe(119_805);
    expect(info.missingCellCount).toBe(0);
    expect(info.asymmetricPairCount).toBe(0);
    expect(info.triangles.exact).toBe(true);
    expect(info.triangles.checked).toBe((490 * 489 * 488) / 6);
    // The data's README: "about 6% of triples violate the triangle inequality" (of the 3 inequalities each gives).
    expect(info.triangles.violating / (3 * info.triangles.checked)).toBeGreaterThan(0.055);
    expect(info.triangles.violating / (3 * info.triangles.checked)).toBeLessThan(0.065);
  });

  it('counts what a perturbed matrix lacks, and how asymmetric it is, with its markers declared', () => {
    const file = join(dir, 'holes.tsv');
    writeFileSync(file, '0\t10\tNaN\n12\t0\t-1\n\t20\t0\n');
    const r = luc(['topo', 'info', file, '--missing', "NaN,-1,''", '--json']);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ n: 3, cellCount: 6, missingCellCount: 3, pairCount: 3, unmeasuredPairCount: 1, bothWaysPairCount: 1, asymmetricPairCount: 1, asymmetricOver10PctPairCount: 1 });
    expect(info.asymmetryRelMedian).toBeCloseTo(2 / 12, 12);
    expect(info.triangles.checked).toBe(0);
    const plain = luc(['topo', 'info', file]);
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain(`${file}: row 1, column 3: expected a number (declare the cells that mark a missing pair in missing), found "NaN"`);
  });

  it('exits 2 for a bad --pops', () => {
    const r = luc(['topo', 'generate', '--pops', 'many', '--out', join(dir, 'x.graphml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--pops: expected an integer/);
  });
});

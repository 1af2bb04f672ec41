import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { luc, ROOT } from './run-cli.js';

/** The files `npm pack` would put in the tarball (dist/ as the global setup built it; no build here). */
function packedFiles(): Set<string> {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  const [pack] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
  return new Set(pack.files.map((file) => file.path));
}

describe('the npm package', () => {
  it('ships the bin with its shebang, the built CLI, every bundled scenario and baseline and the files they name, and no sources or tests', () => {
    const files = packedFiles();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin.luc).toBe('dist/cli/main.js');
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(files.has('dist/cli/main.js')).toBe(true);
    expect(readFileSync(join(ROOT, 'dist/cli/main.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    for (const worker of ['dist/cli/live.js', 'dist/cli/sweep/sweep-worker.js']) expect(files.has(worker), worker).toBe(true);
    const scenarios = readdirSync(join(ROOT, 'scenarios')).filter((name) => name.endsWith('.yaml'));
    expect(scenarios.length).toBeGreaterThan(15);
    for (const name of scenarios) {
      expect(files.has(`scenarios/${name}`), name).toBe(true);
      const topology = (parseYaml(readFileSync(join(ROOT, 'scenarios', name), 'utf8')) as { topology: { file?: string } }).topology;
      if (topology.file !== undefined) expect(files.has(normalize(join('scenarios', topology.file))), `${name}: ${topology.file}`).toBe(true);
    }
    for (const name of readdirSync(join(ROOT, 'scenarios/baselines'))) expect(files.has(`scenarios/baselines/${name}`), name).toBe(true);
    expect(files.has('scenarios/scenario.schema.json')).toBe(true);
    expect([...files].filter((file) => /^(src|test|notebooks|scripts|dist\/bench)\//.test(file) || file.endsWith('.map'))).toEqual([]);
  });
});

describe('the Dockerfile', () => {
  it("builds on Debian's Node 20 image, installs live mode's libvirt-clients and iproute2, and copies everything the packed files and the build need", () => {
    const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(froms).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(text).toMatch(/apt-get install -y --no-install-recommends libvirt-clients iproute2/);
    expect(text).toMatch(/npm install -g --no-audit --no-fund \/tmp\/luc-sim\.tgz/);
    const copied = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1].split(' '));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    const needed = [...pkg.files.filter((entry) => !entry.startsWith('!') && entry !== 'dist/').map((entry) => entry.replace(/\/$/, '')), 'src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
    for (const path of needed) expect(copied, path).toContain(path);
  });
});

describe('bundled scenarios by name, from any folder', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-elsewhere-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs 'luc run renater-can' in a folder without the checkout, and summary.json records the command as typed", () => {
    const r = luc(['run', 'renater-can', '--set', 'durationS=30', '--quiet', '--out', 'can'], dir);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'can', 'summary.json'), 'utf8')) as { scenario: string; commandLine: string };
    expect(summary.scenario).toBe('renater-can');
    expect(summary.commandLine).toBe('luc run renater-can --set durationS=30 --quiet --out can');
  });

  it('validates scenarios/renater-dvms.yaml, as the README writes it, from another folder', () => {
    const r = luc(['validate', 'scenarios/renater-dvms.yaml'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok \(renater-dvms, seed 11, 1800 s, 224 hosts\)/);
  });

  it('takes a file of the current folder before a bundled scenario of the same name', () => {
    mkdirSync(join(dir, 'scenarios'), { recursive: true });
    const own = readFileSync(join(ROOT, 'scenarios/renater-can.yaml'), 'utf8').replace('name: renater-can', 'name: my-can')
      .replace('../topologies/', `${join(ROOT, 'topologies')}/`);
    writeFileSync(join(dir, 'scenarios/renater-can.yaml'), own);
    const r = luc(['validate', 'scenarios/renater-can.yaml'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('ok (my-can,');
  });

  it('refuses a name that is neither a file nor a bundled scenario with exit 2, naming it', () => {
    const r = luc(['run', 'no-such-scenario', '--quiet'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no-such-scenario');
    expect(r.stderr).toContain('no-such-scenario: expected a scenario file or the name of a bundled scenario (chord-churn-1k, ');
    expect(r.stderr).toContain('found no such file');
  });
});

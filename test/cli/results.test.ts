import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResultFolders, formatResultsTable, readResultEntry } from '../../src/cli/results-command.js';
import { luc, ROOT } from './run-cli.js';

const RENATER = join(ROOT, 'scenarios/renater-vivaldi.yaml');

describe('luc results ls', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-results-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every results folder below DIR with its scenario, seed, hash, wall time and key figures', () => {
    const results = join(dir, 'results');
    expect(luc(['run', RENATER, '--set', 'durationS=20', '--set', 'faults=[]', '--quiet', '--seed', '7', '--out', join(results, 'a/seed-7')]).status).toBe(0);
    const sweep = luc(['sweep', RENATER, '--set', 'durationS=20', '--set', 'faults=[]', '--seeds', '2', '--quiet', '--out', join(results, 'sw')]);
    expect(sweep.status, sweep.stderr).toBe(0);
    const r = luc(['results', 'ls'], dir);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['path', 'scenario', 'seed', 'hash', 'finished', 'wall s', 'key figures']);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['results/a/seed-7', 'results/sw/runs/p000/seed-42', 'results/sw/runs/p000/seed-43']);
    const cells = lines[1].split(/\s+/);
    expect(cells[1]).toBe('renater-vivaldi');
    expect(cells[2]).toBe('7');
    expect(cells[3]).toMatch(/^[0-9a-f]{16}$/);
    expect(cells[4]).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(cells[5]).toMatch(/^\d\d:\d\d$/);
    const error = /vivaldi err (\S+)$/.exec(lines[1]);
    expect(error, lines[1]).not.toBeNull();
    expect(Number(error![1])).toBeGreaterThan(0);
    expect(Number(error![1])).toBeLessThan(1);
    expect(lines[1]).not.toMatch(/violations|migrations/);

    const json = luc(['results', 'ls', 'results/sw', '--json'], dir);
    const entries = JSON.parse(json.stdout);
    expect(entries.map((e: { seed: number }) => e.seed)).toEqual([42, 43]);
    expect(Object.keys(entries[0].figures)).toEqual(['vivaldi.median_rel_error']);
  });

  it('says so when there are no results, and exits 0', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = luc(['results', 'ls', empty]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`no results under ${empty}`);
    expect(luc(['results', 'ls'], empty).stdout.trim()).toBe('no results under results');
  });

  it('exits 2 naming the folder when the folder given does not exist or is a file', () => {
    const missing = luc(['results', 'ls', join(dir, 'no-such-folder')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`error: results ls: ${join(dir, 'no-such-folder')}: no such folder\n`);
    expect(missing.stdout).toBe('');
    writeFileSync(join(dir, 'a-file'), 'x');
    const file = luc(['results', 'ls', join(dir, 'a-file')]);
    expect(file.status).toBe(2);
    expect(file.stderr).toBe(`error: results ls: ${join(dir, 'a-file')}: not a folder\n`);
  });

  it('shows a cloud run its violations, resolve time, migrations and energy, and a crash run its losses, with no Vivaldi column', () => {
    const root = join(dir, 'cloud');
    const cloud = { 'cloud.violations': 12, 'cloud.resolve_s_mean': 15.234, 'cloud.migrations': 20, 'cloud.energy_kwh': 31.44, 'messages.sent': 9000 };
    mkdirSync(join(root, 'dvms/seed-1'), { recursive: true });
    writeFileSync(join(root, 'dvms/seed-1/summary.json'), JSON.stringify({ scenario: 'renater-dvms', seed: 1, scenarioHash: 'abc', wallTimeS: 2, metrics: cloud }));
    mkdirSync(join(root, 'crash/seed-1'), { recursive: true });
    writeFileSync(join(root, 'crash/seed-1/summary.json'), JSON.stringify({ scenario: 'renater-dvms-crash', seed: 1, scenarioHash: 'abd', wallTimeS: 2, metrics: { ...cloud, 'cloud.vms_lost': 40, 'cloud.ves_lost': 2 } }));
    mkdirSync(join(root, 'chord/seed-1'), { recursive: true });
    writeFileSync(join(root, 'chord/seed-1/summary.json'), JSON.stringify({ scenario: 'chord', seed: 1, scenarioHash: 'abe', wallTimeS: 2, metrics: { 'chord.lookups': 500, 'chord.lookup_success': 0.99, 'messages.sent': 9000 } }));
    const entries = findResultFolders(root).map((folder) => readResultEntry(folder)!);
    const table = formatResultsTable(entries, root).split('\n');
    expect(table[0]).not.toMatch(/vivaldi/);
    expect(table[1]).toMatch(/^chord\/seed-1 .* chord lookups 500, chord ok 0\.990$/);
    expect(table[2]).toMatch(/^crash\/seed-1 .* violations 12, resolve 15\.2 s, migrations 20, energy 31\.4 kWh, VMs lost 40, VEs lost 2$/);
    expect(table[3]).toMatch(/^dvms\/seed-1 .* violations 12, resolve 15\.2 s, migrations 20, energy 31\.4 kWh$/);
  });

  it('skips staging folders and shows a dash for a run with no figure', () => {
    const root = join(dir, 'unit');
    mkdirSync(join(root, 'x/.seed-1.partial'), { recursive: true });
    writeFileSync(join(root, 'x/.seed-1.partial/summary.json'), '{}');
    mkdirSync(join(root, 'x/seed-1'), { recursive: true });
    writeFileSync(join(root, 'x/seed-1/summary.json'), JSON.stringify({ scenario: 'g', seed: 1, scenarioHash: 'abc', wallTimeS: 1.5, metrics: {} }));
    expect(findResultFolders(root)).toEqual([join(root, 'x/seed-1')]);
    const entry = readResultEntry(join(root, 'x/seed-1'));
    expect(entry).not.toBeNull();
    const table = formatResultsTable([entry!], root).split('\n');
    expect(table[1]).toMatch(/^x\/seed-1\s+g\s+1\s+abc\s+\S+ \S+\s+1\.50\s+-$/);
  });
});

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { luc } from './run-cli.js';

const SMALL = 'scenarios/torture-dvms-small.yaml';

describe('luc torture', () => {
  it('runs 2 schedules of torture-dvms-small twice each on 2 workers, identical, and writes torture.json', () => {
    const out = mkdtempSync(join(tmpdir(), 'torture-'));
    const r = luc(['torture', SMALL, '--schedules', '2', '--seed', '40', '--twice', '--jobs', '2', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/2 of 2 schedule\(s\) passed, 0 failed/);
    const campaign = JSON.parse(readFileSync(join(out, 'torture.json'), 'utf8'));
    expect(campaign.reports.map((x: { seed: number }) => x.seed)).toEqual([40, 41]);
    expect(campaign.reports[0].faults.length).toBeGreaterThan(0);
    expect(campaign.reports[0].checks['cloud.model']).toBeGreaterThan(0);
  }, 240_000);

  it('reports a failure with its seed, commit and replay command, shrinks it and replays the shrunk file to the same failure', () => {
    const out = mkdtempSync(join(tmpdir(), 'torture-'));
    // A liveness bound of 1 s is too short for Chord's 20 s stabilisation: the ring is wrong 1 s after the faults heal.
    const args = ['--set', 'durationS=150', '--liveness-s', '1', '--shrink-max', '6'];
    const r = luc(['torture', SMALL, '--schedules', '1', '--seed', '5', '--jobs', '1', '--out', out, '--quiet', ...args]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL seed 5: chord\.ring at [\d.]+ s/);
    expect(r.stdout).toMatch(/commit \S+; replay: luc torture scenarios\/torture-dvms-small\.yaml --seed 5 --schedules 1 --set durationS=150 --liveness-s 1/);
    const file = join(out, 'failures', 'seed-5.yaml');
    expect(existsSync(file)).toBe(true);
    const again = luc(['torture', file, '--replay', '--liveness-s', '1', '--out', join(out, 'replay'), '--quiet']);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/FAIL seed \d+: chord\.ring/);
  }, 240_000);

  it('refuses a bad --schedules with exit 2 and names the option', () => {
    const r = luc(['torture', SMALL, '--schedules', 'many']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--schedules: expected an integer/);
  });

  it('refuses a scenario too short for its faults to heal before the liveness bound, naming the file', () => {
    const r = luc(['torture', SMALL, '--set', 'durationS=100']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/torture-dvms-small\.yaml: durationS \(100 s\) leaves no room for faults/);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

const TINY = join(ROOT, 'test/scenario/fixtures/good/snapshots.yaml');

describe('luc run with cloud.snapshots (end to end)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-snapshots-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes byte-identical metrics twice for a seed, with the snapshot and restart metrics', () => {
    const a = luc(['run', TINY, '--quiet', '--out', join(dir, 'a')]);
    const b = luc(['run', TINY, '--quiet', '--out', join(dir, 'b')]);
    for (const r of [a, b]) expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(join(dir, 'a', 'metrics.csv'), 'utf8');
    expect(csv).toBe(readFileSync(join(dir, 'b', 'metrics.csv'), 'utf8'));
    const metrics = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8')).metrics;
    expect(metrics['cloud.vms_restored']).toBe(1);
    expect(metrics['cloud.rpo_s_max']).toBe(61);
  });

  it('restores the VMs renater-resilience loses by 960 s (Lyon at 600 s, 10 hosts at 900 s), the others unrecovered, no VE constraint broken', () => {
    const r = luc(['run', 'renater-resilience', '--set', 'durationS=960', '--quiet', '--out', join(dir, 'resilience')]);
    expect(r.status, r.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(dir, 'resilience', 'summary.json'), 'utf8')).metrics;
    expect(metrics['cloud.vms_lost']).toBeGreaterThan(100);
    expect(metrics['cloud.vms_restored'] + metrics['cloud.vms_unrecovered']).toBe(metrics['cloud.vms_lost']);
    expect(metrics['cloud.ve_violations']).toBe(0);
    // Work lost is more than nothing and less than the run before the first crash (600 s); back within the 360 s left.
    expect(metrics['cloud.rpo_s_mean']).toBeGreaterThan(0);
    expect(metrics['cloud.rpo_s_max']).toBeLessThan(600);
    expect(metrics['cloud.rto_s_max']).toBeLessThan(360);
    // The recovery agents' heartbeats, queries and restores are part of the seeded run: byte-identical again.
    const again = luc(['run', 'renater-resilience', '--set', 'durationS=960', '--quiet', '--out', join(dir, 'resilience-again')]);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'resilience-again', 'metrics.csv'), 'utf8')).toBe(readFileSync(join(dir, 'resilience', 'metrics.csv'), 'utf8'));
  }, 180_000);

  for (const [set, field] of [
    ['cloud.snapshots.periodS=0', 'cloud.snapshots.periodS: expected a number > 0'],
    ['cloud.snapshots.memoryMiB=-1', 'cloud.snapshots.memoryMiB: expected a number > 0'],
    ['cloud.snapshots.diskDeltaMiB="lots"', 'cloud.snapshots.diskDeltaMiB: expected a number >= 0'],
    ['cloud.snapshots.target=same-pop', "cloud.snapshots.target: expected 'other-pop'"],
    ['cloud.snapshots.everyS=60', 'cloud.snapshots.everyS'],
    ['cloud.snapshots.detectionS=0', 'cloud.snapshots.detectionS: expected a number > 0'],
    ['cloud.snapshots.heartbeatS=5', 'cloud.snapshots.heartbeatS: expected a time below detectionS (5 s)'],
    ['cloud.snapshots.queryTimeoutS=-1', 'cloud.snapshots.queryTimeoutS: expected a number > 0'],
  ] as const) {
    it(`rejects ${set} with exit 2, naming the field, and no stack`, () => {
      const r = luc(['run', TINY, '--quiet', '--set', set, '--out', join(dir, 'bad')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(field);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

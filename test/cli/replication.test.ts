import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

const TINY = join(ROOT, 'test/scenario/fixtures/good/replication.yaml');

describe('luc run with cloud.replication (end to end)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-replication-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes byte-identical metrics twice for a seed, with one failover', () => {
    const a = luc(['run', TINY, '--quiet', '--out', join(dir, 'a')]);
    const b = luc(['run', TINY, '--quiet', '--out', join(dir, 'b')]);
    for (const r of [a, b]) expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'a', 'metrics.csv'), 'utf8')).toBe(readFileSync(join(dir, 'b', 'metrics.csv'), 'utf8'));
    const metrics = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8')).metrics;
    expect(metrics['replication.failovers']).toBe(1);
    expect(metrics['replication.vms_lost']).toBe(0);
  });

  it('fails over every VE member renater-replication loses by 960 s (Lyon at 600 s, 10 hosts at 900 s), none lost, no VE constraint broken, the rest restarted from snapshots', () => {
    const r = luc(['run', 'renater-replication', '--set', 'durationS=960', '--quiet', '--out', join(dir, 'resilience')]);
    expect(r.status, r.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(dir, 'resilience', 'summary.json'), 'utf8')).metrics;
    expect(metrics['replication.failovers']).toBeGreaterThan(0);
    expect(metrics['replication.vms_lost']).toBe(0);
    expect(metrics['cloud.ve_violations']).toBe(0);
    expect(metrics['cloud.vms_restored'] + metrics['replication.failovers'] + metrics['cloud.vms_unrecovered']).toBe(metrics['cloud.vms_lost']);
    expect(metrics['replication.failover_s_max']).toBe(1);
    expect(metrics['replication.wan_bytes']).toBeGreaterThan(metrics['replication.sync_bytes']);
  }, 120_000);

  for (const [set, field] of [
    ['cloud.replication.watcher.detectionS=detector', "cloud.replication.watcher.detectionS: expected a time in seconds, or a detector section for 'detector'"],
    ['cloud.replication.periodMs=0', 'cloud.replication.periodMs: expected a number > 0'],
    ['cloud.replication.dirtyMiBps=-1', 'cloud.replication.dirtyMiBps: expected a number >= 0'],
    ['cloud.replication.ves=[7]', 'cloud.replication.ves[0]: expected a VE id below 1'],
    ['cloud.replication.ves=1.5', 'cloud.replication.ves: expected a number in (0, 1], found 1.5'],
    ['cloud.replication.watcher.detectionS=-1', 'cloud.replication.watcher.detectionS: expected a number >= 0'],
  ] as const) {
    it(`rejects ${set} with exit 2, naming the field, and no stack`, () => {
      const r = luc(['run', TINY, '--quiet', '--set', set, '--out', join(dir, 'bad')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(field);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

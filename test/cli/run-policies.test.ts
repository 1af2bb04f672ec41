import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

const RENATER_POLICIES = join(ROOT, 'scenarios/renater-policies.yaml');
const SHORT = ['--set', 'durationS=600', '--quiet'];

describe('luc run renater-policies (end to end): the three schedulers plan under user policies', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-policies-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const summary = (out: string) => JSON.parse(readFileSync(join(dir, out, 'summary.json'), 'utf8')).metrics;

  it.each(['dvms', 'central', 'snooze'])('%s migrates VMs and starts no hard violation on the cloud model', (kind) => {
    const r = luc(['run', RENATER_POLICIES, ...SHORT, '--set', `scheduler.kind=${kind}`, '--out', join(dir, kind)]);
    expect(r.status, r.stderr).toBe(0);
    const metrics = summary(kind);
    expect(metrics['cloud.migrations']).toBeGreaterThan(0);
    expect(metrics['policy.hard_violations']).toBe(0);
    expect(metrics['policy.soft_violations']).toBeGreaterThan(0); // the soft max 2 per host, laid 4 to a host
  });

  it('gives byte-identical metrics for a seed, and runs without policies with --set policies=null (no policy metrics)', () => {
    const r = luc(['run', RENATER_POLICIES, ...SHORT, '--out', join(dir, 'again')]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again', 'metrics.csv'), 'utf8')).toBe(readFileSync(join(dir, 'dvms', 'metrics.csv'), 'utf8'));
    const off = luc(['run', RENATER_POLICIES, ...SHORT, '--set', 'policies=null', '--out', join(dir, 'off')]);
    expect(off.status, off.stderr).toBe(0);
    expect(summary('off')['policy.hard_violations']).toBeUndefined();
  });
});

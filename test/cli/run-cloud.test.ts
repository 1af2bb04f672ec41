import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

const RENATER_DVMS = join(ROOT, 'scenarios/renater-dvms.yaml');
const SHORT = ['--set', 'durationS=600', '--quiet'];

describe('luc run with a cloud and a scheduler (end to end)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-cloud-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs renater-dvms: byte-identical metrics for a seed, cloud and scheduler metrics in the summary', () => {
    const a = luc(['run', RENATER_DVMS, ...SHORT, '--out', join(dir, 'a')]);
    const b = luc(['run', RENATER_DVMS, ...SHORT, '--out', join(dir, 'b')]);
    for (const r of [a, b]) expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(join(dir, 'a', 'metrics.csv'), 'utf8');
    expect(csv).toBe(readFileSync(join(dir, 'b', 'metrics.csv'), 'utf8'));
    const metrics = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8')).metrics;
    expect(metrics['cloud.violations']).toBeGreaterThan(0);
    expect(metrics['cloud.energy_kwh']).toBeGreaterThan(0);
    expect(metrics['cloud.ve_violations']).toBe(0);
    expect(metrics['scheduler.rounds']).toBeGreaterThan(0);
  });

  it('rejects a malformed load trace with its file, line and field, exit 2 and no stack', () => {
    const trace = join(dir, 'loads.csv');
    writeFileSync(trace, 'time_s,vm,load_percent\n1,0,50\n2,-3,50\n');
    const r = luc(['run', RENATER_DVMS, ...SHORT, '--set', `cloud.workload={"kind":"trace","file":${JSON.stringify(trace)}}`, '--set', 'cloud.lifecycle=null', '--out', join(dir, 'trace')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/loads\.csv:3: vm: expected/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a scheduler setting that does not fit the run, naming the field', () => {
    const r = luc(['run', RENATER_DVMS, ...SHORT, '--set', 'scheduler.dvms.ispHopsMax=10', '--out', join(dir, 'hops')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/scheduler\.dvms\.ispHopsMax: expected a number of hops > the host count \(224\)/);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evenSample } from '../../src/scenario/probes/host-series.js';
import { luc, ROOT } from './run-cli.js';

const CRASH = join(ROOT, 'scenarios/renater-dvms-crash.yaml');
/** 240 s sampled every 60 s, Lyon down from 100 s to 160 s, 8 hosts and 5 VMs sampled. */
const SETS = [
  '--set', 'durationS=240',
  '--set', 'faults=[{"kind":"pop-crash","atS":100,"pop":"Lyon","durationS":60}]',
  '--set', 'metrics.perHost={"hostsMax":8}',
  '--set', 'metrics.perVm={"vmsMax":5}',
];

const rows = (file: string): string[][] => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));

describe('per-host and per-VM time series', () => {
  let dir = '';
  let run = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-per-host-'));
    run = join(dir, 'a');
    const r = luc(['run', CRASH, ...SETS, '--quiet', '--out', run]);
    if (r.status !== 0) throw new Error(r.stderr);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('samples hosts and VMs evenly, all of them when there are few', () => {
    expect(evenSample(224, 8)).toEqual([0, 28, 56, 84, 112, 140, 168, 196]);
    expect(evenSample(3, 8)).toEqual([0, 1, 2]);
  });

  it('writes hosts.csv: 8 hosts at each of the 5 samples with CPU demand, cores, VMs and power, a crashed host up 0 and drawing 0 W', () => {
    const hosts = rows(join(run, 'hosts.csv'));
    expect(hosts[0]).toEqual(['time_s', 'host', 'up', 'vms', 'cpu_demand_cores', 'cpu_cores', 'power_w']);
    expect(hosts).toHaveLength(1 + 5 * 8);
    expect(new Set(hosts.slice(1).map((r) => r[0]))).toEqual(new Set(['0', '60', '120', '180', '240']));
    for (const [, , up, vms, demand, cores, power] of hosts.slice(1)) {
      expect(Number(cores)).toBe(7);
      if (up === '1') expect(Number(power)).toBeCloseTo(100 + (100 * Math.min(1, Number(demand) / 7)), 9);
      else expect([vms, demand, power]).toEqual(['0', '0', '0']);
    }
    const lyon = hosts.filter((r) => r[1].startsWith('Lyon/'));
    expect(lyon.length).toBeGreaterThan(0);
    expect(lyon.filter((r) => r[0] === '120').every((r) => r[2] === '0')).toBe(true);
    expect(lyon.filter((r) => r[0] === '60').every((r) => r[2] === '1' && r[3] === '10')).toBe(true);
  });

  it('writes vms.csv: 5 VMs at each sample with host, state, load and demand; the same bytes twice', () => {
    const vms = rows(join(run, 'vms.csv'));
    expect(vms[0]).toEqual(['time_s', 'vm', 'host', 'state', 'load_percent', 'cpu_demand_cores', 'migrating']);
    expect(vms).toHaveLength(1 + 5 * 5);
    expect(new Set(vms.slice(1).map((r) => r[1]))).toEqual(new Set(['0', '448', '896', '1344', '1792']));
    for (const r of vms.slice(1)) expect(['running', 'suspended', 'stopped', 'lost']).toContain(r[3]);
    const again = join(dir, 'b');
    expect(luc(['run', CRASH, ...SETS, '--quiet', '--out', again]).status).toBe(0);
    for (const name of ['hosts.csv', 'vms.csv', 'metrics.csv']) expect(readFileSync(join(again, name), 'utf8')).toBe(readFileSync(join(run, name), 'utf8'));
  });

  it('refuses metrics.perHost without a cloud with exit 2, naming the field', () => {
    const r = luc(['run', join(ROOT, 'scenarios/renater-vivaldi.yaml'), '--set', 'metrics.perHost={}', '--quiet', '--out', join(dir, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('metrics.perHost: expected a cloud section beside it');
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });
});

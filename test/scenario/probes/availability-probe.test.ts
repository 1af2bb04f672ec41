import { describe, expect, it } from 'vitest';
import { AvailabilityProbe } from '../../../src/scenario/probes/availability-probe.js';
import { MetricSeries } from '../../../src/metrics/series.js';
import { loadScenario } from '../../../src/scenario/load.js';
import { runScenario } from '../../../src/scenario/run-scenario.js';
import type { MetricRow } from '../../../src/metrics/series.js';
import { fixture } from '../fixtures.js';

const MIB = 1024 * 1024;

/** Placement and boot events told by hand, at times set by hand. */
function world(vmCount: number, withBoots = false, failingOver: ReadonlySet<number> = new Set()) {
  let nowUs = 0;
  const placed: ((vm: number, from: number, to: number) => void)[] = [];
  const booted: ((vm: number) => void)[] = [];
  const probe = new AvailabilityProbe({
    nowUs: () => nowUs,
    onVmPlaced: (l) => placed.push(l),
    vmCount,
    boots: withBoots ? { onBooted: (l) => booted.push(l), vmCount } : null,
    isFailingOver: (vm) => failingOver.has(vm),
  });
  return {
    probe,
    at(s: number) {
      nowUs = s * 1e6;
      return this;
    },
    place(vm: number, from: number, to: number) {
      for (const l of placed) l(vm, from, to);
      return this;
    },
    boot(vm: number) {
      for (const l of booted) l(vm);
      return this;
    },
    sample(s: number, metric: string): number | undefined {
      nowUs = s * 1e6;
      const series = new MetricSeries();
      probe.record(series, s);
      return series.all().find((row) => row.metric === metric)?.value;
    },
  };
}

describe('availability from the placement events', () => {
  it('2 VMs, VM 1 lost at 100 s and restored at 200 s: 100 VM-s lost of 2,000 over 1,000 s, availability 0.95', () => {
    const w = world(2).at(100).place(1, 0, -1).at(200).place(1, -1, 0);
    expect(w.sample(1000, 'cloud.vm_time_lost_s')).toBe(100);
    expect(w.sample(1000, 'cloud.unavailability')).toBe(0.05);
    expect(w.sample(1000, 'cloud.availability')).toBe(0.95);
  });

  it('count a VM still lost up to the sample, and a second loss before it ran again from the first', () => {
    const w = world(2).at(100).place(0, 0, -1).at(150).place(0, -1, 1).at(150).place(0, 1, -1);
    expect(w.sample(400, 'cloud.vm_time_lost_s')).toBe(300); // restored at 150 s with no boot service: up 0 s, down again
    const booting = world(2, true).at(100).place(0, 0, -1).at(150).place(0, -1, 1).at(170).place(0, 1, -1).at(200).place(0, -1, 0);
    expect(booting.sample(400, 'cloud.vm_time_lost_s')).toBe(300); // never booted: down since 100 s
    booting.at(250).boot(0);
    expect(booting.sample(400, 'cloud.vm_time_lost_s')).toBe(150);
  });

  it('with images, a restored VM is back when its boot ends, a failed-over one at its placement, a boot at start counts nothing', () => {
    const w = world(3, true, new Set([2]));
    w.at(0).boot(0).boot(1); // bootAtStart: not a loss
    w.at(100).place(0, 0, -1).place(2, 0, -1).at(101).place(2, -1, 1).at(105).place(0, -1, 1).at(130).boot(0);
    expect(w.sample(300, 'cloud.vm_time_lost_s')).toBe(30 + 1);
    expect(w.sample(300, 'cloud.availability')).toBeCloseTo(1 - 31 / 900, 15);
  });

  it('count a VM created during the run from its creation: VM 2 created at 500 s adds 500 VM-s of 1,000', () => {
    const w = world(2).at(500).place(2, -1, 3);
    expect(w.sample(1000, 'cloud.vm_time_lost_s')).toBe(0);
    w.at(900).place(2, 3, -1);
    expect(w.sample(1000, 'cloud.availability')).toBe(1 - 100 / 2500);
  });

  it('write no ratio at 0 s (no VM-time yet), only the VM-time lost', () => {
    const w = world(2);
    expect(w.sample(0, 'cloud.vm_time_lost_s')).toBe(0);
    expect(w.sample(0, 'cloud.availability')).toBeUndefined();
  });
});

function last(rows: readonly MetricRow[], metric: string): number | undefined {
  return rows.filter((row) => row.metric === metric && row.node === '').at(-1)?.value;
}

function run(file: string, overrides: readonly string[] = []) {
  return runScenario(loadScenario(file, overrides), file).series.all();
}

// The tiny worlds of snapshots.yaml and replication.yaml: 3 hosts, one VM each, host 0 crashes.
describe('availability in cloud runs that can lose VMs', () => {
  const SNAPSHOT_S = Math.ceil(((320 * MIB * 8) / 1e9) * 1e6) / 1e6;

  it('no recovery: VM 0 lost at 141 s of 300 s stays lost, 159 VM-s of 900', () => {
    const rows = run(fixture('good/snapshots.yaml'), ['cloud.snapshots=null']);
    expect(last(rows, 'cloud.vm_time_lost_s')).toBe(159);
    expect(last(rows, 'cloud.availability')).toBeCloseTo(1 - 159 / 900, 12);
  });

  // The recovery agents detect the crash by heartbeats, 4-5 s after it (the exact leave time is
  // checked in test/scenario/snapshots-scenario.test.ts), then 25.25 ms of messages and the fetch:
  // the VM-time lost is the one VM's RTO as the recovery probe measures it, within those bounds.
  it('snapshots: VM 0 down for its RTO (4-5 s of heartbeat detection + 25.25 ms + one 2.684355 s fetch) of 900 VM-s; with images, + its 1.090520 s boot', () => {
    const rows = run(fixture('good/snapshots.yaml'));
    const lost = last(rows, 'cloud.vm_time_lost_s') ?? NaN;
    expect(lost).toBeCloseTo(last(rows, 'cloud.rto_s_max') ?? NaN, 6);
    expect(lost).toBeGreaterThanOrEqual(4 + 0.02525 + SNAPSHOT_S);
    expect(lost).toBeLessThanOrEqual(5 + 0.02525 + SNAPSHOT_S);
    expect(last(rows, 'cloud.unavailability')).toBeCloseTo(lost / 900, 9);
    const bootS = Math.ceil(((26 * 4 * MIB * 8) / 8e8) * 1e6) / 1e6;
    const images = run(fixture('good/snapshots.yaml'), ['cloud.images={"count":4,"sizeGiB":1,"chunkMiB":4,"bootShare":0.1,"diskMBps":100}']);
    expect(last(images, 'cloud.vm_time_lost_s')).toBeCloseTo(lost + bootS, 6);
  });

  it('replication: VM 0 failed over 1 s after the crash at 100 s, 1 VM-s lost of 600', () => {
    const rows = run(fixture('good/replication.yaml'));
    expect(last(rows, 'cloud.vm_time_lost_s')).toBe(1);
    expect(last(rows, 'cloud.availability')).toBeCloseTo(1 - 1 / 600, 12);
  });

  it('write nothing in a run that cannot lose VMs, and the same rows twice for one seed', () => {
    expect(last(run(fixture('good/snapshots.yaml'), ['faults=[]']), 'cloud.availability')).toBeUndefined();
    const pick = (rows: readonly MetricRow[]) => JSON.stringify(rows.filter((row) => row.metric.startsWith('cloud.') && row.metric.includes('availab')));
    expect(pick(run(fixture('good/snapshots.yaml')))).toBe(pick(run(fixture('good/snapshots.yaml'))));
  });
});

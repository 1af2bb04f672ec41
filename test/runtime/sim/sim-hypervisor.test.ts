import { describe, expect, it } from 'vitest';
import { preCopyPlan } from '../../../src/platform/pre-copy.js';
import type { Hypervisor, MigrationOutcome, Protocol } from '../../../src/runtime/context.js';
import { CloudWorld, TEST_MIGRATION } from '../../support/cloud-world.js';

const NO_PROTOCOLS = (): ReadonlyMap<string, Protocol> => new Map();
const MIB = 1024 * 1024;

function world(options: Partial<ConstructorParameters<typeof CloudWorld>[0]> = {}): CloudWorld {
  return new CloudWorld({ hosts: 4, vmsPerHost: 2, seed: 1, stack: NO_PROTOCOLS, pops: 2, ...options });
}

function migrate(w: CloudWorld, hv: Hypervisor, vm: number, to: number): MigrationOutcome[] {
  const out: MigrationOutcome[] = [];
  hv.migrate(vm, to, (o) => out.push(o));
  return out;
}

describe('simulated hypervisor', () => {
  it('reports its host and VMs as plain data', () => {
    const w = world();
    const hv = w.hypervisors.of(1);
    w.cloud.setLoad(1, 50);
    expect(hv.host()).toEqual({ node: 1, cores: 8, memoryMiB: 32768, site: 0, country: 'FR' });
    expect(hv.vms().map((v) => v.vm)).toEqual([1, 5]);
    expect(hv.vms()[0]).toEqual({ vm: 1, vcpus: 1, memoryMiB: 1024, cpuDemand: 0.5, state: 'running', ve: -1, migrating: false });
    expect(hv.cpuDemand()).toBe(0.5);
    expect(JSON.parse(JSON.stringify(hv.vms()))).toEqual(hv.vms());
  });

  it('migrates an idle 1 GiB VM at its 1 Gbit/s cap in the closed-form time, across the backbone', () => {
    const w = world();
    const hv = w.hypervisors.of(0); // host 0 is in PoP 0, host 2 in PoP 1
    const done = migrate(w, hv, 0, 2);
    expect(done).toEqual([]); // never from inside the call
    expect(w.hypervisors.isMigrating(0)).toBe(true);
    w.runUntilS(60);
    const plan = preCopyPlan({ memoryBytes: 1024 * MIB, dirtyRateBytesPerS: 0, stopCopyBytes: TEST_MIGRATION.stopCopyMiB * MIB, roundsMax: TEST_MIGRATION.roundsMax, bandwidthBps: 1e9 });
    expect(done).toHaveLength(1);
    expect(done[0].ok).toBe(true);
    expect(done[0].durationMs).toBeCloseTo(plan.durationS * 1000, 0);
    expect(w.cloud.hostOf(0)).toBe(2);
    expect(w.migrations[0]).toMatchObject({ vm: 0, from: 0, to: 2, ok: true, wan: true });
    expect(w.checkInvariants()).toEqual([]);
  });

  it('pays for dirtied memory: a VM at 100% load dirtying 20% of the bandwidth takes the pre-copy rounds of the closed form', () => {
    const w = world();
    w.cloud.setLoad(0, 100);
    const done = migrate(w, w.hypervisors.of(0), 0, 1);
    w.runUntilS(60);
    const plan = preCopyPlan({ memoryBytes: 1024 * MIB, dirtyRateBytesPerS: 0.2 * 125e6, stopCopyBytes: 16 * MIB, roundsMax: 30, bandwidthBps: 1e9 });
    expect(plan.rounds).toBeGreaterThan(1);
    expect(done[0].durationMs).toBeCloseTo(plan.durationS * 1000, 0);
    expect(done[0].downtimeMs).toBeCloseTo(plan.downtimeS * 1000, 0);
    expect(w.migrations[0].wan).toBe(false);
  });

  it('shares a NIC: two migrations out of one host with a 10 Gbit/s NIC get 5 Gbit/s each, five times the rate of one capped at 1 Gbit/s', () => {
    const w = new CloudWorld({ hosts: 3, vmsPerHost: 2, seed: 1, stack: NO_PROTOCOLS, pops: 1 });
    const one = migrate(w, w.hypervisors.of(0), 0, 1);
    w.runUntilS(30);
    const alone = one[0].durationMs;
    const w2 = new CloudWorld({ hosts: 3, vmsPerHost: 2, seed: 1, stack: NO_PROTOCOLS, pops: 1, migration: { bandwidthBps: 10e9 } });
    const a = migrate(w2, w2.hypervisors.of(0), 0, 1);
    const b = migrate(w2, w2.hypervisors.of(0), 3, 2);
    w2.runUntilS(30);
    // Each gets half of the 10 Gbit/s NIC: 5 Gbit/s, five times the 1 Gbit/s cap of the lone one.
    expect(a[0].durationMs).toBeCloseTo(alone / 5, 0);
    expect(b[0].durationMs).toBeCloseTo(alone / 5, 0);
  });

  it('refuses what a hypervisor would refuse, from a later event, with the reason', () => {
    const w = world({ hostMemoryMiB: 3072 });
    const hv = w.hypervisors.of(0);
    const notHere = migrate(w, hv, 1, 2);
    const toSelf = migrate(w, hv, 0, 0);
    const first = migrate(w, hv, 0, 1);
    const again = migrate(w, hv, 0, 3);
    const noRoom = migrate(w, hv, 4, 1); // host 1 holds 2 GiB and has 1 GiB incoming already
    expect([notHere, toSelf, again, noRoom].every((o) => o.length === 0)).toBe(true);
    w.runUntilS(60);
    expect(notHere[0].reason).toBe('not-here');
    expect(toSelf[0].reason).toBe('bad-target');
    expect(again[0].reason).toBe('busy');
    expect(noRoom[0].reason).toBe('no-room');
    expect(first[0].ok).toBe(true);
    expect(w.checkInvariants()).toEqual([]);
  });

  it('suspends, resumes, stops and starts VMs, and only from the right state', () => {
    const w = world();
    const hv = w.hypervisors.of(0);
    w.cloud.setLoad(0, 100);
    expect(hv.resume(0)).toBe(false);
    expect(hv.suspend(0)).toBe(true);
    expect(hv.cpuDemand()).toBe(0);
    expect(hv.resume(0)).toBe(true);
    expect(hv.cpuDemand()).toBe(1);
    expect(hv.stop(0)).toBe(true);
    expect(hv.start(0)).toBe(true);
    expect(hv.stop(1)).toBe(false); // not on host 0
    const snaps: number[] = [];
    hv.snapshot(0, (o) => snaps.push(o.durationMs));
    w.runUntilS(10);
    expect(snaps[0]).toBeCloseTo((8 * 1024 * MIB) / 1.6e9 * 1000, 0);
  });
});

import { describe, expect, it } from 'vitest';
import { preCopyPlan } from '../../../src/platform/pre-copy.js';
import type { Hypervisor, MigrationOutcome, Protocol } from '../../../src/runtime/context.js';
import { veViolations } from '../../../src/scenario/probes/ve-check.js';
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
    expect(hv.vms()[0]).toEqual({ vm: 1, vcpus: 1, memoryMiB: 1024, cpuDemand: 0.5, state: 'running', ve: -1, migrating: false, incoming: false });
    expect(hv.cpuDemand()).toBe(0.5);
    expect(JSON.parse(JSON.stringify(hv.vms()))).toEqual(hv.vms());
  });

  it('lists a VM on its way on its target (incoming, demand as on its source) until it lands, and not after a failed migration', () => {
    const w = world();
    w.cloud.setLoad(0, 50);
    const source = w.hypervisors.of(0);
    const target = w.hypervisors.of(2);
    migrate(w, source, 0, 2);
    migrate(w, source, 4, 1);
    expect(target.incomingVms()).toEqual([{ vm: 0, vcpus: 1, memoryMiB: 1024, cpuDemand: 0.5, state: 'running', ve: -1, migrating: false, incoming: true }]);
    expect(w.hypervisors.of(1).incomingVms().map((v) => v.vm)).toEqual([4]);
    expect(source.incomingVms()).toEqual([]);
    expect(source.vms().map((v) => [v.vm, v.migrating, v.incoming])).toEqual([
      [0, true, false],
      [4, true, false],
    ]);
    expect(target.vms().map((v) => v.vm)).toEqual([2, 6]);
    w.hypervisors.setHostUp(1, false); // VM 4's target crashes: it stays on host 0
    w.runUntilS(60);
    expect(target.incomingVms()).toEqual([]);
    expect(w.hypervisors.of(1).incomingVms()).toEqual([]);
    expect(target.vms().map((v) => [v.vm, v.incoming])).toEqual([
      [0, false],
      [2, false],
      [6, false],
    ]);
    expect(source.vms().map((v) => [v.vm, v.migrating])).toEqual([[4, false]]);
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

describe('simulated hypervisor: a gather migrated together', () => {
  /** 4 hosts of 3 VMs (host 0: VMs 0, 4, 8), hosts 0-1 in PoP 0 and 2-3 in PoP 1; VMs 0 and 4 a gather (VE 0). */
  const gatherWorld = (options: Partial<ConstructorParameters<typeof CloudWorld>[0]> = {}): CloudWorld =>
    world({ vmsPerHost: 3, veOf: (vm) => (vm === 0 || vm === 4 ? 0 : -1), migration: { outgoingPerHostMax: 2 }, ...options });
  const together = (w: CloudWorld, vms: readonly number[], to: number): MigrationOutcome[][] => {
    const out: MigrationOutcome[][] = [];
    w.hypervisors.of(0).migrateTogether(vms, to, (outcomes) => out.push([...outcomes]));
    return out;
  };
  const veCheck = (w: CloudWorld) => ({
    cloud: w.cloud,
    constraints: [{ kind: 'gather', ve: 0, scope: 'host' }] as const,
    hostPop: w.network.hostPop,
    hostCountry: ['FR', 'FR', 'DE', 'DE'],
    isMigrating: (vm: number) => w.hypervisors.isMigrating(vm),
  });

  it('runs the VMs at once, one outgoing slot each, and tells once, after the last has landed', () => {
    const w = gatherWorld();
    w.cloud.setLoad(0, 100); // dirties memory: VM 0 lands after VM 4
    const done = together(w, [0, 4], 2);
    expect(done).toEqual([]);
    expect([w.hypervisors.isMigrating(0), w.hypervisors.isMigrating(4), w.hypervisors.migrationsInProgress]).toEqual([true, true, 2]);
    const broken: string[] = [];
    w.sim.afterEvent = () => broken.push(...veViolations(veCheck(w)));
    w.runUntilS(60);
    expect(broken).toEqual([]); // VM 4 landed first, while VM 0 was still migrating
    expect(w.migrations.map((m) => [m.vm, m.startedUs])).toEqual([
      [4, 0],
      [0, 0],
    ]);
    expect(done).toHaveLength(1);
    expect(done[0].map((o) => o.ok)).toEqual([true, true]);
    expect(done[0][0].durationMs).toBeGreaterThan(done[0][1].durationMs); // in the order asked
    expect([w.cloud.hostOf(0), w.cloud.hostOf(4)]).toEqual([2, 2]);
    expect(w.checkInvariants()).toEqual([]);
  });

  it('refuses the whole group, every VM with the same reason, where one of its VMs or the slots or the room would be refused', () => {
    const cases: [string, (w: CloudWorld) => void, readonly number[], number][] = [
      ['busy', (w) => w.hypervisors.of(0).migrate(8, 1, () => {}), [0, 4], 2], // one slot of 2 taken
      ['not-running', (w) => w.hypervisors.of(0).suspend(4), [0, 4], 2],
      ['no-room', () => {}, [0, 4], 1], // host 1 holds 3 GiB of 4: room for one VM, not two
      ['busy', () => {}, [0, 0], 2], // the same VM twice
      ['not-here', () => {}, [0, 1], 2],
      ['bad-target', () => {}, [0, 4], 0],
    ];
    for (const [reason, before, vms, to] of cases) {
      const w = gatherWorld({ hostMemoryMiB: 4096 });
      before(w);
      const inProgress = w.hypervisors.migrationsInProgress;
      const done = together(w, vms, to);
      expect(w.hypervisors.migrationsInProgress, reason).toBe(inProgress); // nothing started
      w.runUntilS(0.001);
      expect(done, reason).toEqual([vms.map(() => ({ ok: false, reason, durationMs: 0, downtimeMs: 0, bytes: 0 }))]);
      expect([w.cloud.hostOf(0), w.cloud.hostOf(4)], reason).toEqual([0, 0]);
    }
    const w = gatherWorld({ hostMemoryMiB: 4096 });
    const alone = migrate(w, w.hypervisors.of(0), 0, 1); // where the pair had no room, one VM has
    w.runUntilS(60);
    expect(alone[0].ok).toBe(true);
    const empty = together(w, [], 2);
    w.runUntilS(61);
    expect(empty).toEqual([[]]);
  });

  it('a target that crashes after one VM landed loses that VM and sends the other back: the gather is not split, its lost member holds no place', () => {
    const w = gatherWorld({ crashTakesVms: true });
    w.cloud.setLoad(0, 100);
    const done = together(w, [0, 4], 2);
    while (w.cloud.hostOf(4) !== 2) w.runUntilS(w.sim.nowUs() / 1e6 + 0.1);
    expect(w.hypervisors.isMigrating(0)).toBe(true);
    w.runtime.crashNode(2);
    w.runUntilS(w.sim.nowUs() / 1e6 + 0.001);
    expect(done[0].map((o) => [o.ok, o.reason])).toEqual([
      [false, 'target-down'],
      [true, ''],
    ]);
    expect([w.cloud.hostOf(0), w.cloud.hostOf(4), w.cloud.vmLost[4]]).toEqual([0, -1, 1]);
    expect(veViolations(veCheck(w))).toEqual([]);
    expect(w.checkInvariants()).toEqual([]);
  });
});

describe('simulated hypervisor under host crashes', () => {
  const crashing = (options: Partial<ConstructorParameters<typeof CloudWorld>[0]> = {}): CloudWorld => world({ crashTakesVms: true, ...options });

  it('a crash takes the host VMs: lost, off every list, no demand, and the host comes back empty', () => {
    const w = crashing();
    w.loadAll(50);
    w.runtime.crashNode(1);
    expect(w.cloud.vmsLost).toBe(2);
    expect(w.cloud.hostOf(1)).toBe(-1);
    expect(w.cloud.hostOf(5)).toBe(-1);
    expect(w.cloud.hostDemandMilli[1]).toBe(0);
    expect(w.cloud.hostMemoryUsedMiB[1]).toBe(0);
    expect(w.hypervisors.of(1).vms()).toEqual([]);
    expect(w.hypervisors.of(1).suspend(1)).toBe(false);
    w.cloud.setLoad(1, 100); // the load trace goes on: a lost VM still adds nothing
    expect(w.cloud.hostDemandMilli[1]).toBe(0);
    expect(w.checkInvariants()).toEqual([]);
    w.runtime.recoverNode(1);
    expect(w.cloud.hostUp[1]).toBe(1);
    expect(w.cloud.vmsOf(1)).toEqual([]);
    expect(w.cloud.vmsLost).toBe(2);
    expect(w.checkInvariants()).toEqual([]);
  });

  it('copies between hosts as bulk transfers: 1 GiB at a 1 Gbit/s cap in 8.589935 s, in 1.717987 s uncapped beside a migration into the same 10 Gbit/s NIC (5 Gbit/s each), and a crash of an end fails it from a later event', () => {
    const bits = 8 * 1024 * MIB;
    const alone = new CloudWorld({ hosts: 3, vmsPerHost: 2, seed: 1, stack: NO_PROTOCOLS, pops: 1 });
    const done: [boolean, number][] = [];
    expect(alone.hypervisors.copy(0, 2, 1024 * MIB, 1e9, (ok, us) => done.push([ok, us]))).toBeGreaterThan(0);
    alone.runUntilS(30);
    expect(done).toEqual([[true, Math.ceil((bits / 1e9) * 1e6)]]);
    // Uncapped beside a migration into host 2: the NIC's 10 Gbit/s shared, 5 Gbit/s each.
    const shared = new CloudWorld({ hosts: 3, vmsPerHost: 2, seed: 1, stack: NO_PROTOCOLS, pops: 1, migration: { bandwidthBps: 100e9 } });
    const copied: number[] = [];
    migrate(shared, shared.hypervisors.of(1), 1, 2);
    shared.hypervisors.copy(0, 2, 1024 * MIB, 100e9, (ok, us) => copied.push(us));
    shared.runUntilS(30);
    expect(copied).toEqual([Math.ceil((bits / 5e9) * 1e6)]);
    // A crash of the target mid-copy: failed, from a later event, and nothing more is sent.
    const crash = new CloudWorld({ hosts: 3, vmsPerHost: 2, seed: 1, stack: NO_PROTOCOLS, pops: 1, crashTakesVms: true });
    const cut: boolean[] = [];
    crash.hypervisors.copy(0, 2, 1024 * MIB, 1e9, (ok) => cut.push(ok));
    crash.runUntilS(2);
    crash.runtime.crashNode(2);
    expect(cut).toEqual([]);
    crash.runUntilS(30);
    expect(cut).toEqual([false]);
    expect(crash.hypervisors.copy(0, 2, 1, 1e9, () => undefined)).toBe(-1); // to a host down: nothing starts
  });

  it('tells how much a copy delivered: 250 MB after 2 s at 1 Gbit/s, from copySentBytes, cancelCopy (no call back) and a crash (bytesSent)', () => {
    const w = new CloudWorld({ hosts: 3, vmsPerHost: 2, seed: 1, stack: NO_PROTOCOLS, pops: 1, crashTakesVms: true });
    const ends: [boolean, number][] = [];
    const a = w.hypervisors.copy(0, 2, 1024 * MIB, 1e9, (ok, _us, sent) => ends.push([ok, sent]));
    const b = w.hypervisors.copy(1, 0, 1024 * MIB, 1e9, (ok, _us, sent) => ends.push([ok, sent]));
    w.runUntilS(2);
    expect(w.hypervisors.copySentBytes(a)).toBeCloseTo(250e6, 0);
    expect(w.hypervisors.cancelCopy(b)).toBeCloseTo(250e6, 0);
    expect(w.hypervisors.copySentBytes(b)).toBeUndefined();
    expect(w.hypervisors.cancelCopy(b)).toBe(-1);
    w.runUntilS(3);
    w.runtime.crashNode(2);
    w.runUntilS(30);
    expect(ends).toHaveLength(1); // the cancelled copy never calls back
    expect(ends[0][0]).toBe(false);
    expect(ends[0][1]).toBeCloseTo(375e6, -3); // 3 s at 1 Gbit/s less the step's microsecond rounding
  });

  it('reports memory held by a replica as taken: host() shows 2 GiB less, and a migration needing it is refused no-room', () => {
    const w = world({ hostMemoryMiB: 4096 }); // 2 GiB used by its two VMs
    w.hypervisors.holdMiB(2, 2048);
    expect(w.hypervisors.of(2).host().memoryMiB).toBe(2048);
    expect(w.hypervisors.reservedMiBOf(2)).toBe(2048);
    const refused = migrate(w, w.hypervisors.of(0), 0, 2);
    w.runUntilS(1);
    expect(refused.map((o) => o.reason)).toEqual(['no-room']);
    w.hypervisors.holdMiB(2, -2048);
    expect(w.hypervisors.of(2).host().memoryMiB).toBe(4096);
  });

  // Two PoPs (hosts 0, 1 in p0; 2, 3 in p1), a store disk of 100 MB/s on each: 1 GiB through a disk takes 8 x 2^30 / 8e8 s.
  const DISK_BPS = 8e8;
  const GIB_THROUGH_DISK_US = Math.ceil(((8 * 1024 * MIB) / DISK_BPS) * 1e6); // 10.737419 s
  const withDisks = (): { w: CloudWorld; disks: [number, number] } => {
    const w = crashing();
    return { w, disks: [w.hypervisors.addResource(DISK_BPS), w.hypervisors.addResource(DISK_BPS)] };
  };

  it('copies between PoP stores disk to backbone to disk: 1 GiB in 10.737419 s at 100 MB/s; a PoP that loses one host of two goes on, losing its last fails the copy from a later event', () => {
    const { w, disks } = withDisks();
    const done: [boolean, number][] = [];
    expect(w.hypervisors.popCopy(0, 1, 1024 * MIB, disks, (ok, us) => done.push([ok, us]))).toBeGreaterThan(0);
    w.runUntilS(30);
    expect(done).toEqual([[true, GIB_THROUGH_DISK_US]]);

    const cut = withDisks();
    const outcome: boolean[] = [];
    cut.w.hypervisors.popCopy(0, 1, 1024 * MIB, cut.disks, (ok) => outcome.push(ok));
    cut.w.runUntilS(2);
    cut.w.runtime.crashNode(2); // host 3 still up: p1's store is up
    cut.w.runUntilS(4);
    expect(outcome).toEqual([]);
    cut.w.runtime.crashNode(3); // p1 has no host up: its store is down
    expect(outcome).toEqual([]); // not from inside the crash
    cut.w.runUntilS(5);
    expect(outcome).toEqual([false]);
    cut.w.runUntilS(30);
    expect(outcome).toEqual([false]); // told once
    expect(cut.w.hypervisors.popCopy(0, 1, 1, cut.disks, () => undefined)).toBe(-1); // to a PoP without a host up: nothing starts
    expect(cut.w.hypervisors.popCopy(1, 0, 1, cut.disks, () => undefined)).toBe(-1); // nor from one
  });

  it('copies from the source end of a PoP store fail too: p0 losing both hosts cuts a copy from p0', () => {
    const { w, disks } = withDisks();
    const outcome: boolean[] = [];
    w.hypervisors.popCopy(0, 1, 1024 * MIB, disks, (ok) => outcome.push(ok));
    w.runUntilS(1);
    w.runtime.crashNode(0);
    w.runtime.crashNode(1);
    w.runUntilS(30);
    expect(outcome).toEqual([false]);
  });

  it('reads from a store into a host over its disk and the host NIC in: 1 GiB in 10.737419 s; a crash of the host fails the read from a later event, a crash of its neighbour does not', () => {
    const { w, disks } = withDisks();
    const done: [boolean, number][] = [];
    expect(w.hypervisors.readInto(0, 1024 * MIB, [disks[0]], (ok, us) => done.push([ok, us]))).toBeGreaterThan(0);
    w.runUntilS(1);
    w.runtime.crashNode(1); // the other host of p0
    w.runUntilS(30);
    expect(done).toEqual([[true, GIB_THROUGH_DISK_US]]);

    const cut = withDisks();
    const outcome: boolean[] = [];
    cut.w.hypervisors.readInto(0, 1024 * MIB, [cut.disks[0]], (ok) => outcome.push(ok));
    cut.w.runUntilS(2);
    cut.w.runtime.crashNode(0);
    expect(outcome).toEqual([]);
    cut.w.runUntilS(30);
    expect(outcome).toEqual([false]);
    expect(cut.w.hypervisors.readInto(0, 1, [cut.disks[0]], () => undefined)).toBe(-1); // into a host down: nothing starts
  });

  it('shares a store disk max-min between a read and a copy through it: 1 GiB each at 50 MB/s, both in 21.474837 s', () => {
    const { w, disks } = withDisks();
    const ends: number[] = [];
    w.hypervisors.readInto(0, 1024 * MIB, [disks[0]], (ok, us) => ends.push(us));
    w.hypervisors.popCopy(0, 1, 1024 * MIB, disks, (ok, us) => ends.push(us));
    w.runUntilS(60);
    const bothUs = Math.ceil(((8 * 1024 * MIB) / (DISK_BPS / 2)) * 1e6);
    expect(ends).toEqual([bothUs, bothUs]);
  });

  it('a migration to a host that crashes fails at the crash with target-down: the VM stays on its source and the memory reserved on the target is free again', () => {
    const w = crashing({ hostMemoryMiB: 3072 }); // 2 GiB used, room for one 1 GiB VM incoming
    const first = migrate(w, w.hypervisors.of(0), 0, 2);
    w.runUntilS(2); // mid-copy (a 1 GiB copy at 1 Gbit/s takes 8.6 s)
    expect(w.hypervisors.isMigrating(0)).toBe(true);
    w.runtime.crashNode(2);
    expect(w.hypervisors.isMigrating(0)).toBe(false);
    expect(w.hypervisors.migrationsInProgress).toBe(0);
    expect(first).toEqual([]); // from a later event
    w.runUntilS(2.001);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ ok: false, reason: 'target-down' });
    expect(w.migrations[0]).toMatchObject({ vm: 0, from: 0, to: 2, ok: false, reason: 'target-down' });
    expect(w.migrations[0].durationUs).toBe(2_000_000);
    expect(w.cloud.hostOf(0)).toBe(0);
    w.runtime.recoverNode(2);
    const again = migrate(w, w.hypervisors.of(0), 0, 2); // no reservation left behind: room for it
    w.runUntilS(60);
    expect(again[0].ok).toBe(true);
    expect(w.cloud.hostOf(0)).toBe(2);
    expect(w.checkInvariants()).toEqual([]);
  });

  it('a migration from a host that crashes fails with source-down, the VM is lost with its source, and its bandwidth goes to the others at once', () => {
    const w = new CloudWorld({ hosts: 3, vmsPerHost: 2, seed: 1, stack: NO_PROTOCOLS, pops: 1, crashTakesVms: true, migration: { bandwidthBps: 100e9 } });
    const a = migrate(w, w.hypervisors.of(0), 0, 2); // both into host 2's 10 Gbit/s NIC: 5 Gbit/s each
    const b = migrate(w, w.hypervisors.of(1), 1, 2);
    w.runUntilS(0.5);
    w.runtime.crashNode(0);
    w.runUntilS(60);
    expect(a[0]).toMatchObject({ ok: false, reason: 'source-down' });
    expect(w.cloud.vmLost[0]).toBe(1);
    expect(b[0].ok).toBe(true);
    // 1 GiB: 0.5 s at 5 Gbit/s (2.5 Gbit), then the remaining 6.09 Gbit at 10 Gbit/s.
    expect(b[0].durationMs).toBeCloseTo(500 + ((8 * 1024 * MIB - 2.5e9) / 10e9) * 1000, 0);
    expect(w.cloud.hostOf(1)).toBe(2);
    expect(w.checkInvariants()).toEqual([]);
  });

  it('keeps the model consistent through random crashes, recoveries, migrations and loads (every VM on one host or lost, never both)', () => {
    const w = crashing({ hosts: 6, vmsPerHost: 3, pops: 3, loadsUntilS: 400 });
    let x = 7;
    const next = (n: number): number => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n);
    let lostBefore = 0;
    for (let step = 1; step <= 400; step++) {
      const host = next(6);
      const r = next(10);
      if (r === 0 && w.runtime.isUp(host)) w.runtime.crashNode(host);
      else if (r === 1 && !w.runtime.isUp(host)) w.runtime.recoverNode(host);
      else if (w.runtime.isUp(host)) {
        const vms = w.cloud.vmsOf(host);
        if (vms.length > 0) w.hypervisors.of(host).migrate(vms[next(vms.length)], next(6), () => {});
      }
      w.runUntilS(step);
      expect(w.checkInvariants()).toEqual([]);
      expect(w.cloud.vmsLost).toBeGreaterThanOrEqual(lostBefore); // nothing restores them here
      lostBefore = w.cloud.vmsLost;
      for (let h = 0; h < 6; h++) if (!w.runtime.isUp(h)) expect(w.cloud.hostVmCount[h]).toBe(0);
      // The per-PoP count of up hosts the stores read, against a count of the model's hosts.
      for (let pop = 0; pop < 3; pop++) {
        let up = 0;
        for (let h = 0; h < 6; h++) if (w.network.hostPop[h] === pop && w.cloud.hostUp[h] === 1) up++;
        expect(w.hypervisors.hostsUpIn(pop)).toBe(up);
      }
    }
    expect(w.hypervisors.hostsUpIn(3)).toBe(0); // a PoP beyond the hosts' has none
    expect(w.cloud.vmsLost).toBeGreaterThan(0);
    expect(w.migrations.some((m) => m.reason === 'target-down' || m.reason === 'source-down')).toBe(true);
  });
});

describe('simulated hypervisor: VM events for those who track VMs (the VM index)', () => {
  it('tells of every VM created, relocated, migrated, lost with its host and restored, after the model changed', () => {
    const w = world({ crashTakesVms: true, extraVms: 1 });
    const events: string[] = [];
    w.hypervisors.onVmPlaced((vm, from, to) => events.push(`${vm}: ${from} -> ${to} (model: ${w.cloud.vmHost[vm]})`));
    expect(w.hypervisors.createVm({ vcpus: 1, memoryMiB: 1024, dirtyShare: 0, ve: -1 }, 3)).toBe(8);
    expect(w.hypervisors.relocateVm(8, 1)).toBe(true);
    expect(w.hypervisors.relocateVm(8, 1)).toBe(false); // already there
    migrate(w, w.hypervisors.of(0), 0, 2);
    w.runUntilS(60);
    w.runtime.crashNode(1); // VMs 1, 5 and 8
    expect(w.hypervisors.relocateVm(1, 0)).toBe(false); // lost
    w.hypervisors.restoreVm(5, 2);
    expect(events).toEqual(['8: -1 -> 3 (model: 3)', '8: 3 -> 1 (model: 1)', '0: 0 -> 2 (model: 2)', '1: 1 -> -1 (model: -1)', '5: 1 -> -1 (model: -1)', '8: 1 -> -1 (model: -1)', '5: -1 -> 2 (model: 2)']);
    expect(w.checkInvariants()).toEqual([]);
  });

  it('relocates at once only a VM that is not migrating, to an up host', () => {
    const w = world({ crashTakesVms: true });
    migrate(w, w.hypervisors.of(0), 0, 2);
    expect(w.hypervisors.relocateVm(0, 3)).toBe(false); // migrating
    w.runtime.crashNode(3);
    expect(w.hypervisors.relocateVm(1, 3)).toBe(false); // target down
    expect(w.cloud.hostOf(1)).toBe(1);
  });
});

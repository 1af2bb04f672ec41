import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANNING_COST, planningTimeMs } from '../../src/placement/index.js';
import { CENTRAL, type CentralConfig, CentralSchedulerProtocol, centralStack, defaultCentralConfig, HostView, problemOf } from '../../src/protocols/central/index.js';
import type { HostInfo, VmInfo } from '../../src/runtime/context.js';
import { SchedulerWorld, VMS_PER_HOST } from './scheduler-fake-cloud.js';
import { veViolations } from '../../src/scenario/probes/ve-check.js';
import { CloudWorld } from '../support/cloud-world.js';

const HOSTS = 20;

function central(seed: number, config: Partial<CentralConfig> = {}, migrationBandwidthBps?: number): SchedulerWorld {
  const migration = migrationBandwidthBps === undefined ? undefined : { bandwidthBps: migrationBandwidthBps };
  return new SchedulerWorld(HOSTS, seed, centralStack({ ...defaultCentralConfig, ...config }), CENTRAL, migration);
}

const host = (node: number): HostInfo => ({ node, cores: 8, memoryMiB: 32768, site: 0, country: 'FR' });
const vm = (id: number, cpuDemand: number, migrating = false, incoming = false): VmInfo => ({ vm: id, vcpus: 1, memoryMiB: 1024, cpuDemand, state: 'running', ve: -1, migrating, incoming });

describe('central host view', () => {
  it('keeps the newest report of each host, refuses hosts beyond hostsMax, and shows a finished move on its target', () => {
    const view = new HostView(2);
    expect(view.update({ host: host(0), vms: [vm(1, 1), vm(2, 1)], seq: 5, receivedAtMs: 0 })).toBe(true);
    expect(view.update({ host: host(0), vms: [], seq: 4, receivedAtMs: 10 })).toBe(false);
    expect(view.update({ host: host(1), vms: [vm(3, 1)], seq: 1, receivedAtMs: 0 })).toBe(true);
    expect(view.update({ host: host(2), vms: [], seq: 1, receivedAtMs: 0 })).toBe(false);
    expect(view.refused).toBe(1);
    view.applyMove(2, 0, 1);
    expect(view.get(0)!.vms.map((v) => v.vm)).toEqual([1]);
    expect(view.get(1)!.vms.map((v) => v.vm)).toEqual([2, 3]);
    expect(view.fresh(3000, 3000).length).toBe(2);
    expect(view.fresh(3001, 3000).length).toBe(0);
  });

  it('builds a problem with migrating and stopped VMs pinned, and a VM reported by two hosts kept once, where it is not migrating', () => {
    const stopped: VmInfo = { ...vm(4, 0), state: 'stopped' };
    const problem = problemOf(
      [
        { host: host(1), vms: [vm(2, 1), vm(7, 1)], seq: 1, receivedAtMs: 0 },
        { host: host(0), vms: [vm(2, 1, true), stopped, vm(5, 2, true)], seq: 1, receivedAtMs: 0 },
      ],
      [],
    );
    expect(problem.hosts.map((h) => h.id)).toEqual([0, 1]);
    expect(problem.vms.map((v) => [v.id, v.host, v.pinned])).toEqual([
      [2, 1, false],
      [4, 0, true],
      [5, 0, true],
      [7, 1, false],
    ]);
  });

  it('keeps a VM on its way at its source with its room reserved on its target, pins its VE, and shows it hosted there once its migration ended', () => {
    // VM 2 of spread VE 5 migrates from host 0 to host 1: host 0 lists it leaving, host 1 lists it coming; VM 3 is of VE 5 too.
    const reports = [
      { host: host(0), vms: [{ ...vm(2, 1, true), ve: 5 }, { ...vm(3, 1), ve: 5 }, vm(4, 1)], seq: 1, receivedAtMs: 0 },
      { host: host(1), vms: [{ ...vm(2, 1, false, true), ve: 5 }, vm(7, 1)], seq: 1, receivedAtMs: 0 },
    ];
    const both = problemOf(reports, [{ kind: 'spread', ve: 5, scope: 'host' }]);
    expect(both.vms.map((v) => [v.id, v.host, v.pinned])).toEqual([
      [2, 0, true],
      [3, 0, true],
      [4, 0, false],
      [7, 1, false],
    ]);
    expect(both.hosts.map((h) => [h.id, h.cores, h.memoryMiB])).toEqual([
      [0, 8, 32_768],
      [1, 7, 31_744],
    ]);
    // The target alone sees it: there, pinned, its room not reserved twice.
    const target = problemOf([reports[1]], []);
    expect(target.vms.map((v) => [v.id, v.host, v.pinned])).toEqual([
      [2, 1, true],
      [7, 1, false],
    ]);
    expect(target.hosts.map((h) => [h.id, h.cores, h.memoryMiB])).toEqual([[1, 8, 32_768]]);
    const view = new HostView(2);
    for (const r of reports) view.update(r);
    view.applyMove(2, 0, 1);
    expect(view.get(0)!.vms.map((v) => v.vm)).toEqual([3, 4]);
    expect(view.get(1)!.vms.map((v) => [v.vm, v.migrating, v.incoming])).toEqual([
      [2, false, false],
      [7, false, false],
    ]);
  });
});

describe('centralised baseline (Entropy every 30 s)', () => {
  it('resolves an overload at the next 30 s round, the migration orders going out planningTimeMs after the round starts', () => {
    const w = central(1);
    w.runUntilMs(5000);
    w.world.loadHost(3, 10); // 10 cores asked of 8
    w.runUntilMs(29_999);
    expect(w.world.overloadedHosts()).toEqual([3]);
    expect(w.world.migrations).toEqual([]);
    w.runUntilMs(60_000);
    expect(w.world.overloadedHosts()).toEqual([]);
    expect(w.world.checkInvariants()).toEqual([]);
    const planningMs = planningTimeMs(DEFAULT_PLANNING_COST, HOSTS, HOSTS * VMS_PER_HOST);
    expect(w.rounds).toHaveLength(1);
    const round = w.rounds[0];
    expect(round).toMatchObject({ node: 0, startMs: 30_000, hosts: HOSTS, vms: HOSTS * VMS_PER_HOST, plans: 1, solved: true });
    expect(round.planningMs).toBeCloseTo(planningMs, 9);
    expect(round.migrationsOrdered).toBeGreaterThan(0);
    expect(round.migrationsDone).toBe(round.migrationsOrdered);
    expect(w.world.migrations).toHaveLength(round.migrationsOrdered);
    for (const m of w.world.migrations) {
      expect(m.from).toBe(3);
      expect(m.ok).toBe(true);
      // Ordered at 30 s + planning time, one message (0.1 ms within the PoP) later at most.
      expect(m.startedUs / 1000).toBeGreaterThanOrEqual(30_000 + planningMs);
      expect(m.startedUs / 1000).toBeLessThan(30_000 + planningMs + 1);
    }
    expect(round.endMs).toBeGreaterThan(30_000 + planningMs);
    expect(w.world.counters.get('central.rounds')).toBe(1);
    expect(w.world.counters.get('central.rounds_viable')).toBe(1); // the 60 s tick
  });

  it('never overlaps rounds: a tick during a round is skipped, and a new overload waits for the first tick after the round', () => {
    // 200 Mb/s migrations: a 1 GiB VM takes about 50 s, so the round started at 30 s spans the 60 s tick.
    const w = central(2, {}, 2e8);
    w.runUntilMs(5000);
    w.world.loadHost(3, 10);
    w.runUntilMs(61_000);
    expect(w.world.counters.get('central.rounds_skipped')).toBe(1);
    w.world.loadHost(8, 10); // during round 1
    w.runUntilMs(150_000);
    expect(w.world.overloadedHosts()).toEqual([]);
    expect(w.rounds.length).toBe(2);
    const [first, second] = w.rounds;
    expect(first.startMs).toBe(30_000);
    expect(first.endMs).toBeGreaterThan(60_000);
    expect(first.endMs).toBeLessThan(90_000);
    expect(second.startMs).toBe(90_000);
    for (const m of w.world.migrations) expect(m.from === 3 ? m.startedUs < 60e6 : m.startedUs > 90e6).toBe(true);
    expect(w.world.migrations.filter((m) => m.from === 8).length).toBe(second.migrationsOrdered);
  });

  it('stops waiting for migrations after migrationTimeoutMs; the next round, at the following tick, leaves the VMs still migrating pinned', () => {
    // 1 Mb/s: a 1 GiB VM would take hours; the demand of a migrating VM stays on its source.
    const w = central(6, {}, 1e6);
    w.runUntilMs(5000);
    w.world.loadHost(3, 10);
    w.runUntilMs(305_000); // rounds are logged as they end: the second at 180 s + planning + 120 s
    const planningMs = planningTimeMs(DEFAULT_PLANNING_COST, HOSTS, HOSTS * VMS_PER_HOST);
    expect(w.rounds.map((r) => r.startMs)).toEqual([30_000, 180_000]);
    expect(w.world.counters.get('central.rounds_skipped')).toBe(8); // 60 .. 150 s, then 210 .. 300 s
    const [first, second] = w.rounds;
    expect(first.endMs).toBeCloseTo(30_000 + planningMs + defaultCentralConfig.migrationTimeoutMs, 6);
    expect(first.migrationsDone).toBe(0);
    expect(second.migrationsDone).toBe(0);
    expect(w.world.counters.get('central.migration_timeouts')).toBe(first.migrationsOrdered + second.migrationsOrdered);
    // Both rounds' migrations still run, on distinct VMs: a VM ordered twice would have been refused as busy.
    const migrating = w.world.cloud.vmsOf(3).filter((vm) => w.world.hypervisors.isMigrating(vm));
    expect(migrating.length).toBe(first.migrationsOrdered + second.migrationsOrdered);
    expect(w.world.counters.get('migrations.refused.busy') ?? 0).toBe(0);
  });

  it('plans nothing and charges nothing while the configuration is viable', () => {
    const w = central(3);
    w.runUntilMs(95_000);
    expect(w.rounds).toEqual([]);
    expect(w.world.migrations).toEqual([]);
    expect(w.world.counters.get('central.rounds')).toBe(0);
    expect(w.world.counters.get('central.rounds_viable')).toBe(3);
    // Monitoring is paid in messages all the same: 19 hosts report every second.
    expect(w.world.counters.get('central.messages.sent')).toBeGreaterThanOrEqual(19 * 94);
    expect(w.protocol<CentralSchedulerProtocol>(0)!.reportedHosts).toBe(HOSTS);
  });

  it('schedules nothing while the manager is down: a single point of failure', () => {
    const w = central(4);
    w.runUntilMs(1000);
    w.world.runtime.crashNode(0);
    w.world.loadHost(3, 10);
    w.runUntilMs(100_000);
    expect(w.world.overloadedHosts()).toEqual([3]);
    expect(w.world.migrations).toEqual([]);
    expect(w.world.counters.get('central.rounds')).toBe(0);
    expect(w.world.counters.get('central.reports_refused')).toBe(0);
  });

  it('is deterministic: the same seed gives the same migrations, rounds and counters', () => {
    const run = (): string => {
      const w = central(5);
      w.runUntilMs(3000);
      w.world.loadHost(2, 11);
      w.world.loadHost(9, 10);
      w.runUntilMs(70_000);
      expect(w.world.migrations.length).toBeGreaterThan(0);
      return w.fingerprint();
    };
    expect(run()).toBe(run());
  });
});

describe('centralised baseline and a gather whose source host is busy with other migrations', () => {
  // As in dvms.test.ts: 8 hosts of 2 cores, each its own PoP, host 0 holding VMs 0, 8, 16, 24;
  // VMs 0 and 8 a gather, VM 16 fenced to PoP 0, so the plan for host 0's overload moves the
  // gather's two VMs together, while VM 24's migration (1 GiB at 100 Mbit/s, about 90 s) holds
  // one of host 0's two outgoing slots.
  const constraints = [
    { kind: 'gather', ve: 0, scope: 'host' },
    { kind: 'fence', ve: 1, sites: [0], countries: [] },
  ] as const;

  it('never splits the gather: its moves are refused together while the slot is taken, then run together', () => {
    const world = new CloudWorld({
      hosts: 8,
      pops: 8,
      seed: 1,
      vmsPerHost: 4,
      hostCores: 2,
      veOf: (vm) => (vm === 0 || vm === 8 ? 0 : vm === 16 ? 1 : -1),
      migration: { bandwidthBps: 1e8, outgoingPerHostMax: 2 },
      stack: centralStack({ ...defaultCentralConfig, constraints, migrationsInFlightMax: 2, managerNode: 3 }),
    });
    for (const vm of [0, 8, 16]) world.cloud.setLoad(vm, 100);
    world.hypervisors.of(0).migrate(24, 5, () => {}, 've');
    const hostCountry = Array.from({ length: 8 }, (_, h) => (world.network.hostPop[h] % 2 === 0 ? 'FR' : 'DE'));
    const veInput = { cloud: world.cloud, constraints, hostPop: world.network.hostPop, hostCountry, isMigrating: (vm: number) => world.hypervisors.isMigrating(vm) };
    const broken: string[] = [];
    world.sim.afterEvent = () => {
      if (broken.length === 0) broken.push(...veViolations(veInput).map((v) => `${world.sim.nowUs() / 1e6} s: ${v}`));
    };
    world.runUntilS(400);
    expect(broken).toEqual([]);
    expect(world.counters.get('migrations.refused.busy')).toBeGreaterThan(0);
    const gather = world.migrations.filter((m) => m.vm === 0 || m.vm === 8).sort((a, b) => a.vm - b.vm);
    expect(gather.map((m) => [m.vm, m.from, m.ok])).toEqual([
      [0, 0, true],
      [8, 0, true],
    ]);
    expect(gather[0].to).toBe(gather[1].to);
    expect(gather[0].startedUs).toBe(gather[1].startedUs);
    expect(world.overloadedHosts()).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { checkPlacement } from '../../src/placement/check.js';
import { planPlacement } from '../../src/placement/plan.js';
import type { HostInfo, VmInfo } from '../../src/runtime/context.js';
import {
  type IspData,
  type MemberData,
  type PartitionVersion,
  defaultDvmsConfig,
  follows,
  ispDataBytes,
  leaderHop,
  nearestCandidate,
  outranks,
  partitionProblem,
  ringHop,
} from '../../src/protocols/dvms/index.js';
import { Simulator } from '../../src/kernel/simulator.js';
import { randomStream } from '../../src/kernel/random.js';
import { msToUs } from '../../src/kernel/time.js';
import type { Hypervisor, NodeContext } from '../../src/runtime/context.js';
import { Counters } from '../../src/runtime/counters.js';
import type { DvmsConfig, DvmsMigrated } from '../../src/protocols/dvms/index.js';
import { MigrationQueue } from '../../src/protocols/dvms/migration-queue.js';
import { Suspects } from '../../src/protocols/dvms/suspects.js';
import { isValidIsp } from '../../src/protocols/dvms/validate.js';

const v = (initiator: number, seq: number, epoch: number, leader: number): PartitionVersion => ({ initiator, seq, epoch, leader });

function host(node: number, cores = 8, site = 0): HostInfo {
  return { node, cores, memoryMiB: 32_768, site, country: 'FR' };
}

function vm(id: number, cpuDemand: number, extra: Partial<VmInfo> = {}): VmInfo {
  return { vm: id, vcpus: 1, memoryMiB: 1024, cpuDemand, state: 'running', ve: -1, migrating: false, incoming: false, ...extra };
}

function member(node: number, demands: readonly number[], atMs = 0, firstVm = node * 100): MemberData {
  return { host: host(node), vms: demands.map((d, k) => vm(firstVm + k, d)), atMs };
}

describe('partition versions', () => {
  it('a member follows a later epoch, or the same epoch from the same leader only', () => {
    expect(follows(v(0, 1, 2, 5), v(0, 1, 3, 7))).toBe(true);
    expect(follows(v(0, 1, 2, 5), v(0, 1, 2, 5))).toBe(true);
    expect(follows(v(0, 1, 2, 5), v(0, 1, 2, 7))).toBe(false); // a duplicate taker of the same ISP
    expect(follows(v(0, 1, 2, 5), v(0, 1, 1, 5))).toBe(false); // stale
    expect(follows(v(0, 1, 2, 5), v(0, 2, 3, 5))).toBe(false); // another ISP of the same initiator
  });

  it('the partition of the higher initiator absorbs the other: exactly one direction merges', () => {
    expect(outranks(v(4, 1, 0, 7), v(0, 1, 0, 3))).toBe(true);
    expect(outranks(v(0, 1, 0, 3), v(4, 1, 0, 7))).toBe(false);
  });
});

describe('next node', () => {
  const view = { successor: 1, neighbours: [1, 2, 3, 4, 8] };
  const all = (): boolean => true;

  it('ring: the successor, whatever the partition; a suspected successor gives way to the successor list', () => {
    expect(leaderHop('ring', view, (n) => n > 3, all)).toBe(1);
    expect(ringHop(view, (n) => n !== 1)).toBe(2);
    expect(ringHop({ successor: undefined, neighbours: [] }, all)).toBeUndefined();
  });

  it('neighbour: the first overlay neighbour outside the partition, else the successor', () => {
    expect(leaderHop('neighbour', view, (n) => n > 3, all)).toBe(4);
    expect(leaderHop('neighbour', view, (n) => n > 3, (n) => n !== 4)).toBe(8);
    expect(leaderHop('neighbour', view, () => false, all)).toBe(1);
  });

  it('locality: the nearest usable candidate by estimated RTT, ties to the lower id, unknown RTTs never', () => {
    const rtt = new Map([
      [1, 30],
      [2, 10],
      [3, 10],
      [4, 5],
    ]);
    expect(nearestCandidate([1, 2, 3, 4, 5], (n) => rtt.get(n), all)).toBe(4);
    expect(nearestCandidate([3, 2, 1, 5], (n) => rtt.get(n), all)).toBe(2);
    expect(nearestCandidate([1, 2, 3, 4], (n) => rtt.get(n), (n) => n === 1)).toBe(1);
    expect(nearestCandidate([5], () => undefined, all)).toBeUndefined();
  });
});

describe('partitionProblem', () => {
  it('scales capacity by the overload threshold, so a plan keeps hosts out of overload as monitors see it', () => {
    const p = partitionProblem([member(0, [1, 1]), member(1, [1])], [], 0.75);
    expect(p.hosts.map((h) => h.cores)).toEqual([6, 6]);
    expect(p.vms.map((x) => [x.id, x.host])).toEqual([
      [0, 0],
      [1, 0],
      [100, 1],
    ]);
  });

  it('pins VMs migrating, not running, or in a VE bound at site scope, and keeps only the constraints it can judge', () => {
    const m: MemberData = {
      host: host(3),
      vms: [vm(1, 1, { migrating: true }), vm(2, 0, { state: 'suspended' }), vm(3, 1, { ve: 7 }), vm(4, 1, { ve: 8 }), vm(5, 1)],
      atMs: 0,
    };
    const p = partitionProblem(
      [m],
      [
        { kind: 'spread', ve: 7, scope: 'site' },
        { kind: 'spread', ve: 8, scope: 'host' },
        { kind: 'gather', ve: 9, scope: 'host' },
      ],
      1,
    );
    expect(p.vms.map((x) => [x.id, x.pinned])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false],
      [5, false],
    ]);
    expect(p.constraints).toEqual([{ kind: 'spread', ve: 8, scope: 'host' }]);
  });

  it('pins every VM of a VE with a member migrating, and of a gather it sees only part of (torture-dvms-500 seed 17)', () => {
    // Host 298 holds VM 157 of gather VE 0 (2 VMs); VM 156 is on its way from host 15, outside the partition.
    const partial = partitionProblem([{ host: host(298), vms: [vm(157, 1, { ve: 0 }), vm(158, 1)], atMs: 0 }, member(193, [1])], [{ kind: 'gather', ve: 0, scope: 'host' }], 1, [2]);
    expect(partial.vms.map((x) => [x.id, x.pinned])).toEqual([
      [157, true],
      [158, false],
      [19300, false],
    ]);
    // Seen whole (both on host 298), the gather may move.
    const whole = partitionProblem([{ host: host(298), vms: [vm(156, 1, { ve: 0 }), vm(157, 1, { ve: 0 })], atMs: 0 }], [{ kind: 'gather', ve: 0, scope: 'host' }], 1, [2]);
    expect(whole.vms.map((x) => x.pinned)).toEqual([false, false]);
    // A spread VE with a member migrating: the others stay where they are too.
    const spread = partitionProblem([{ host: host(1), vms: [vm(10, 1, { ve: 0, migrating: true })], atMs: 0 }, { host: host(2), vms: [vm(20, 1, { ve: 0 }), vm(21, 1)], atMs: 0 }], [{ kind: 'spread', ve: 0, scope: 'host' }], 1, [3]);
    expect(spread.vms.map((x) => [x.id, x.pinned])).toEqual([
      [10, true],
      [20, true],
      [21, false],
    ]);
  });

  it('sees a VM on its way at its target, pinned, with every VM of its VE (torture-dvms-500 seed 467)', () => {
    // VM 119 of spread VE 39 (3 VMs) is on its way from host 197, outside the partition, to host 157; VM 99 of the VE is on host 4.
    const target = { host: host(157), vms: [vm(50, 1), vm(119, 1, { ve: 39, incoming: true })], atMs: 0 };
    const spread = [{ kind: 'spread', ve: 39, scope: 'host' }] as const;
    const p = partitionProblem([{ host: host(4), vms: [vm(99, 1, { ve: 39 }), vm(100, 1)], atMs: 0 }, target], spread, 1, [3]);
    expect(p.vms.map((x) => [x.id, x.host, x.pinned])).toEqual([
      [99, 4, true],
      [100, 4, false],
      [50, 157, false],
      [119, 157, true],
    ]);
    expect(p.constraints).toEqual(spread);
    expect(p.hosts.map((h) => [h.id, h.cores, h.memoryMiB])).toEqual([
      [4, 8, 32_768],
      [157, 8, 32_768],
    ]);
    // The source in the partition too: the VM is kept once, at its source, whichever snapshot is
    // newer, and its demand and memory are reserved on its target.
    for (const sourceAtMs of [0, 10]) {
      const source = { host: host(197), vms: [vm(119, 1, { ve: 39, migrating: true }), vm(120, 1)], atMs: sourceAtMs };
      const both = partitionProblem([source, target], spread, 1, [3]);
      expect(both.vms.map((x) => [x.id, x.host, x.pinned])).toEqual([
        [119, 197, true],
        [120, 197, false],
        [50, 157, false],
      ]);
      expect(both.hosts.map((h) => [h.id, h.cores, h.memoryMiB])).toEqual([
        [197, 8, 32_768],
        [157, 7, 31_744],
      ]);
    }
  });

  it('keeps a VM listed by two snapshots once, from the newer one', () => {
    const older = member(0, [1, 1], 100, 0); // vms 0, 1
    const newer = member(1, [1], 200, 1); // vm 1 moved here since
    const p = partitionProblem([older, newer], [], 1);
    expect(p.vms.map((x) => [x.id, x.host])).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('gives the planner a problem it can solve: 2 cores over on one host, spare on the others', () => {
    const members = [member(0, Array(10).fill(1)), member(1, Array(5).fill(1)), member(2, Array(8).fill(1)), member(3, Array(8).fill(1))];
    const problem = partitionProblem(members, [], 1);
    const plan = planPlacement(problem);
    expect(plan.ok).toBe(true);
    expect(plan.moves).toHaveLength(2);
    expect(plan.moves.every((m) => m.from === 0 && m.to === 1)).toBe(true);
    expect(checkPlacement(problem, plan.moves)).toEqual([]);
  });
});

describe('ISP checks and sizes', () => {
  const isp = (members: MemberData[], version = v(0, 1, 1, 1)): IspData => ({ version, state: 'growing', members, startedAtMs: 0, plans: 0, planningMs: 0, hops: 0 });

  it('accepts a well-formed ISP naming its leader and initiator among its members', () => {
    expect(isValidIsp(isp([member(0, [1]), member(1, [1])]), defaultDvmsConfig)).toBe(true);
    expect(isValidIsp(isp([member(1, [1])]), defaultDvmsConfig)).toBe(false); // initiator 0 missing
    expect(isValidIsp(isp([member(0, [1]), member(1, [1])], v(0, 1, -1, 1)), defaultDvmsConfig)).toBe(false);
    expect(isValidIsp(isp(Array.from({ length: 4 }, (_, k) => member(k, [1]))), { ...defaultDvmsConfig, partitionSizeMin: 2, partitionSizeMax: 4 })).toBe(false);
    expect(isValidIsp(null, defaultDvmsConfig)).toBe(false);
  });

  it('models an ISP as a fixed part plus 40 bytes per VM snapshot', () => {
    const one = ispDataBytes(isp([member(0, [1]), member(1, [1])]));
    const two = ispDataBytes(isp([member(0, [1, 1]), member(1, [1])]));
    expect(two - one).toBe(40);
  });
});

describe('Suspects', () => {
  it('forgets a suspicion after suspectTimeMs, on news from the peer, or when the ring of suspicions wraps', () => {
    const s = new Suspects(2, 1000);
    s.add(5, 0);
    expect(s.has(5, 999)).toBe(true);
    expect(s.has(5, 1000)).toBe(false);
    s.add(6, 0);
    s.clear(6);
    expect(s.has(6, 1)).toBe(false);
    s.add(1, 10);
    s.add(2, 10);
    s.add(3, 10); // overwrites the oldest entry
    expect([1, 2, 3].filter((n) => s.has(n, 20)).length).toBe(2);
  });
});

describe('MigrationQueue (the source host)', () => {
  /** A queue over a fake hypervisor whose migrations take `durationMsOf(vm)` (a group: its longest); `started` lists the groups run. */
  const queueWorld = (durationMsOf: (vm: number) => number, config: Partial<DvmsConfig>) => {
    const sim = new Simulator();
    const started: number[][] = [];
    const hypervisor = {
      migrateTogether: (vms: readonly number[], _to: number, onDone: (o: { ok: boolean; reason: string; durationMs: number; downtimeMs: number; bytes: number }[]) => void) => {
        started.push([...vms]);
        sim.setTimer(msToUs(Math.max(...vms.map(durationMsOf))), () => onDone(vms.map(() => ({ ok: true, reason: '', durationMs: 0, downtimeMs: 0, bytes: 0 }))));
      },
    } as unknown as Hypervisor;
    const ctx: NodeContext = {
      id: 0,
      nowMs: () => sim.nowUs() / 1000,
      setTimer: (ms, handler) => sim.setTimer(msToUs(ms), handler),
      send: () => {},
      rng: randomStream(1, 'test'),
      metrics: new Counters(),
      bootstrapPeers: () => [],
      hypervisor,
    };
    const reports: [number, number, boolean, string][] = [];
    const queue = new MigrationQueue(ctx, { ...defaultDvmsConfig, ...config }, (_leader, r: DvmsMigrated) => reports.push([sim.nowUs() / 1000, r.orderId, r.ok, r.reason]));
    return { sim, started, reports, queue };
  };

  it('runs migrationsPerHostMax at a time and drops, unrun, an order that waited past migrationTimeoutMs', () => {
    const durationMsOf = new Map([
      [1, 200_000], // stuck behind WAN contention
      [2, 1000],
      [3, 1000],
    ]);
    const { sim, started, reports, queue } = queueWorld((vm) => durationMsOf.get(vm) ?? 0, { migrationsPerHostMax: 1, migrationTimeoutMs: 120_000 });
    queue.enqueue(7, [{ orderId: 11, vm: 1 }], 5);
    queue.enqueue(7, [{ orderId: 12, vm: 2 }], 5);
    sim.run({ endUs: msToUs(100_000), eventsMax: 1000 });
    queue.enqueue(7, [{ orderId: 13, vm: 3 }], 5);
    sim.run({ endUs: msToUs(400_000), eventsMax: 1000 });
    expect(started).toEqual([[1], [3]]);
    expect(reports).toEqual([
      [200_000, 11, true, ''],
      [200_000, 12, false, 'expired'],
      [201_000, 13, true, ''],
    ]);
  });

  it("starts a gather's moves as one group once there are slots for all of them (alone if it needs more than migrationsPerHostMax), and reports each", () => {
    const { sim, started, reports, queue } = queueWorld((vm) => vm * 1000, { migrationsPerHostMax: 2 });
    queue.enqueue(7, [{ orderId: 11, vm: 1 }], 5); // 1 s
    queue.enqueue(7, [{ orderId: 12, vm: 2 }, { orderId: 13, vm: 3 }], 5); // waits for a second slot: 1 s + 3 s
    queue.enqueue(7, [{ orderId: 14, vm: 4 }, { orderId: 15, vm: 5 }, { orderId: 16, vm: 6 }], 5); // 3 VMs, 2 slots: alone, after the pair
    queue.enqueue(7, [{ orderId: 17, vm: 7 }], 5); // FIFO: after the group of 3
    sim.run({ endUs: msToUs(100_000), eventsMax: 1000 });
    expect(started).toEqual([[1], [2, 3], [4, 5, 6], [7]]);
    expect(reports).toEqual([
      [1000, 11, true, ''],
      [4000, 12, true, ''],
      [4000, 13, true, ''],
      [10_000, 14, true, ''],
      [10_000, 15, true, ''],
      [10_000, 16, true, ''],
      [17_000, 17, true, ''],
    ]);
  });

  it("refuses a group whose VMs would overflow vmsPerHostMax queued VMs, every move of it", () => {
    const { sim, started, reports, queue } = queueWorld(() => 1000, { migrationsPerHostMax: 1, vmsPerHostMax: 2 });
    queue.enqueue(7, [{ orderId: 11, vm: 1 }], 5); // runs
    queue.enqueue(7, [{ orderId: 12, vm: 2 }], 5); // queued: 1 VM
    queue.enqueue(7, [{ orderId: 13, vm: 3 }, { orderId: 14, vm: 4 }], 5); // 1 + 2 > 2
    sim.run({ endUs: msToUs(100_000), eventsMax: 1000 });
    expect(started).toEqual([[1], [2]]);
    expect(reports).toEqual([
      [0, 13, false, 'queue-full'],
      [0, 14, false, 'queue-full'],
      [1000, 11, true, ''],
      [2000, 12, true, ''],
    ]);
  });
});

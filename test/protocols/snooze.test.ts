import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANNING_COST, planningTimeMs } from '../../src/placement/index.js';
import { defaultSnoozeConfig, groupManagersEvery, groupProblemOf, SNOOZE, type SnoozeConfig, SnoozeProtocol, snoozeStack } from '../../src/protocols/snooze/index.js';
import type { HostInfo, VmInfo } from '../../src/runtime/context.js';
import { SchedulerWorld, VMS_PER_HOST } from './scheduler-fake-cloud.js';

const HOSTS = 24;
/** Group leader 0; GMs 1, 7, 13, 19; the 20 other nodes (0 included) are local controllers. */
const GMS = groupManagersEvery(HOSTS, 6, 0);
const PERIOD_MS = defaultSnoozeConfig.heartbeatPeriodMs;
const TIMEOUT_MS = defaultSnoozeConfig.heartbeatTimeoutMs;

function snooze(seed: number, config: Partial<SnoozeConfig> = {}): SchedulerWorld {
  return new SchedulerWorld(HOSTS, seed, snoozeStack({ ...defaultSnoozeConfig, groupManagers: GMS, ...config }), SNOOZE);
}

const proto = (w: SchedulerWorld, id: number): SnoozeProtocol | undefined => w.protocol<SnoozeProtocol>(id);

/** Each live GM's LCs, by GM id. */
function groups(w: SchedulerWorld): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let id = 0; id < HOSTS; id++) {
    const p = proto(w, id);
    if (p?.isGroupManager) out.set(id, p.groupMembers());
  }
  return out;
}

/** Every live host that is not a GM belongs to exactly one live GM's group, the one its LC names. */
function expectEveryHostInOneGroup(w: SchedulerWorld): void {
  const owner = new Map<number, number>();
  for (const [gm, lcs] of groups(w)) {
    for (const lc of lcs) {
      expect(owner.has(lc), `LC ${lc} in the groups of ${owner.get(lc)} and ${gm}`).toBe(false);
      owner.set(lc, gm);
    }
  }
  for (let id = 0; id < HOSTS; id++) {
    const p = proto(w, id);
    if (p === undefined || p.isGroupManager) continue;
    expect(owner.get(id), `host ${id}`).toBeDefined();
    expect(p.groupManagerOfHost(), `host ${id}`).toBe(owner.get(id));
  }
}

function leaders(w: SchedulerWorld): number[] {
  return Array.from({ length: HOSTS }, (_, id) => id).filter((id) => proto(w, id)?.isGroupLeader === true);
}

const host = (node: number): HostInfo => ({ node, cores: 8, memoryMiB: 32768, site: 0, country: 'FR' });
const vm = (id: number, ve: number): VmInfo => ({ vm: id, vcpus: 1, memoryMiB: 1024, cpuDemand: 1, state: 'running', ve, migrating: false, incoming: false });

describe('snooze group problem', () => {
  it('keeps fences only and pins the VMs of gathered or spread VEs, whose other members may be in other groups', () => {
    const problem = groupProblemOf([{ host: host(4), vms: [vm(1, -1), vm(2, 7), vm(3, 8)], seq: 1 }], [
      { kind: 'spread', ve: 7, scope: 'host' },
      { kind: 'fence', ve: 8, sites: [0], countries: [] },
    ]);
    expect(problem.vms.map((v) => [v.id, v.pinned])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(problem.constraints.map((c) => c.kind)).toEqual(['fence']);
  });

  it('draws every k-th node after the leader as group managers', () => {
    expect(GMS).toEqual([1, 7, 13, 19]);
    expect(groupManagersEvery(10, 4, 3)).toEqual([2, 4, 8]); // 4, 8, 12 mod 10
  });
});

describe('hierarchical baseline (Snooze)', () => {
  it('spreads the local controllers evenly over the group managers through the group leader', () => {
    const w = snooze(1);
    w.runUntilMs(10_000);
    expect(leaders(w)).toEqual([0]);
    const sizes = [...groups(w).values()].map((lcs) => lcs.length);
    expect(sizes).toEqual([5, 5, 5, 5]);
    expectEveryHostInOneGroup(w);
    expect(proto(w, 0)!.lcCounts()).toEqual(GMS.map((gm) => [gm, 5]));
    expect(w.world.counters.get('snooze.rejoins')).toBe(0);
  });

  it('resolves overloads within their groups, an LC and a GM own host alike, moving VMs only between that group hosts, soon after they appear', () => {
    const w = snooze(2);
    w.runUntilMs(10_000);
    const [[gmA, lcsA], [gmB, lcsB]] = [...groups(w).entries()].slice(1, 3);
    const hotLc = lcsA[2];
    w.world.loadHost(hotLc, 10);
    w.world.loadHost(gmB, 10); // a GM is a host too, planned for as a member of its group
    w.runUntilMs(40_000);
    expect(w.world.overloadedHosts()).toEqual([]);
    expect(w.world.checkInvariants()).toEqual([]);
    const groupOf = new Map([
      [hotLc, new Set([gmA, ...lcsA])],
      [gmB, new Set([gmB, ...lcsB])],
    ]);
    const planningMs = planningTimeMs(DEFAULT_PLANNING_COST, 6, 6 * VMS_PER_HOST);
    expect(w.world.migrations.length).toBeGreaterThan(0);
    for (const m of w.world.migrations) {
      const group = groupOf.get(m.from);
      expect(group, `migration from ${m.from}`).toBeDefined();
      expect(group!.has(m.to), `migration ${m.from} -> ${m.to}`).toBe(true);
      // Seen at the host's next check (1 s), reported at once, planned for the group's size (6 hosts).
      expect(m.startedUs / 1000).toBeGreaterThanOrEqual(10_000 + planningMs);
      expect(m.startedUs / 1000).toBeLessThan(10_000 + defaultSnoozeConfig.monitorPeriodMs + planningMs + 2);
    }
    expect(w.rounds.map((r) => r.node).sort((a, b) => a - b)).toEqual([gmA, gmB].sort((a, b) => a - b));
    for (const r of w.rounds) {
      expect(r).toMatchObject({ hosts: 6, vms: 6 * VMS_PER_HOST, plans: 1, solved: true });
      expect(r.planningMs).toBeCloseTo(planningMs, 9);
      expect(r.migrationsDone).toBe(r.migrationsOrdered);
    }
    expect(w.world.migrations.length).toBe(w.rounds[0].migrationsOrdered + w.rounds[1].migrationsOrdered);
  });

  it('rejoins the local controllers of a crashed group manager to the other managers within the timeout and a period', () => {
    const w = snooze(3);
    w.runUntilMs(10_000);
    const orphans = groups(w).get(7)!;
    w.world.runtime.crashNode(7);
    w.runUntilMs(10_000 + TIMEOUT_MS + PERIOD_MS);
    const after = groups(w);
    expect([...after.keys()]).toEqual([1, 13, 19]);
    expectEveryHostInOneGroup(w);
    for (const lc of orphans) expect(proto(w, lc)!.groupManagerOfHost()).not.toBe(7);
    const sizes = [...after.values()].map((lcs) => lcs.length).sort();
    expect(sizes[sizes.length - 1] - sizes[0]).toBeLessThanOrEqual(1);
    expect(w.world.counters.get('snooze.gm_timeouts')).toBe(orphans.length);
  });

  it('elects the lowest live group manager when the leader crashes; joins work through it, and the old leader recovered steps down', () => {
    const w = snooze(4);
    w.runUntilMs(10_000);
    w.world.runtime.crashNode(0);
    w.runUntilMs(10_000 + TIMEOUT_MS + 2 * PERIOD_MS);
    expect(leaders(w)).toEqual([1]);
    // As in VMPlaceS, the promoted GM hands its group over and its host joins another group.
    expect(proto(w, 1)!.roles()).toEqual(['group-leader', 'local-controller']);
    expect([...groups(w).keys()]).toEqual([7, 13, 19]);
    expectEveryHostInOneGroup(w);
    expect(w.world.counters.get('snooze.gl_elections')).toBe(1);

    // Joins still work: a crashed GM's LCs rejoin through the new leader.
    const t = w.nowMs();
    w.world.runtime.crashNode(13);
    w.runUntilMs(t + TIMEOUT_MS + PERIOD_MS);
    expect([...groups(w).keys()]).toEqual([7, 19]);
    expectEveryHostInOneGroup(w);

    // The first leader comes back with term 0 and yields to the elected one.
    w.world.runtime.recoverNode(0);
    w.runUntilMs(w.nowMs() + TIMEOUT_MS + PERIOD_MS);
    expect(leaders(w)).toEqual([1]);
    expect(proto(w, 0)!.roles()).toEqual(['local-controller']);
    expectEveryHostInOneGroup(w);
    expect(w.world.counters.get('snooze.gl_stepdowns')).toBe(1);
  });

  it('is deterministic: the same seed gives the same migrations, rounds and counters', () => {
    const run = (): string => {
      const w = snooze(5);
      w.runUntilMs(8000);
      w.world.loadHost(4, 11);
      w.world.loadHost(17, 10);
      w.world.runtime.crashNode(13);
      w.runUntilMs(40_000);
      expect(w.world.migrations.length).toBeGreaterThan(0);
      return w.fingerprint();
    };
    expect(run()).toBe(run());
  });
});

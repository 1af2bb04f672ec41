import { describe, expect, it } from 'vitest';
import { checkPlacement, placementViolations, planPlacement } from '../../src/placement/index.js';
import type { Policy } from '../../src/placement/policy.js';
import type { PlacementProblem, PlanHost, PlanVm } from '../../src/placement/problem.js';
import { host, problem, vm } from './problems.js';

// Hosts 1, 2 in site 0 (France, operator 0), hosts 3, 4 in site 1 (Germany, operator 1), 8 cores
// each. Host 1 demands 8.5 cores: its cheapest relief is vm 10 (ve 0, 2 cores), which goes to the
// emptiest host with room, host 3 (8 spare), unless a policy forbids it; host 2 has 3 cores spare
// and host 4 has 5.
const hosts: PlanHost[] = [
  { ...host(1, 8, 16384, 0, 'FR'), operator: 0 },
  { ...host(2, 8, 16384, 0, 'FR'), operator: 0 },
  { ...host(3, 8, 16384, 1, 'DE'), operator: 1 },
  { ...host(4, 8, 16384, 1, 'DE'), operator: 1 },
];
const spare4: PlanHost = { ...host(5, 4, 16384, 1, 'DE'), operator: 1 };
const base: PlanVm[] = [vm(10, 1, 2, 1024, 0), vm(11, 1, 6.5, 4096), vm(12, 2, 5, 2048), vm(13, 4, 3, 2048)];
const tenant = (v: PlanVm, t: number): PlanVm => ({ ...v, tenant: t });

interface Case {
  readonly name: string;
  readonly policies: Policy[];
  readonly extraVms?: PlanVm[];
  readonly extraHosts?: PlanHost[];
  readonly vms?: PlanVm[];
  /** What the planner's plan without the policy breaks, by the checker of the problem with it. */
  readonly broken: string[];
  readonly planned: { vm: number; from: number; to: number }[];
}

const CASES: Case[] = [
  { name: 'ban of Germany', policies: [{ kind: 'ban', ve: 0, sites: [], countries: ['DE'] }], broken: ['ve 0 (ban): vm 10 on site 1 (DE), banned sites [] countries [DE]'], planned: [{ vm: 10, from: 1, to: 2 }] },
  { name: 'minimum trust 0.5 in operator 1 trusted 0.3', policies: [{ kind: 'minTrust', ve: 0, level: 0.5, trust: [1, 0.3] }], broken: ['ve 0 (min trust 0.5): vm 10 on host 3 of operator 1, trusted 0.3'], planned: [{ vm: 10, from: 1, to: 2 }] },
  {
    name: 'among groups [[0],[1]] with a member in site 0',
    policies: [{ kind: 'among', ve: 0, groups: [[0], [1]] }],
    extraVms: [vm(14, 2, 0.5, 512, 0)],
    broken: ['ve 0 (among): vms on sites [1,0], within no one group of [[0],[1]]'],
    planned: [{ vm: 10, from: 1, to: 2 }],
  },
  {
    name: 'split of ve 0 and ve 1 (on host 3) by host',
    policies: [{ kind: 'split', ves: [0, 1], scope: 'host' }],
    extraVms: [vm(14, 3, 0.5, 512, 1)],
    broken: ['ves [0,1] (split host): vms 10 (ve 0) and 14 (ve 1) both on host 3'],
    planned: [{ vm: 10, from: 1, to: 4 }],
  },
  {
    name: 'lonely ve 0 (its vm shares host 1 at first, and only the 4-core host 5 is empty)',
    policies: [{ kind: 'lonely', ve: 0 }],
    extraVms: [vm(14, 3, 0.5, 512)],
    extraHosts: [spare4],
    broken: ['ve 0 (lonely): vm 14 (ve -1) on host 3 with its vm 10'],
    planned: [{ vm: 10, from: 1, to: 5 }],
  },
  {
    name: 'at most 1 member of ve 0 per host (one on host 3)',
    policies: [{ kind: 'maxPerHost', ve: 0, max: 1 }],
    extraVms: [vm(14, 3, 0.5, 512, 0)],
    broken: ['ve 0 (max 1 per host): 2 vms on host 3'],
    planned: [{ vm: 10, from: 1, to: 4 }],
  },
  {
    name: 'tenant 1 isolated by host (a vm of tenant 2 on host 3, only host 5 empty)',
    policies: [{ kind: 'isolate', tenant: 1, scope: 'host' }],
    vms: [tenant(base[0], 1), tenant(base[1], 1), base[2], base[3], tenant(vm(14, 3, 0.5, 512), 2)],
    extraHosts: [spare4],
    broken: ['tenant 1 (isolate host): vm 14 of tenant 2 on host 3 with its vm 10'],
    planned: [{ vm: 10, from: 1, to: 5 }],
  },
  { name: 'quarantine of site 1', policies: [{ kind: 'quarantine', sites: [1] }], broken: ['sites [1] (quarantine): vm 10 moved from host 1 (site 0) to host 3 (site 1)'], planned: [{ vm: 10, from: 1, to: 2 }] },
  { name: 'root ve 0', policies: [{ kind: 'root', ve: 0 }], broken: ['ve 0 (root): vm 10 moved from host 1 to host 3'], planned: [{ vm: 11, from: 1, to: 3 }] },
];

function caseProblem(c: Case, policies: Policy[] | undefined): PlacementProblem {
  const p = problem([...hosts, ...(c.extraHosts ?? [])], [...(c.vms ?? base), ...(c.extraVms ?? [])]);
  return policies === undefined ? p : { ...p, policies };
}

describe('planPlacement with a hard policy: the move the plan would make without it is never proposed', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const without = planPlacement(caseProblem(c, undefined));
      expect(without.ok).toBe(true);
      const withPolicy = caseProblem(c, c.policies);
      expect(checkPlacement(withPolicy, without.moves)).toEqual(c.broken);
      const plan = planPlacement(withPolicy);
      expect(plan.ok).toBe(true);
      expect(plan.moves).toEqual(c.planned);
      expect(checkPlacement(withPolicy, plan.moves)).toEqual([]);
      expect(plan.softDropped).toBeUndefined();
    });
  }

  it('finds no plan when the only relief breaks a ban (host 2 full of a pinned vm), and says why', () => {
    const p = { ...problem(hosts, [vm(10, 1, 2, 1024, 0), vm(11, 1, 6.5, 4096, 0), vm(12, 2, 7, 2048, -1, true)]), policies: [{ kind: 'ban', ve: 0, sites: [1], countries: [] }] as Policy[] };
    const plan = planPlacement(p);
    expect(plan).toMatchObject({ ok: false, moves: [] });
    expect(plan.reason).toBe('host 1: no set of its movable vms can be moved off (0.5 cores, 0 MiB over; emptiest destinations)');
  });

  it('fails at once when pinned vms already break a hard policy', () => {
    const p = { ...problem(hosts, [vm(10, 3, 1, 1024, 0, true)]), policies: [{ kind: 'ban', ve: 0, sites: [1], countries: [] }] as Policy[] };
    expect(planPlacement(p)).toEqual({ ok: false, moves: [], reason: 'pinned vms break a policy: ve 0 (ban): vm 10 on site 1 (DE), banned sites [1] countries []', searchSteps: 0 });
  });

  it('repairs a broken lonely VE on a viable problem by moving its member to the empty host', () => {
    const p = { ...problem([...hosts, spare4], [vm(10, 1, 1, 1024, 0), vm(11, 1, 1), vm(12, 2, 1), vm(13, 3, 1), vm(14, 4, 1)]), policies: [{ kind: 'lonely', ve: 0 }] as Policy[] };
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 10, from: 1, to: 5 }] });
  });
});

describe('planPlacement with soft policies: kept when some plan keeps them, dropped only otherwise', () => {
  it('keeps a soft affinity: vm 10 joins its partner on host 4 rather than the emptier host 3', () => {
    const p = { ...problem(hosts, [...base, vm(14, 4, 0.5, 512, 0)]), policies: [{ kind: 'gather', ve: 0, scope: 'host', soft: true }] as Policy[] };
    // The soft gather is broken at the start (vm 10 on host 1, vm 14 on host 4): moving vm 10 mends it and relieves host 1.
    const plan = planPlacement(p);
    expect(plan).toMatchObject({ ok: true, moves: [{ vm: 10, from: 1, to: 4 }], softDropped: 0 });
    expect(placementViolations(p, plan.moves)).toEqual({ hard: [], soft: [], softBroken: 0 });
  });

  it('drops a soft anti-affinity of 3 vms on 2 hosts, with softDropped = 1 and the violation reported', () => {
    const p = { ...problem([host(1, 8), host(2, 8)], [vm(1, 1, 1, 1024, 3), vm(2, 1, 1, 2048, 3), vm(3, 2, 1, 1024, 3), vm(4, 1, 6.5)]), policies: [{ kind: 'spread', ve: 3, scope: 'host', soft: true }] as Policy[] };
    const plan = planPlacement(p);
    expect(plan).toMatchObject({ ok: true, moves: [{ vm: 4, from: 1, to: 2 }], softDropped: 1, reason: 'viable after 1 moves (1024 MiB moved), 1 of 1 soft policies dropped' });
    expect(placementViolations(p, plan.moves)).toEqual({ hard: [], soft: ['ve 3 (soft spread host): vms 1 and 2 both on host 1'], softBroken: 1 });
  });

  it('drops a soft max per host when the only relief puts two members on one host (vm 4 pinned, so no swap)', () => {
    const p = { ...problem([host(1, 8), host(2, 8)], [vm(1, 1, 2, 1024, 0), vm(2, 1, 6.5), vm(3, 2, 1, 1024, 0), vm(4, 2, 4, 1024, -1, true)]), policies: [{ kind: 'maxPerHost', ve: 0, max: 1, soft: true }] as Policy[] };
    const plan = planPlacement(p);
    expect(plan).toMatchObject({ ok: true, moves: [{ vm: 1, from: 1, to: 2 }], softDropped: 1 });
    expect(placementViolations(p, plan.moves).soft).toEqual(['ve 0 (soft max 1 per host): 2 vms on host 2']);
    const hard = { ...p, policies: [{ kind: 'maxPerHost', ve: 0, max: 1 }] as Policy[] };
    expect(planPlacement(hard).ok).toBe(false);
  });

  it('keeps a soft max per host that a costlier plan holds: 2 moves instead of 1', () => {
    // Without the policy, vm 10 alone goes to host 3 beside its partner vm 14; with it, vm 10 goes to host 4 (5 spare).
    const p = { ...problem(hosts, [...base, vm(14, 3, 0.5, 512, 0)]), policies: [{ kind: 'maxPerHost', ve: 0, max: 1, soft: true }] as Policy[] };
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 10, from: 1, to: 4 }], softDropped: 0 });
  });
});

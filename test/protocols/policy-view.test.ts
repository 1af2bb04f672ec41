import { describe, expect, it } from 'vitest';
import { indexProblem } from '../../src/placement/indexed.js';
import { policyViolations } from '../../src/placement/policy-check.js';
import { planPlacement, type PlacementProblem, type Policy } from '../../src/placement/index.js';
import type { PlanHost, PlanVm } from '../../src/placement/problem.js';
import { type PolicyFacts, policyFactsFault, withPolicies } from '../../src/protocols/policy-view.js';
import { defaultDvmsConfig, validateDvmsConfig } from '../../src/protocols/dvms/dvms-config.js';
import { defaultCentralConfig, validateCentralConfig } from '../../src/protocols/central/central-config.js';
import { mulberry32 } from '../placement/problems.js';

const host = (id: number, site: number, cores = 4): PlanHost => ({ id, cores, memoryMiB: 65_536, site, country: 'FR' });
const vm = (id: number, on: number, cpuDemand: number, ve: number): PlanVm => ({ id, host: on, cpuDemand, memoryMiB: 1024, ve });

/** Two PoPs of 2 hosts each (site 0: hosts 0, 1; site 1: hosts 2, 3), operators 0 and 1. */
function facts(policies: Policy[], veTenant: number[], veSizes: number[]): PolicyFacts {
  return { policies, siteOperator: [0, 1, 1], veTenant, siteHosts: [2, 2, 2], veSizes };
}

describe('policies narrowed to a view of part of the infrastructure', () => {
  it('fills each host operator and each vm tenant from the static facts, and leaves a problem without policies as it was', () => {
    const problem: PlacementProblem = { hosts: [host(0, 0), host(2, 1)], vms: [vm(10, 0, 1, 0), vm(11, 2, 1, -1)], constraints: [] };
    const out = withPolicies(problem, facts([{ kind: 'root', ve: 0 }], [3], [1]));
    expect(out.hosts.map((h) => h.operator)).toEqual([0, 1]);
    expect(out.vms.map((v) => v.tenant)).toEqual([3, -1]);
    expect(withPolicies(problem, null)).toBe(problem);
    expect(withPolicies(problem, facts([], [3], [1]))).toBe(problem);
  });

  it('narrows an among whose VE is partly seen to the sites of every group that holds what is seen', () => {
    const among: Policy = { kind: 'among', ve: 0, groups: [[0, 1], [0, 2], [1, 2]] };
    // VE 0 has 2 vms; the view sees one, on site 0: groups [0,1] and [0,2] hold it, so only site 0 is sure.
    const problem: PlacementProblem = { hosts: [host(0, 0), host(2, 1)], vms: [vm(10, 0, 3, 0), { ...vm(12, 0, 3, -1), pinned: true }], constraints: [] };
    expect(withPolicies(problem, facts([among], [-1], [2])).policies).toEqual([{ ...among, groups: [[0]] }]);
    // Host 0 is overloaded and the only room is on site 1: the narrowed view refuses the move the unnarrowed one makes.
    expect(planPlacement({ ...problem, policies: [among] }).ok).toBe(true);
    expect(planPlacement(withPolicies(problem, facts([among], [-1], [2]))).ok).toBe(false);
    // Every vm of the VE seen: judged as it is.
    expect(withPolicies(problem, facts([among], [-1], [1])).policies).toEqual([among]);
  });

  it('pins the VE and leaves the among out when what the view sees is within no group (broken already)', () => {
    const among: Policy = { kind: 'among', ve: 0, groups: [[0], [1]] };
    const problem: PlacementProblem = { hosts: [host(0, 0), host(2, 1)], vms: [vm(10, 0, 1, 0), vm(11, 2, 1, 0)], constraints: [] };
    const out = withPolicies(problem, facts([among], [-1], [3]));
    expect(out.policies).toEqual([]);
    expect(out.vms.map((v) => v.pinned)).toEqual([true, true]);
  });

  it('quarantines the partly seen sites without a vm seen under a hard isolation by PoP, not the sites seen whole', () => {
    const isolate: Policy = { kind: 'isolate', tenant: 0, scope: 'site' };
    // Site 0 seen whole (hosts 0, 1), sites 1 and 2 partly (hosts 2 and 4); only host 2 holds a vm.
    const problem: PlacementProblem = { hosts: [host(0, 0), host(1, 0), host(2, 1), host(4, 2)], vms: [vm(10, 2, 1, 0)], constraints: [] };
    expect(withPolicies(problem, facts([isolate], [0], [1])).policies).toEqual([isolate, { kind: 'quarantine', sites: [2] }]);
    expect(withPolicies(problem, facts([{ ...isolate, soft: true }], [0], [1])).policies).toEqual([{ ...isolate, soft: true }]);
  });

  it('bans each VE of a hard split by PoP from the partly seen sites where none of its vms is seen', () => {
    const split: Policy = { kind: 'split', ves: [0, 1], scope: 'site' };
    const problem: PlacementProblem = { hosts: [host(0, 0), host(2, 1), host(4, 2)], vms: [vm(10, 0, 1, 0), vm(11, 2, 1, 1)], constraints: [] };
    expect(withPolicies(problem, facts([split], [-1, -1], [2, 2])).policies).toEqual([
      split,
      { kind: 'ban', ve: 0, sites: [1, 2], countries: [] },
      { kind: 'ban', ve: 1, sites: [0, 2], countries: [] },
    ]);
  });

  it('names what is wrong with malformed facts', () => {
    expect(policyFactsFault(facts([], [-1], [1]))).toBe('');
    expect(policyFactsFault({ ...facts([], [-1], [1]), veSizes: [0] })).toBe('veSizes: expected an array of integers >= 1');
    expect(policyFactsFault({ ...facts([], [-2], [1]) })).toBe('veTenant: expected an array of integers >= -1');
    const bad = { ...facts([], [-1], [1]), siteHosts: [-1] };
    expect(() => validateDvmsConfig({ ...defaultDvmsConfig, policies: bad })).toThrow(/DvmsConfig\.policies: expected facts whose siteHosts: expected an array of integers >= 0/);
    expect(() => validateCentralConfig({ ...defaultCentralConfig, policies: bad })).toThrow(/policies/);
    expect(() => validateDvmsConfig({ ...defaultDvmsConfig, policies: facts([], [-1], [1]) })).not.toThrow();
  });
});

/**
 * A world of 4 PoPs of 3 hosts of 2 cores, 6 VEs of 2-3 vms, tenants 0, 1 or none, and random hard among,
 * isolate-by-PoP and split-by-PoP policies that its placement holds; a view of 4-9 of its hosts
 * plans, and its plan, applied to the world, must break none of them.
 */
function randomWorld(seed: number): { world: PlacementProblem; facts: PolicyFacts; view: Set<number> } | null {
  const rnd = mulberry32(seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const hosts = Array.from({ length: 12 }, (_, h) => host(h, Math.floor(h / 3), 2));
  const veSizes = Array.from({ length: 6 }, () => 2 + pick(2));
  const veTenant = Array.from({ length: 6 }, () => pick(3) - 1);
  const policies: Policy[] = [];
  for (let ve = 0; ve < 6; ve++) if (rnd() < 0.4) policies.push({ kind: 'among', ve, groups: [[0, 1], [1, 2], [2, 3], [0, 3]].filter(() => rnd() < 0.6).concat([[pick(4), pick(4)]]) });
  if (rnd() < 0.6) policies.push({ kind: 'isolate', tenant: pick(2), scope: 'site' });
  if (rnd() < 0.5) policies.push({ kind: 'split', ves: [0, 1 + pick(5)], scope: 'site' });
  const siteOperator = [0, 0, 0, 0];
  const factsOf: PolicyFacts = { policies, siteOperator, veTenant, siteHosts: [3, 3, 3, 3], veSizes };
  for (let attempt = 0; attempt < 2000; attempt++) {
    let id = 0;
    const vms: PlanVm[] = [];
    veSizes.forEach((size, ve) => {
      for (let k = 0; k < size; k++) vms.push({ ...vm(id++, pick(12), 0.5 + pick(4) * 0.5, ve), tenant: veTenant[ve] });
    });
    const world: PlacementProblem = { hosts: hosts.map((h) => ({ ...h, operator: 0 })), vms, constraints: [], policies };
    if (policyViolations(indexProblem(world), indexProblem(world).initialHost).hard.length > 0) continue;
    const view = new Set<number>();
    const size = 4 + pick(6);
    while (view.size < size) view.add(pick(12));
    return { world, facts: factsOf, view };
  }
  return null;
}

function worldAfter(world: PlacementProblem, moves: readonly { vm: number; to: number }[]): string[] {
  const ix = indexProblem(world);
  const hostOf = Int32Array.from(ix.initialHost);
  for (const m of moves) hostOf[ix.vmIndex.get(m.vm)!] = ix.hostIndex.get(m.to)!;
  return policyViolations(ix, hostOf).hard;
}

describe('plans of a view on 300 random worlds whose placement holds every hard policy', () => {
  const runs = Array.from({ length: 300 }, (_, i) => 7919 * (i + 1))
    .map((seed) => ({ seed, w: randomWorld(seed) }))
    .filter((r) => r.w !== null)
    .map(({ seed, w }) => {
      const { world, facts: f, view } = w!;
      const seen: PlacementProblem = { hosts: world.hosts.filter((h) => view.has(h.id)).map(({ operator: _, ...h }) => h), vms: world.vms.filter((v) => view.has(v.host)).map(({ tenant: _, ...v }) => v), constraints: [] };
      return { seed, world, narrowed: planPlacement(withPolicies(seen, f)), blind: planPlacement(withPolicies(seen, { ...f, siteHosts: [0, 0, 0, 0], veSizes: f.veSizes.map(() => 1) })) };
    });

  it('never break a hard policy of the world with what the view cannot see', () => {
    for (const { seed, world, narrowed } of runs) if (narrowed.ok) expect(worldAfter(world, narrowed.moves), `seed ${seed}`).toEqual([]);
  });

  // Measured: 190 of the 300 seeds give a world (2,000 placements tried), 101 narrowed plans with
  // moves; 18 plans made as if the view saw every PoP and VE whole break the world's policies.
  it('is not vacuous: plans move vms, and plans judged as if the view were whole break the world', () => {
    expect(runs.length).toBeGreaterThan(150);
    expect(runs.filter((r) => r.narrowed.ok && r.narrowed.moves.length > 0).length).toBeGreaterThan(80);
    expect(runs.filter((r) => r.blind.ok && worldAfter(r.world, r.blind.moves).length > 0).length).toBeGreaterThan(10);
  });
});

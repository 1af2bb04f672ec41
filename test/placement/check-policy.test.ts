import { describe, expect, it } from 'vitest';
import { checkPlacement, isViable, placementViolations } from '../../src/placement/index.js';
import type { Policy } from '../../src/placement/policy.js';
import type { PlanHost, PlanVm } from '../../src/placement/problem.js';
import { host, problem, vm } from './problems.js';

// Site 0 in France run by operator 0, site 1 in Germany run by operator 1; two hosts each.
const hosts: PlanHost[] = [
  { ...host(1, 8, 16384, 0, 'FR'), operator: 0 },
  { ...host(2, 8, 16384, 0, 'FR'), operator: 0 },
  { ...host(3, 8, 16384, 1, 'DE'), operator: 1 },
  { ...host(4, 8, 16384, 1, 'DE'), operator: 1 },
];
const tenant = (v: PlanVm, t: number): PlanVm => ({ ...v, tenant: t });
const withPolicies = (vms: PlanVm[], policies: Policy[]) => ({ ...problem(hosts, vms), policies });

describe('checkPlacement: one move breaking each policy kind is named, and nothing else', () => {
  it('ban: vm 10 of ve 0 moved into Germany, banned for it', () => {
    const p = withPolicies([vm(10, 1, 1, 1024, 0)], [{ kind: 'ban', ve: 0, sites: [], countries: ['DE'] }]);
    expect(checkPlacement(p, [])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 10, from: 1, to: 2 }])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 10, from: 1, to: 3 }])).toEqual(['ve 0 (ban): vm 10 on site 1 (DE), banned sites [] countries [DE]']);
    const bySite = withPolicies([vm(10, 1, 1, 1024, 0)], [{ kind: 'ban', ve: 0, sites: [0], countries: [] }]);
    expect(checkPlacement(bySite, [])).toEqual(['ve 0 (ban): vm 10 on site 0 (FR), banned sites [0] countries []']);
  });

  it('among: members of ve 0 split over the groups [[0],[1]]', () => {
    const p = withPolicies([vm(10, 1, 1, 1024, 0), vm(11, 2, 1, 1024, 0)], [{ kind: 'among', ve: 0, groups: [[0], [1]] }]);
    expect(checkPlacement(p, [])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 10, from: 1, to: 3 }, { vm: 11, from: 2, to: 4 }])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 11, from: 2, to: 3 }])).toEqual(['ve 0 (among): vms on sites [0,1], within no one group of [[0],[1]]']);
  });

  it('split: vms of ve 0 and ve 1 on one host, or in one site', () => {
    const vms = [vm(10, 1, 1, 1024, 0), vm(20, 2, 1, 1024, 1)];
    const byHost = withPolicies(vms, [{ kind: 'split', ves: [0, 1], scope: 'host' }]);
    expect(checkPlacement(byHost, [])).toEqual([]);
    expect(checkPlacement(byHost, [{ vm: 20, from: 2, to: 1 }])).toEqual(['ves [0,1] (split host): vms 10 (ve 0) and 20 (ve 1) both on host 1']);
    const bySite = withPolicies(vms, [{ kind: 'split', ves: [0, 1], scope: 'site' }]);
    expect(checkPlacement(bySite, [])).toEqual(['ves [0,1] (split site): vms 10 (ve 0) and 20 (ve 1) both on site 0']);
    expect(checkPlacement(bySite, [{ vm: 20, from: 2, to: 4 }])).toEqual([]);
  });

  it('lonely: a vm of no VE moved beside a member of ve 0', () => {
    const p = withPolicies([vm(10, 1, 1, 1024, 0), vm(11, 1, 1, 1024, 0), vm(30, 2, 1)], [{ kind: 'lonely', ve: 0 }]);
    expect(checkPlacement(p, [])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 30, from: 2, to: 1 }])).toEqual(['ve 0 (lonely): vm 30 (ve -1) on host 1 with its vm 10']);
    expect(checkPlacement(p, [{ vm: 11, from: 1, to: 2 }])).toEqual(['ve 0 (lonely): vm 30 (ve -1) on host 2 with its vm 11']);
  });

  it('quarantine: no vm leaves or enters site 1, moves elsewhere are free', () => {
    const p = withPolicies([vm(10, 1, 1), vm(30, 3, 1)], [{ kind: 'quarantine', sites: [1] }]);
    expect(checkPlacement(p, [{ vm: 10, from: 1, to: 2 }])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 10, from: 1, to: 4 }])).toEqual(['sites [1] (quarantine): vm 10 moved from host 1 (site 0) to host 4 (site 1)']);
    expect(checkPlacement(p, [{ vm: 30, from: 3, to: 4 }])).toEqual(['sites [1] (quarantine): vm 30 moved from host 3 (site 1) to host 4 (site 1)']);
  });

  it('root: a member of ve 0 moved at all', () => {
    const p = withPolicies([vm(10, 1, 1, 1024, 0), vm(11, 1, 1)], [{ kind: 'root', ve: 0 }]);
    expect(checkPlacement(p, [{ vm: 11, from: 1, to: 2 }])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 10, from: 1, to: 2 }])).toEqual(['ve 0 (root): vm 10 moved from host 1 to host 2']);
  });

  it('maxPerHost: a third member of ve 0 on a host allowed 2', () => {
    const p = withPolicies([vm(10, 1, 1, 1024, 0), vm(11, 1, 1, 1024, 0), vm(12, 2, 1, 1024, 0)], [{ kind: 'maxPerHost', ve: 0, max: 2 }]);
    expect(checkPlacement(p, [])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 12, from: 2, to: 1 }])).toEqual(['ve 0 (max 2 per host): 3 vms on host 1']);
  });

  it('isolate: a vm of tenant 2 beside tenant 1 on a host, or in its site', () => {
    const vms = [tenant(vm(10, 1, 1), 1), tenant(vm(30, 3, 1), 2), vm(31, 4, 1)];
    const byHost = withPolicies(vms, [{ kind: 'isolate', tenant: 1, scope: 'host' }]);
    expect(checkPlacement(byHost, [{ vm: 30, from: 3, to: 2 }])).toEqual([]);
    expect(checkPlacement(byHost, [{ vm: 30, from: 3, to: 1 }])).toEqual(['tenant 1 (isolate host): vm 30 of tenant 2 on host 1 with its vm 10']);
    expect(checkPlacement(byHost, [{ vm: 31, from: 4, to: 1 }])).toEqual(['tenant 1 (isolate host): vm 31 of tenant -1 on host 1 with its vm 10']);
    const bySite = withPolicies(vms, [{ kind: 'isolate', tenant: 1, scope: 'site' }]);
    expect(checkPlacement(bySite, [])).toEqual([]);
    expect(checkPlacement(bySite, [{ vm: 30, from: 3, to: 2 }])).toEqual(['tenant 1 (isolate site): vm 30 of tenant 2 on site 0 with its vm 10']);
  });

  it('minTrust: vm 10 moved to a host of operator 1, trusted 0.3 by its owner for a minimum of 0.5', () => {
    const p = withPolicies([vm(10, 1, 1, 1024, 0)], [{ kind: 'minTrust', ve: 0, level: 0.5, trust: [1, 0.3] }]);
    expect(checkPlacement(p, [{ vm: 10, from: 1, to: 2 }])).toEqual([]);
    expect(checkPlacement(p, [{ vm: 10, from: 1, to: 3 }])).toEqual(['ve 0 (min trust 0.5): vm 10 on host 3 of operator 1, trusted 0.3']);
    const unknownOperator = { ...p, hosts: p.hosts.map((h) => ({ ...h, operator: undefined })) };
    expect(checkPlacement(unknownOperator, [])).toEqual(['ve 0 (min trust 0.5): vm 10 on host 1 of operator -1, trusted 0']);
  });
});

describe('placementViolations: soft policies apart from hard ones', () => {
  const vms = [vm(10, 1, 1, 1024, 0), vm(11, 2, 1, 1024, 0)];

  it('soft anti-affinity and soft affinity (OpenStack) break only the soft list', () => {
    const p = withPolicies(vms, [{ kind: 'spread', ve: 0, scope: 'host', soft: true }]);
    expect(placementViolations(p, [])).toEqual({ hard: [], soft: [], softBroken: 0 });
    expect(placementViolations(p, [{ vm: 11, from: 2, to: 1 }])).toEqual({ hard: [], soft: ['ve 0 (soft spread host): vms 10 and 11 both on host 1'], softBroken: 1 });
    expect(checkPlacement(p, [{ vm: 11, from: 2, to: 1 }])).toEqual([]);
    const gather = withPolicies(vms, [{ kind: 'gather', ve: 0, scope: 'host', soft: true }]);
    expect(placementViolations(gather, [])).toEqual({ hard: [], soft: ['ve 0 (soft gather host): vms 10 and 11 on hosts 1 and 2'], softBroken: 1 });
    expect(isViable(gather)).toBe(true);
  });

  it('soft max per host, beside a hard ban both broken by one move', () => {
    const p = withPolicies(vms, [
      { kind: 'maxPerHost', ve: 0, max: 1, soft: true },
      { kind: 'ban', ve: 0, sites: [0], countries: [] },
    ]);
    expect(placementViolations(p, [{ vm: 11, from: 2, to: 1 }])).toEqual({
      hard: ['ve 0 (ban): vm 10 on site 0 (FR), banned sites [0] countries []', 've 0 (ban): vm 11 on site 0 (FR), banned sites [0] countries []'],
      soft: ['ve 0 (soft max 1 per host): 2 vms on host 1'],
      softBroken: 1,
    });
  });
});

describe('indexProblem: malformed policies and tenants are faults', () => {
  it('names the policy by index and what is wrong', () => {
    const bad: Policy[] = [
      { kind: 'gather', ve: 0, scope: 'host', soft: false as true },
      { kind: 'maxPerHost', ve: 0, max: 0 },
      { kind: 'split', ves: [1], scope: 'host' },
      { kind: 'minTrust', ve: 0, level: 2, trust: [] },
      { kind: 'isolate', tenant: -1, scope: 'site' },
      { kind: 'root', ve: 0, soft: true } as unknown as Policy,
    ];
    expect(checkPlacement(withPolicies([vm(10, 1, 1, 1024, 0)], bad), [])).toEqual([
      'policy #0: a hard gather is a VE constraint: as a policy it must be soft',
      'policy #1: maxPerHost max 0 is not an integer >= 1',
      'policy #2: split ves must be a list of 2 or more distinct integers >= 0',
      'policy #3: minTrust level 2 is not a number in [0, 1]',
      'policy #4: tenant -1 is not an integer >= 0',
      'policy #5: root cannot be soft',
    ]);
  });

  it('refuses a VE whose vms belong to two tenants', () => {
    const p = withPolicies([tenant(vm(10, 1, 1, 1024, 0), 1), tenant(vm(11, 2, 1, 1024, 0), 2)], [{ kind: 'lonely', ve: 0 }]);
    expect(checkPlacement(p, [])).toEqual(['vm 11: tenant 2, but ve 0 has vms of tenant 1']);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANNING_COST, planningTimeMs, policyVmCount, validatePlanningCost, vmplacesTimeLimitMs } from '../../src/placement/index.js';
import type { Policy } from '../../src/placement/policy.js';
import { host, problem, vm } from './problems.js';

describe('planning cost model', () => {
  it('charges 100 ms + 1 ms per vm + 0.5 us per (vm, host): 60 hosts x 600 vms = 718 ms', () => {
    expect(planningTimeMs(DEFAULT_PLANNING_COST, 60, 600)).toBe(100 + 600 + (0.5 * 600 * 60) / 1000);
    expect(planningTimeMs(DEFAULT_PLANNING_COST, 0, 0)).toBe(100);
  });

  it('never charges more than the time limit: 8,192 hosts x 81,920 vms = 30 s', () => {
    expect(planningTimeMs(DEFAULT_PLANNING_COST, 8192, 81_920)).toBe(30_000);
    expect(planningTimeMs({ ...DEFAULT_PLANNING_COST, timeLimitMs: 2000 }, 60, 600)).toBe(718);
    expect(planningTimeMs({ ...DEFAULT_PLANNING_COST, timeLimitMs: 500 }, 60, 600)).toBe(500);
  });

  it('charges 0.5 us per (vm a policy binds, host): 300 bound vms on 60 hosts add 9 ms to 718 ms', () => {
    expect(planningTimeMs(DEFAULT_PLANNING_COST, 60, 600, 300)).toBe(718 + 9);
    expect(planningTimeMs({ ...DEFAULT_PLANNING_COST, perPolicyVmHostUs: 2 }, 60, 600, 300)).toBe(718 + 36);
    expect(planningTimeMs(DEFAULT_PLANNING_COST, 60, 600, 0)).toBe(planningTimeMs(DEFAULT_PLANNING_COST, 60, 600));
  });

  it('counts the vms each policy binds: members, both VEs of a split, a tenant, a quarantined site', () => {
    const hosts = [host(1, 8, 16384, 0), host(2, 8, 16384, 1)];
    const vms = [vm(1, 1, 1, 512, 0), vm(2, 1, 1, 512, 0), { ...vm(3, 2, 1, 512, 1), tenant: 4 }, vm(4, 2, 1)];
    const policies: Policy[] = [
      { kind: 'ban', ve: 0, sites: [1], countries: [] },
      { kind: 'split', ves: [0, 1], scope: 'host' },
      { kind: 'isolate', tenant: 4, scope: 'host' },
      { kind: 'quarantine', sites: [1] },
    ];
    expect(policyVmCount({ ...problem(hosts, vms), policies })).toBe(2 + 3 + 1 + 2);
    expect(policyVmCount(problem(hosts, vms))).toBe(0);
  });

  it("follows VMPlaceS's limit of min(30 s, hosts / 8 s)", () => {
    expect(vmplacesTimeLimitMs(64)).toBe(8000);
    expect(vmplacesTimeLimitMs(240)).toBe(30_000);
    expect(vmplacesTimeLimitMs(8192)).toBe(30_000);
  });

  it('rejects parameters that are not finite numbers >= 0, naming the field', () => {
    expect(() => validatePlanningCost({ ...DEFAULT_PLANNING_COST, perVmMs: -1 })).toThrow(new RangeError('PlanningCostModel.perVmMs: expected a finite number >= 0, got -1'));
    expect(() => planningTimeMs({ ...DEFAULT_PLANNING_COST, timeLimitMs: Infinity }, 1, 1)).toThrow('PlanningCostModel.timeLimitMs');
    expect(() => planningTimeMs(DEFAULT_PLANNING_COST, -1, 1)).toThrow(RangeError);
    expect(() => vmplacesTimeLimitMs(Number.NaN)).toThrow(RangeError);
    expect(() => validatePlanningCost({ ...DEFAULT_PLANNING_COST, perPolicyVmHostUs: -2 })).toThrow(new RangeError('PlanningCostModel.perPolicyVmHostUs: expected a finite number >= 0, got -2'));
  });
});

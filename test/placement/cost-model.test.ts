import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANNING_COST, planningTimeMs, validatePlanningCost, vmplacesTimeLimitMs } from '../../src/placement/index.js';

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
  });
});

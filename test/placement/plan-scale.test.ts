import { describe, expect, it } from 'vitest';
import { checkPlacement, overloadedHosts, planPlacement } from '../../src/placement/index.js';
import { largeProblem } from './problems.js';

describe('planner at the scale of the centralised baseline', () => {
  it('makes 8,192 hosts x 10 vms with 1% of hosts overloaded viable in at most 3 moves per overloaded host', () => {
    const p = largeProblem(8192, 10, 0.01, 42);
    const overloaded = overloadedHosts(p).length;
    expect(overloaded).toBeGreaterThanOrEqual(80);
    const plan = planPlacement(p);
    expect(plan.ok).toBe(true);
    expect(checkPlacement(p, plan.moves)).toEqual([]);
    expect(plan.moves.length).toBeLessThanOrEqual(3 * overloaded);
    // Each overloaded host is 1-2 cores over with vms of at most 1 core: never fewer than one move each.
    expect(new Set(plan.moves.map((m) => m.from)).size).toBe(overloaded);
  });
});

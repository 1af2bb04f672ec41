import { describe, expect, it } from 'vitest';
import { checkPlacement, isViable, planPlacement } from '../../src/placement/index.js';
import { randomProblem } from './problems.js';

const SEEDS = Array.from({ length: 400 }, (_, i) => 7919 * (i + 1));

describe('planner properties on 400 random problems (2-30 hosts, 0-12 vms per host, random constraints)', () => {
  const runs = SEEDS.map((seed) => {
    const problem = randomProblem(seed);
    return { seed, problem, plan: planPlacement(problem) };
  });

  it('returns plans that pass the checker with zero violations whenever ok', () => {
    for (const { seed, problem, plan } of runs) {
      if (plan.ok) expect(checkPlacement(problem, plan.moves), `seed ${seed}`).toEqual([]);
      else expect(plan.moves, `seed ${seed}`).toEqual([]);
    }
  });

  it('finds plans with moves for most problems: the property is not vacuous', () => {
    const withMoves = runs.filter((r) => r.plan.ok && r.plan.moves.length > 0).length;
    const failed = runs.filter((r) => !r.plan.ok).length;
    expect(withMoves).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(0);
  });

  it('is deterministic: the same problem twice gives identical plans', () => {
    for (const { seed, problem, plan } of runs.slice(0, 100)) expect(planPlacement(problem), `seed ${seed}`).toEqual(plan);
  });

  it('never moves a pinned vm', () => {
    for (const { seed, problem, plan } of runs) {
      const pinned = new Set(problem.vms.filter((v) => v.pinned === true).map((v) => v.id));
      for (const move of plan.moves) expect(pinned.has(move.vm), `seed ${seed}, vm ${move.vm}`).toBe(false);
    }
  });

  it('makes no move when the problem is already viable', () => {
    let viable = 0;
    for (const { seed, problem, plan } of runs) {
      if (!isViable(problem)) continue;
      viable++;
      expect(plan, `seed ${seed}`).toEqual({ ok: true, moves: [], reason: 'already viable', searchSteps: 0 });
    }
    expect(viable).toBeGreaterThan(10);
  });
});

import { describe, expect, it } from 'vitest';
import { checkPlacement, planPlacement } from '../../src/placement/index.js';
import type { Move, PlacementProblem } from '../../src/placement/problem.js';
import { tinyProblem } from './problems.js';

/** The fewest moves (then least memory moved) of any viable configuration, by trying them all; null if none. */
function optimum(p: PlacementProblem): { moves: number; memMiB: number } | null {
  const H = p.hosts.length;
  let best: { moves: number; memMiB: number } | null = null;
  for (let code = 0; code < H ** p.vms.length; code++) {
    const moves: Move[] = [];
    let memMiB = 0;
    let rest = code;
    for (const v of p.vms) {
      const to = p.hosts[rest % H].id;
      rest = Math.floor(rest / H);
      if (to === v.host) continue;
      moves.push({ vm: v.id, from: v.host, to });
      memMiB += v.memoryMiB;
    }
    if (moves.some((m) => p.vms.find((v) => v.id === m.vm)?.pinned === true)) continue;
    if (best !== null && (moves.length > best.moves || (moves.length === best.moves && memMiB >= best.memMiB))) continue;
    if (checkPlacement(p, moves).length === 0) best = { moves: moves.length, memMiB };
  }
  return best;
}

describe('planner against exhaustive search on 300 tiny problems (2-4 hosts, 1-7 vms, random constraints)', () => {
  const runs = Array.from({ length: 300 }, (_, i) => {
    const p = tinyProblem(i + 1);
    const plan = planPlacement(p);
    const memMiB = plan.moves.reduce((a, m) => a + (p.vms.find((v) => v.id === m.vm)?.memoryMiB ?? 0), 0);
    return { seed: i + 1, plan, memMiB, best: optimum(p) };
  });
  const solvable = runs.filter((r) => r.best !== null);

  it('finds a plan for at least 99% of the problems that have one, and none for those that have none', () => {
    expect(solvable.length).toBeGreaterThan(200);
    for (const r of runs) if (r.best === null) expect(r.plan.ok, `seed ${r.seed}`).toBe(false);
    expect(solvable.filter((r) => r.plan.ok).length / solvable.length).toBeGreaterThanOrEqual(0.99);
  });

  it('reaches the fewest moves, then the least memory moved, in at least 97% of them, and never more than one move over', () => {
    const found = solvable.filter((r) => r.plan.ok);
    const optimal = found.filter((r) => r.plan.moves.length === r.best!.moves && r.memMiB === r.best!.memMiB);
    expect(optimal.length / found.length).toBeGreaterThanOrEqual(0.97);
    for (const r of found) expect(r.plan.moves.length, `seed ${r.seed}`).toBeLessThanOrEqual(r.best!.moves + 1);
  });
});

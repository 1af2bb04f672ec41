import { describe, expect, it } from 'vitest';
import { moveGroups } from '../../src/placement/move-groups.js';
import type { PlanVm, VeConstraint } from '../../src/placement/problem.js';

const vm = (id: number, host: number, ve: number): PlanVm => ({ id, host, cpuDemand: 1, memoryMiB: 1024, ve });

describe('moveGroups', () => {
  const vms = [vm(0, 0, 0), vm(1, 0, 0), vm(2, 0, -1), vm(3, 1, 1), vm(4, 1, 1), vm(5, 1, 2), vm(6, 1, 2)];
  const constraints: VeConstraint[] = [
    { kind: 'gather', ve: 0, scope: 'host' },
    { kind: 'spread', ve: 1, scope: 'host' },
    { kind: 'gather', ve: 2, scope: 'site' },
  ];

  it("groups the moves of a host gather's VMs from one host to one other, in the order of their first move; every other move alone", () => {
    const moves = [
      { vm: 2, from: 0, to: 3 },
      { vm: 0, from: 0, to: 2 },
      { vm: 3, from: 1, to: 4 },
      { vm: 4, from: 1, to: 5 },
      { vm: 1, from: 0, to: 2 },
      { vm: 5, from: 1, to: 6 },
      { vm: 6, from: 1, to: 6 },
    ];
    expect(moveGroups(moves, { vms, constraints })).toEqual([
      [moves[0]],
      [moves[1], moves[4]],
      [moves[2]], // spread: each alone
      [moves[3]],
      [moves[5]], // gather of scope site: its VMs may sit on several hosts, each moved alone
      [moves[6]],
    ]);
  });

  it('keeps apart moves of one gather with different sources or targets (a gather already split is not made worse by waiting)', () => {
    const moves = [
      { vm: 0, from: 0, to: 2 },
      { vm: 1, from: 0, to: 3 },
    ];
    expect(moveGroups(moves, { vms, constraints })).toEqual([[moves[0]], [moves[1]]]);
  });

  it('every move in exactly one group, whatever the plan (property over random plans)', () => {
    let seed = 7;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let trial = 0; trial < 200; trial++) {
      const moves = Array.from({ length: next(8) }, () => {
        const v = vms[next(vms.length)];
        return { vm: v.id, from: v.host, to: 2 + next(3) };
      });
      const groups = moveGroups(moves, { vms, constraints });
      expect(groups.flat().sort((a, b) => moves.indexOf(a) - moves.indexOf(b))).toEqual(moves);
      for (const group of groups) expect(new Set(group.map((m) => `${m.from} ${m.to}`)).size).toBe(1);
    }
  });
});

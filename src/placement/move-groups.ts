/**
 * A plan's moves as the groups they must run in. The moves of the VMs of one VE gathered on a
 * host (scope 'host') from one host to one other form a group: run one by one, a refused move
 * (the source busy with other migrations, a VM suspended meanwhile) after its partner ran
 * would split the gather, so a group is admitted or refused whole (`Hypervisor.migrateTogether`).
 * Every other move is a group of its own. Groups come in the order of their first move.
 */
import type { Move, PlacementProblem } from './problem.js';

export type MoveGroup = readonly Move[];

export function moveGroups(moves: readonly Move[], problem: Pick<PlacementProblem, 'vms' | 'constraints'>): MoveGroup[] {
  const gathered = new Set<number>();
  for (const c of problem.constraints) if (c.kind === 'gather' && c.scope === 'host') gathered.add(c.ve);
  const veOf = new Map<number, number>();
  for (const vm of problem.vms) if (gathered.has(vm.ve)) veOf.set(vm.id, vm.ve);
  const groups: Move[][] = [];
  /** Group of a gathered VE's moves, by VE, source and target. */
  const byKey = new Map<string, Move[]>();
  for (const move of moves) {
    const ve = veOf.get(move.vm);
    if (ve === undefined) {
      groups.push([move]);
      continue;
    }
    const key = `${ve} ${move.from} ${move.to}`;
    const group = byKey.get(key);
    if (group !== undefined) group.push(move);
    else {
      const fresh = [move];
      byKey.set(key, fresh);
      groups.push(fresh);
    }
  }
  return groups;
}

/**
 * The placement problem a leader plans for: its members' hosts (capacity scaled by the overload
 * threshold, so a plan keeps every host out of overload as the monitors see it) and their VMs,
 * from the snapshots the ISP carried. Pure.
 *
 * What may move: running VMs not migrating already. VMs of a VE bound by a gather or spread of
 * scope 'site' are pinned: a partition sees only some hosts of a site, so it cannot judge those
 * constraints; scope 'host' and fences are judged on the hosts of the partition alone, which
 * hold every VM of any host they name. A VM reported by two members (it moved between their
 * snapshots) is kept once, from the newer snapshot.
 */
import type { PlacementProblem, PlanHost, PlanVm, VeConstraint } from '../../placement/problem.js';
import type { MemberData } from './dvms-messages.js';

export function partitionProblem(members: readonly MemberData[], constraints: readonly VeConstraint[], overloadThreshold: number): PlacementProblem {
  const siteBound = new Set<number>();
  for (const c of constraints) if (c.kind !== 'fence' && c.scope === 'site') siteBound.add(c.ve);
  const newest = new Map<number, number>(); // vm -> index of the member with the newest snapshot of it
  members.forEach((m, i) => {
    for (const vm of m.vms) {
      const seen = newest.get(vm.vm);
      if (seen === undefined || members[seen].atMs < m.atMs) newest.set(vm.vm, i);
    }
  });
  const hosts: PlanHost[] = members.map((m) => ({ id: m.host.node, cores: m.host.cores * overloadThreshold, memoryMiB: m.host.memoryMiB, site: m.host.site, country: m.host.country }));
  const vms: PlanVm[] = [];
  const ves = new Set<number>();
  members.forEach((m, i) => {
    for (const vm of m.vms) {
      if (newest.get(vm.vm) !== i) continue;
      newest.set(vm.vm, -1); // once, even if listed twice by one snapshot
      const pinned = vm.migrating || vm.state !== 'running' || siteBound.has(vm.ve);
      vms.push({ id: vm.vm, host: m.host.node, cpuDemand: vm.cpuDemand, memoryMiB: vm.memoryMiB, ve: vm.ve, pinned });
      if (vm.ve >= 0) ves.add(vm.ve);
    }
  });
  const kept = constraints.filter((c) => ves.has(c.ve) && !siteBound.has(c.ve));
  return { hosts, vms, constraints: kept };
}

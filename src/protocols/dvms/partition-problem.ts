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
 *
 * VMs in flight: a migrating VM is listed by its source until the migration ends, so a plan
 * sees it where it is leaving. Every VM of a VE (gather or spread) with a member migrating is
 * pinned, lest the plan move the others by where that one was. A gather of scope 'host' is
 * whole on one host when it holds, so a partition sees all of it or none of it; one that sees
 * fewer of its VMs than the VE has (`veSizes`: a member migrating from a host outside the
 * partition, or lost with a crashed host) pins the ones it sees: moving them alone would split
 * the VE (torture-dvms-500 seed 17: partition 298.1 moved VM 157 from host 298 to 193 while
 * VM 156 of its gather was on its way from host 15, outside the partition, to 298).
 */
import type { PlacementProblem, PlanHost, PlanVm, VeConstraint } from '../../placement/problem.js';
import type { MemberData } from './dvms-messages.js';

/** `veSizes[ve]`: the VM count of VE `ve` (VEs past its end: not known, judged on what the partition sees). */
export function partitionProblem(members: readonly MemberData[], constraints: readonly VeConstraint[], overloadThreshold: number, veSizes: readonly number[] = []): PlacementProblem {
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
  const seen = new Map<number, number>(); // ve -> its VMs the partition sees
  const inFlight = new Set<number>(); // VEs with a member migrating
  members.forEach((m, i) => {
    for (const vm of m.vms) {
      if (newest.get(vm.vm) !== i) continue;
      newest.set(vm.vm, -1); // once, even if listed twice by one snapshot
      const pinned = vm.migrating || vm.state !== 'running' || siteBound.has(vm.ve);
      vms.push({ id: vm.vm, host: m.host.node, cpuDemand: vm.cpuDemand, memoryMiB: vm.memoryMiB, ve: vm.ve, pinned });
      if (vm.ve < 0) continue;
      seen.set(vm.ve, (seen.get(vm.ve) ?? 0) + 1);
      if (vm.migrating) inFlight.add(vm.ve);
    }
  });
  const kept = constraints.filter((c) => seen.has(c.ve) && !siteBound.has(c.ve));
  const held = new Set(inFlight);
  for (const c of kept) {
    if (c.kind === 'gather' && c.ve < veSizes.length && (seen.get(c.ve) ?? 0) < veSizes[c.ve]) held.add(c.ve);
  }
  if (held.size === 0) return { hosts, vms, constraints: kept };
  return { hosts, vms: vms.map((vm) => (vm.pinned || !held.has(vm.ve) ? vm : { ...vm, pinned: true })), constraints: kept };
}

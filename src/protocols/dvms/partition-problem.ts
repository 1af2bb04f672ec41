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
 * VMs in flight: a migrating VM is listed by its source (`migrating`) and by its target
 * (`incoming`) until the migration ends. The problem keeps it, pinned, at its source when the
 * partition sees the source (its demand is there until the switch-over), the target's room
 * reduced by its demand and memory (reserved there for it: a plan must leave that room free);
 * at its target when the partition sees only the target. Every VM of a VE (gather or spread) with a member in flight, seen leaving or coming, is
 * pinned, lest the plan move the others by where that one was (torture-dvms-500 seed 467: a
 * partition holding host 157 but not host 197 moved VM 99 of spread VE 39 to 157 while VM 119
 * of the same VE was on its way from 197 to 157, unseen). A gather of scope 'host' is
 * whole on one host when it holds, so a partition sees all of it or none of it; one that sees
 * fewer of its VMs than the VE has (`veSizes`: a member migrating from a host outside the
 * partition, or lost with a crashed host) pins the ones it sees: moving them alone would split
 * the VE (torture-dvms-500 seed 17: partition 298.1 moved VM 157 from host 298 to 193 while
 * VM 156 of its gather was on its way from host 15, outside the partition, to 298).
 */
import type { PlacementProblem, PlanHost, PlanVm, VeConstraint } from '../../placement/problem.js';
import type { VmInfo } from '../../runtime/context.js';
import type { MemberData } from './dvms-messages.js';

/**
 * Whether listing `a` of a VM (in a snapshot taken at `aMs`) is kept over listing `b`: one
 * migration seen from both ends is kept at its source (its demand is there until the
 * switch-over), else the newer snapshot's.
 */
function preferred(a: VmInfo, aMs: number, b: VmInfo, bMs: number): boolean {
  if (a.incoming !== b.incoming && (a.migrating || b.migrating)) return a.migrating;
  return aMs > bMs;
}

/** `veSizes[ve]`: the VM count of VE `ve` (VEs past its end: not known, judged on what the partition sees). */
export function partitionProblem(members: readonly MemberData[], constraints: readonly VeConstraint[], overloadThreshold: number, veSizes: readonly number[] = []): PlacementProblem {
  const siteBound = new Set<number>();
  for (const c of constraints) if (c.kind !== 'fence' && c.scope === 'site') siteBound.add(c.ve);
  const chosen = new Map<number, { readonly vm: VmInfo; readonly atMs: number }>(); // vm -> the listing kept
  for (const m of members) {
    for (const vm of m.vms) {
      const kept = chosen.get(vm.vm);
      if (kept === undefined || preferred(vm, m.atMs, kept.vm, kept.atMs)) chosen.set(vm.vm, { vm, atMs: m.atMs });
    }
  }
  const hosts: PlanHost[] = members.map((m) => {
    // Room reserved for VMs on their way here that the problem keeps at their source.
    let cores = 0;
    let memoryMiB = 0;
    for (const vm of m.vms) {
      if (!vm.incoming || chosen.get(vm.vm)?.vm.migrating !== true) continue;
      cores += vm.cpuDemand;
      memoryMiB += vm.memoryMiB;
    }
    return { id: m.host.node, cores: m.host.cores * overloadThreshold - cores, memoryMiB: m.host.memoryMiB - memoryMiB, site: m.host.site, country: m.host.country };
  });
  const vms: PlanVm[] = [];
  const seen = new Map<number, number>(); // ve -> its VMs the partition sees
  const inFlight = new Set<number>(); // VEs with a member migrating (seen leaving or coming)
  for (const m of members) {
    for (const vm of m.vms) {
      if (chosen.get(vm.vm)?.vm !== vm) continue;
      chosen.delete(vm.vm); // once, even if listed twice by one snapshot
      const pinned = vm.migrating || vm.incoming || vm.state !== 'running' || siteBound.has(vm.ve);
      vms.push({ id: vm.vm, host: m.host.node, cpuDemand: vm.cpuDemand, memoryMiB: vm.memoryMiB, ve: vm.ve, pinned });
      if (vm.ve < 0) continue;
      seen.set(vm.ve, (seen.get(vm.ve) ?? 0) + 1);
      if (vm.migrating || vm.incoming) inFlight.add(vm.ve);
    }
  }
  const kept = constraints.filter((c) => seen.has(c.ve) && !siteBound.has(c.ve));
  const held = new Set(inFlight);
  for (const c of kept) {
    if (c.kind === 'gather' && c.ve < veSizes.length && (seen.get(c.ve) ?? 0) < veSizes[c.ve]) held.add(c.ve);
  }
  if (held.size === 0) return { hosts, vms, constraints: kept };
  return { hosts, vms: vms.map((vm) => (vm.pinned || !held.has(vm.ve) ? vm : { ...vm, pinned: true })), constraints: kept };
}

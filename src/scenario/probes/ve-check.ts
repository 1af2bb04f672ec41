/**
 * Whether the VE constraints hold on the cloud model now, checked by the placement checker on
 * the true placement. A VE with a VM migrating is skipped: a plan's moves run one by one, so a
 * gather or spread may be broken halfway through an applied plan and whole again at its end.
 * Only the VMs of VEs are given to the checker, with no demand: capacity is not its question.
 * A VM lost with its host holds no place: the constraints bind the members that run.
 */
import type { Cloud } from '../../platform/cloud.js';
import { checkPlacement } from '../../placement/check.js';
import type { PlanVm, VeConstraint } from '../../placement/problem.js';

export interface VeCheckInput {
  readonly cloud: Cloud;
  readonly constraints: readonly VeConstraint[];
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  readonly isMigrating: (vm: number) => boolean;
}

/** Violated constraints now, one line each (empty when all hold). */
export function veViolations(input: VeCheckInput): readonly string[] {
  const { cloud, constraints } = input;
  if (constraints.length === 0) return [];
  const moving = new Set<number>();
  for (let vm = 0; vm < cloud.vmCount; vm++) if (cloud.vmVe[vm] >= 0 && input.isMigrating(vm)) moving.add(cloud.vmVe[vm]);
  const vms: PlanVm[] = [];
  for (let vm = 0; vm < cloud.vmCount; vm++) {
    const ve = cloud.vmVe[vm];
    if (ve >= 0 && !moving.has(ve) && cloud.vmLost[vm] === 0) vms.push({ id: vm, host: cloud.vmHost[vm], cpuDemand: 0, memoryMiB: 0, ve });
  }
  const hosts = Array.from({ length: cloud.hostCount }, (_, h) => ({ id: h, cores: cloud.hostCores[h], memoryMiB: cloud.hostMemoryMiB[h], site: input.hostPop[h], country: input.hostCountry[h] }));
  return checkPlacement({ hosts, vms, constraints: constraints.filter((c) => !moving.has(c.ve)) }, []);
}

/**
 * Where a lost VM restarts, judged on the cloud model: the pure rule of
 * `protocols/recovery/restart-choice.ts` (up host, room for the memory counting what is reserved
 * for VMs on their way, the VE service's relocation rule against the members running and those
 * being restarted, nearest the lost PoP, then least CPU demand, then lowest id) over a view built
 * from the model, for the model-level fresh boots from images (`vm-recovery.ts`); the recovery
 * agent builds its view from the hosts' answers instead. -1 when no host is admissible.
 */
import type { Cloud } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';
import { restartChoice, type RestartRequest, type RestartView } from '../protocols/recovery/index.js';
import type { MemberPlaces } from '../protocols/ve/ve-constraints.js';

export interface RestartHostInput {
  readonly cloud: Cloud;
  readonly vm: number;
  /** The PoP the VM was lost in. */
  readonly fromPop: number;
  /** The constraints of the VM's VE (empty when it has none). */
  readonly constraints: readonly VeConstraint[];
  /** The other members of its VE. */
  readonly members: readonly number[];
  /** Host a lost member is being restarted on, -1 if none. */
  readonly restartingOn: (vm: number) => number;
  /** Memory reserved on a host for VMs on their way (migrations, restarts), MiB. */
  readonly reservedMiB: (host: number) => number;
  /** CPU demand of the restarts on their way to a host, millicores (so that restarts spread). */
  readonly reservedMilli: ArrayLike<number>;
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  /** One-way latency between PoPs, < 0 when unreachable. */
  readonly popLatencyUs: (pa: number, pb: number) => number;
}

export function restartHost(input: RestartHostInput): number {
  return restartChoice(viewOf(input), requestOf(input));
}

function viewOf(input: RestartHostInput): RestartView {
  const { cloud } = input;
  return {
    hostCount: cloud.hostCount,
    hostPop: input.hostPop,
    hostCountry: input.hostCountry,
    usable: (h) => cloud.hostUp[h] === 1,
    freeMiB: (h) => cloud.hostMemoryMiB[h] - cloud.hostMemoryUsedMiB[h] - input.reservedMiB(h),
    demandMilli: (h) => cloud.hostDemandMilli[h] + input.reservedMilli[h],
    popLatencyUs: input.popLatencyUs,
  };
}

function requestOf(input: RestartHostInput): RestartRequest {
  return { vm: input.vm, memoryMiB: input.cloud.vmMemoryMiB[input.vm], fromPop: input.fromPop, constraints: input.constraints, places: placesOf(input) };
}

/** The other members' places: running ones where they run, those being restarted where they go. */
function placesOf(input: RestartHostInput): MemberPlaces {
  const { cloud } = input;
  const members: number[] = [];
  const hosts: number[] = [];
  const sites: number[] = [];
  for (const m of input.members) {
    const host = cloud.vmLost[m] === 1 ? input.restartingOn(m) : cloud.vmHost[m];
    if (host < 0) continue;
    members.push(m);
    hosts.push(host);
    sites.push(input.hostPop[host]);
  }
  return { members, hosts, sites };
}

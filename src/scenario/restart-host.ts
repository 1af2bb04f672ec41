/**
 * Where a lost VM restarts: an up host with room for its memory (counting the migrations and
 * restarts already on their way there) whose choice keeps the VM's VE constraints against the members running now
 * and those being restarted (at their chosen hosts), judged by the VE service's own rule for a
 * relocation (`relocationViolation`: gather, spread, fence as `placement/check.ts`). Members
 * lost and not being restarted hold no place, as in the checker. Among the admissible hosts:
 * the nearest to the PoP the VM was lost in (its users' locality), then the least CPU demand
 * (restarts on their way included),
 * then the lowest id: deterministic. -1 when none is admissible.
 */
import type { Cloud } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';
import { type MemberPlaces, relocationViolation } from '../protocols/ve/ve-constraints.js';

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
  const { cloud, hostPop } = input;
  const places = placesOf(input);
  const latencyOfPop = new Map<number, number>();
  let best = -1;
  let bestUs = Infinity;
  let bestDemand = Infinity;
  for (let h = 0; h < cloud.hostCount; h++) {
    const pop = hostPop[h];
    let us = latencyOfPop.get(pop);
    if (us === undefined) latencyOfPop.set(pop, (us = pop === input.fromPop ? 0 : input.popLatencyUs(input.fromPop, pop)));
    if (us < 0 || us > bestUs) continue;
    const demand = cloud.hostDemandMilli[h] + input.reservedMilli[h];
    if (us === bestUs && demand >= bestDemand) continue;
    if (!admits(input, places, h)) continue;
    best = h;
    bestUs = us;
    bestDemand = demand;
  }
  return best;
}

/** Whether host `h` may take the VM now (up, room, VE constraints), as `restartHost` judges. */
export function restartAdmissible(input: RestartHostInput, h: number): boolean {
  return admits(input, placesOf(input), h);
}

function admits(input: RestartHostInput, places: MemberPlaces, h: number): boolean {
  const { cloud, vm } = input;
  if (cloud.hostUp[h] === 0) return false;
  if (cloud.hostMemoryUsedMiB[h] + input.reservedMiB(h) + cloud.vmMemoryMiB[vm] > cloud.hostMemoryMiB[h]) return false;
  return relocationViolation(input.constraints, places, vm, { node: h, site: input.hostPop[h], country: input.hostCountry[h] }) === '';
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

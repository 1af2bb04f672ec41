/**
 * Where a replicated VM's backup goes (issue 15 §3): a host unlikely to fail with the primary's,
 * so another PoP (a PoP crash takes one side only), reachable, up, with room for the VM's memory
 * (counting memory reserved there for other backups, restarts and migrations), under the VE's
 * constraints as the failed-over VM would stand: a spread's backup apart from every other
 * member's primary and backup (any one failover keeps the spread), a gather's with the other
 * members' backups (the gather's host fails over as one), a fence's inside the fence. Among the
 * admissible hosts: the PoP nearest the primary's by latency (least WAN lag), then the least
 * memory reserved (backups spread over the PoP), then the lowest id: deterministic. -1 if none.
 */
import type { Cloud } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';
import { type MemberPlaces, relocationViolation } from '../protocols/ve/ve-constraints.js';

export interface BackupHostInput {
  readonly cloud: Cloud;
  readonly vm: number;
  /** The host the VM runs on. */
  readonly primary: number;
  readonly constraints: readonly VeConstraint[];
  /** The other members of its VE. */
  readonly members: readonly number[];
  /** A member's backup host, -1 if none. */
  readonly backupOf: (vm: number) => number;
  /** Memory reserved on a host for VMs (or replicas) on their way, MiB. */
  readonly reservedMiB: (host: number) => number;
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  /** One-way latency between PoPs, < 0 when unreachable. */
  readonly popLatencyUs: (pa: number, pb: number) => number;
}

export function backupHost(input: BackupHostInput): number {
  const { cloud, hostPop, primary } = input;
  const home = hostPop[primary];
  const backups = places(input, false);
  const everyone = places(input, true);
  let best = -1;
  let bestUs = Infinity;
  let bestReserved = Infinity;
  for (let h = 0; h < cloud.hostCount; h++) {
    const pop = hostPop[h];
    if (pop === home || cloud.hostUp[h] === 0) continue;
    const us = input.popLatencyUs(home, pop);
    if (us < 0 || us > bestUs) continue;
    const reserved = input.reservedMiB(h);
    if (us === bestUs && reserved >= bestReserved) continue;
    if (cloud.hostMemoryUsedMiB[h] + reserved + cloud.vmMemoryMiB[input.vm] > cloud.hostMemoryMiB[h]) continue;
    const target = { node: h, site: pop, country: input.hostCountry[h] };
    const broken = input.constraints.some((c) => relocationViolation([c], c.kind === 'gather' ? backups : everyone, input.vm, target) !== '');
    if (broken) continue;
    best = h;
    bestUs = us;
    bestReserved = reserved;
  }
  return best;
}

/** The other members' places: their backups, and with `primaries` where they run too (lost ones hold none). */
function places(input: BackupHostInput, primaries: boolean): MemberPlaces {
  const members: number[] = [];
  const hosts: number[] = [];
  const sites: number[] = [];
  const add = (m: number, host: number): void => {
    if (host < 0) return;
    members.push(m);
    hosts.push(host);
    sites.push(input.hostPop[host]);
  };
  for (const m of input.members) {
    if (primaries) add(m, input.cloud.vmHost[m]);
    add(m, input.backupOf(m));
  }
  return { members, hosts, sites };
}

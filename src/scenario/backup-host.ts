/**
 * Where a replicated VM's backup goes (issue 15 §3): a host unlikely to fail with the primary's,
 * so another PoP (a PoP crash takes one side only), reachable, up, with room for the VM's memory
 * (counting memory reserved there for other backups, restarts and migrations) and for its
 * checkpoint stream on the NIC in (the dirty rates of the streams to it within the NIC's), under the VE's
 * constraints as the failed-over VM would stand: a spread's backup apart from every other
 * member's primary (and the host it is migrating to) and backup (any one failover keeps the spread), a gather's with the other
 * members' backups (the gather's host fails over as one; its first backup needs room for them
 * all), a fence's inside the fence. Among the
 * admissible hosts: first those of PoPs that no single link cut separates from the backbone's
 * main part (`platform/cut-survival.ts`), so that one bridge cut never isolates primary and backup
 * together (a primary behind a bridge gets its backup across it); then the PoP nearest the
 * primary's by latency (least WAN lag), then the least memory reserved (backups spread over the
 * PoP), then the lowest id: deterministic. -1 if none.
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
  /** The host a member is migrating to, -1 if none: a migrating member stands at both ends. */
  readonly incomingTo: (vm: number) => number;
  /** Memory reserved on a host for VMs (or replicas) on their way, MiB. */
  readonly reservedMiB: (host: number) => number;
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  /** One-way latency between PoPs, < 0 when unreachable. */
  readonly popLatencyUs: (pa: number, pb: number) => number;
  /** 1 for a PoP that survives every single link cut (`CutSurvival.survives`). */
  readonly popSurvivesCuts: ArrayLike<number>;
  /** Whether the VM's checkpoint stream (with those of the gather it opens) fits host `h`'s NIC in beside the streams already to it. */
  readonly streamFits: (h: number) => boolean;
  /** Memory the host must have room for: the VM's, or a gather's first backup's, the gather's members without one. */
  readonly needMiB: number;
}

export function backupHost(input: BackupHostInput): number {
  const { cloud, hostPop, primary } = input;
  const home = hostPop[primary];
  const backups = places(input, false);
  const everyone = places(input, true);
  let best = -1;
  let bestKey: readonly number[] = [];
  for (let h = 0; h < cloud.hostCount; h++) {
    const pop = hostPop[h];
    if (pop === home || cloud.hostUp[h] === 0) continue;
    const us = input.popLatencyUs(home, pop);
    if (us < 0) continue;
    const reserved = input.reservedMiB(h);
    const key = [1 - input.popSurvivesCuts[pop], us, reserved];
    if (best >= 0 && !before(key, bestKey)) continue;
    if (cloud.hostMemoryUsedMiB[h] + reserved + input.needMiB > cloud.hostMemoryMiB[h]) continue;
    if (!input.streamFits(h)) continue;
    if (!keepsConstraints(input, backups, everyone, h)) continue;
    best = h;
    bestKey = key;
  }
  return best;
}

/** Lexicographic order: `a` strictly before `b`. */
function before(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] < b[k];
  return false;
}

/** Whether a backup of the VM on host `h` keeps its VE's constraints against the members as they stand now (room not judged: a backup already holds its memory). */
export function backupKeepsConstraints(input: BackupHostInput, h: number): boolean {
  return input.hostPop[h] !== input.hostPop[input.primary] && keepsConstraints(input, places(input, false), places(input, true), h);
}

function keepsConstraints(input: BackupHostInput, backups: MemberPlaces, everyone: MemberPlaces, h: number): boolean {
  const target = { node: h, site: input.hostPop[h], country: input.hostCountry[h] };
  return input.constraints.every((c) => relocationViolation([c], c.kind === 'gather' ? backups : everyone, input.vm, target) === '');
}

/** The other members' places: their backups, and with `primaries` where they run (and where they are migrating to) too (lost ones hold none). */
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
    if (primaries) add(m, input.incomingTo(m));
    add(m, input.backupOf(m));
  }
  return { members, hosts, sites };
}

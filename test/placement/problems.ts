/** Builders and a seeded generator of placement problems for the placement tests. */
import type { Policy } from '../../src/placement/policy.js';
import type { Move, PlacementProblem, PlanHost, PlanVm, VeConstraint } from '../../src/placement/problem.js';

export function host(id: number, cores: number, memoryMiB = 16_384, site = 0, country = 'FR'): PlanHost {
  return { id, cores, memoryMiB, site, country };
}

export function vm(id: number, hostId: number, cpuDemand: number, memoryMiB = 1024, ve = -1, pinned = false): PlanVm {
  return pinned ? { id, host: hostId, cpuDemand, memoryMiB, ve, pinned } : { id, host: hostId, cpuDemand, memoryMiB, ve };
}

export function problem(hosts: PlanHost[], vms: PlanVm[], constraints: VeConstraint[] = []): PlacementProblem {
  return { hosts, vms, constraints };
}

/** The problem after its moves, applied all at once. */
export function applyMoves(p: PlacementProblem, moves: readonly Move[]): PlacementProblem {
  const to = new Map(moves.map((m) => [m.vm, m.to]));
  return { ...p, vms: p.vms.map((v) => ({ ...v, host: to.get(v.id) ?? v.host })) };
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['FR', 'DE', 'IT'];

/** One random constraint per VE (gather 30%, spread 40%, fence to a site 15% or a country 15%), drawn from `rand`. */
function randomConstraints(veCount: number, sites: number, rand: () => number): VeConstraint[] {
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const constraints: VeConstraint[] = [];
  for (let ve = 0; ve < veCount; ve++) {
    const roll = rand();
    const scope = rand() < 0.5 ? 'host' : 'site';
    if (roll < 0.3) constraints.push({ kind: 'gather', ve, scope });
    else if (roll < 0.7) constraints.push({ kind: 'spread', ve, scope });
    else if (roll < 0.85) constraints.push({ kind: 'fence', ve, sites: [int(0, sites - 1)], countries: [] });
    else constraints.push({ kind: 'fence', ve, sites: [], countries: [COUNTRIES[int(0, COUNTRIES.length - 1)]] });
  }
  return constraints;
}

/** A random problem: 2-30 hosts on 1-4 sites, 0-12 VMs per host, a few VEs with random constraints. */
export function randomProblem(seed: number): PlacementProblem {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const sites = int(1, 4);
  const hosts = Array.from({ length: int(2, 30) }, (_, i) => {
    const site = int(0, sites - 1);
    return host(100 + i, pick([4, 8, 16]), pick([8192, 16384, 32768]), site, COUNTRIES[site % COUNTRIES.length]);
  });
  const veCount = int(0, 6);
  const vms: PlanVm[] = [];
  for (const h of hosts) {
    // Loads around 60% of the cores on average, so that some hosts are overloaded.
    const cpuMean = (h.cores * 0.6) / 6;
    for (let k = int(0, 12); k > 0; k--) {
      const ve = veCount > 0 && rand() < 0.15 ? int(0, veCount - 1) : -1;
      const cpu = Math.round(rand() * 20 * cpuMean + 1) / 10;
      vms.push(vm(vms.length, h.id, cpu, pick([512, 1024, 2048, 4096]), ve, rand() < 0.03));
    }
  }
  return problem(hosts, vms, randomConstraints(veCount, sites, rand));
}

/**
 * A large problem in the VMPlaceS shape: `hostCount` hosts of 8 cores and 32 GiB on 64 sites,
 * `vmsPerHost` VMs of 1 GiB each, loads in tenths of a core; every `1 / overloadedShare`-th host
 * is overloaded (its VMs at 0.9-1 core), the others hold 3-7 cores.
 */
export function largeProblem(hostCount: number, vmsPerHost: number, overloadedShare: number, seed: number): PlacementProblem {
  const rand = mulberry32(seed);
  const every = Math.round(1 / overloadedShare);
  const hosts = Array.from({ length: hostCount }, (_, i) => host(i, 8, 32_768, i % 64, COUNTRIES[i % 3]));
  const vms: PlanVm[] = [];
  for (const h of hosts) {
    const overloaded = h.id % every === every - 1;
    for (let k = 0; k < vmsPerHost; k++) {
      const tenths = overloaded ? 9 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 5);
      vms.push(vm(vms.length, h.id, (tenths * vmsPerHost * 0.8) / 80, 1024));
    }
  }
  return problem(hosts, vms);
}

/** A tiny random problem (2-4 hosts, 1-7 vms, 0-2 constrained VEs), small enough to solve exhaustively. */
export function tinyProblem(seed: number): PlacementProblem {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const sites = int(1, 3);
  const hosts = Array.from({ length: int(2, 4) }, (_, i) => {
    const site = int(0, sites - 1);
    return host(i, pick([4, 8]), pick([4096, 8192]), site, COUNTRIES[site]);
  });
  const veCount = int(0, 2);
  const vms = Array.from({ length: int(1, 7) }, (_, k) => {
    const ve = veCount > 0 && rand() < 0.4 ? int(0, veCount - 1) : -1;
    return vm(k, pick(hosts).id, Math.round(rand() * 40 + 1) / 10, pick([512, 1024, 2048]), ve, rand() < 0.05);
  });
  return problem(hosts, vms, randomConstraints(veCount, sites, rand));
}

/** One random policy over `veCount` VEs and `sites` sites, soft one time in three where a kind may be. */
function randomPolicy(veCount: number, sites: number, rand: () => number): Policy {
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const ve = int(0, Math.max(0, veCount - 1));
  const scope = rand() < 0.5 ? 'host' : 'site';
  const soft = rand() < 1 / 3;
  const site = (): number => int(0, sites - 1);
  switch (int(0, 10)) {
    case 0:
      return { kind: 'ban', ve, sites: [site()], countries: [], soft };
    case 1:
      return { kind: 'among', ve, groups: [[0], Array.from({ length: sites - 1 }, (_, i) => i + 1)], soft };
    case 2:
      return { kind: 'split', ves: [ve, ve + 1], scope, soft };
    case 3:
      return { kind: 'lonely', ve, soft };
    case 4:
      return { kind: 'quarantine', sites: [site()] };
    case 5:
      return { kind: 'root', ve };
    case 6:
      return { kind: 'maxPerHost', ve, max: int(1, 3), soft };
    case 7:
      return { kind: 'isolate', tenant: int(0, 2), scope, soft };
    case 8:
      return { kind: 'minTrust', ve, level: 0.5, trust: [1, 0.6, 0.2], soft };
    case 9:
      return { kind: 'gather', ve, scope, soft: true };
    default:
      return { kind: 'spread', ve, scope, soft: true };
  }
}

/**
 * `randomProblem(seed)` with operators (site mod 3), tenants (a VE's vms share tenant ve mod 3,
 * other vms -1 to 2) and 1-3 random policies of every kind.
 */
export function randomPolicyProblem(seed: number): PlacementProblem {
  const p = randomProblem(seed);
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const sites = Math.max(...p.hosts.map((h) => h.site)) + 1;
  const veCount = Math.max(1, ...p.vms.map((v) => v.ve + 1));
  const hosts = p.hosts.map((h) => ({ ...h, operator: h.site % 3 }));
  const vms = p.vms.map((v) => ({ ...v, tenant: v.ve >= 0 ? v.ve % 3 : Math.floor(rand() * 4) - 1 }));
  const policies = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomPolicy(veCount, sites, rand));
  return { hosts, vms, constraints: p.constraints, policies };
}

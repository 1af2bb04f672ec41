/**
 * User policies at the start of a run: which hosts each group of `cloud.ves` may take VMs on
 * (the static kinds: ban, minimum trust, and the first group of an among), and the check that
 * the initial placement holds every hard policy (the others: lonely, max per host, isolation),
 * judged by the planner's own checker on the placement as laid.
 */
import { checkPlacement } from '../placement/check.js';
import { fenceAllows } from '../placement/indexed.js';
import { trustIn, type Policy } from '../placement/policy.js';
import type { PlacementProblem } from '../placement/problem.js';
import type { PolicyFacts } from '../protocols/policy-view.js';

export interface HostPlaces {
  readonly hostPop: ArrayLike<number>;
  readonly popCountries: readonly string[];
  /** Operator of each PoP, -1 when the scenario names none. */
  readonly popOperator: ArrayLike<number> | null;
}

/** Whether the VEs of group g may take VMs on host h under their static hard policies. */
export function groupHostFilter(policies: readonly Policy[], groupVes: readonly (readonly [number, number])[], places: HostPlaces): (g: number, h: number) => boolean {
  const firstVe = groupVes.map(([first, count]) => (count > 0 ? first : -1));
  const byVe = new Map<number, Policy[]>();
  for (const p of policies) if ('ve' in p && !('soft' in p && p.soft === true)) byVe.set(p.ve, [...(byVe.get(p.ve) ?? []), p]);
  return (g, h) => {
    const pop = places.hostPop[h];
    const country = places.popCountries[pop];
    for (const p of byVe.get(firstVe[g]) ?? []) {
      if (p.kind === 'ban' && fenceAllows(p, pop, country)) return false;
      if (p.kind === 'among' && !p.groups[0].includes(pop)) return false;
      if (p.kind === 'minTrust' && trustIn(p, places.popOperator?.[pop] ?? -1) < p.level) return false;
    }
    return true;
  };
}

/** The hard policies the initial placement breaks (VM v on host floor(v / perHost)), at most `limit`. */
export function initialPolicyViolations(input: {
  readonly policies: readonly Policy[];
  readonly vmVe: Int32Array;
  readonly veTenant: Int32Array;
  readonly vmsPerHost: number;
  readonly places: HostPlaces;
}): readonly string[] {
  const { places, vmVe, veTenant, vmsPerHost } = input;
  const hostCount = places.hostPop.length;
  // Capacities are the schedulers' business: only the policies are judged here.
  const problem: PlacementProblem = {
    hosts: Array.from({ length: hostCount }, (_, h) => ({ id: h, cores: Number.MAX_VALUE, memoryMiB: Number.MAX_VALUE, site: places.hostPop[h], country: places.popCountries[places.hostPop[h]], operator: places.popOperator?.[places.hostPop[h]] ?? -1 })),
    vms: Array.from(vmVe, (ve, v) => ({ id: v, host: Math.floor(v / vmsPerHost), cpuDemand: 0, memoryMiB: 0, ve, tenant: ve >= 0 ? veTenant[ve] : -1 })),
    constraints: [],
    policies: input.policies,
  };
  return checkPlacement(problem, []);
}

/** What the schedulers plan with (`protocols/policy-view.ts`): the policies and the static facts they need; null without policies. */
export function schedulerPolicyFacts(policies: readonly Policy[], veTenant: Int32Array, vmVe: Int32Array, places: HostPlaces, popCount: number): PolicyFacts | null {
  if (policies.length === 0) return null;
  const siteHosts = new Array<number>(popCount).fill(0);
  for (let h = 0; h < places.hostPop.length; h++) siteHosts[places.hostPop[h]]++;
  const veSizes = new Array<number>(veTenant.length).fill(0);
  for (const ve of vmVe) if (ve >= 0) veSizes[ve]++;
  const siteOperator = Array.from({ length: popCount }, (_, p) => places.popOperator?.[p] ?? -1);
  return { policies, siteOperator, veTenant: Array.from(veTenant), siteHosts, veSizes };
}

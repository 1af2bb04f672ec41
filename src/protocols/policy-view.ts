/**
 * User policies (`placement/policy.ts`) in a scheduler's problem when the scheduler sees only
 * part of the infrastructure: a DVMS partition, a Snooze group, a central manager missing a
 * report. The facts a plan needs besides the hosts' reports (each PoP's operator, each VE's
 * tenant, how many hosts each PoP has, how many VMs each VE has) are static: the scenario's,
 * handed to every agent, so no wire message changes. Pure.
 *
 * Rules that bind one VM (ban, minTrust), one host (maxPerHost, lonely, isolate and split of
 * scope host: a view holds every VM of a host it sees) or one move (quarantine, root) are
 * judged on the view as they are. Rules over a PoP the view may see part of are narrowed so no
 * plan can break them with what the view cannot see, assuming they hold now (the planner keeps
 * them, and the policy probe counts it if they do not):
 *  - among: the unseen members are in the sites of some group holding every site seen, so a
 *    seen member may only go to sites in all such groups (one group, their intersection); with
 *    no such group (broken already) the VE's VMs are pinned and the rule left out;
 *  - isolate of scope site (hard): a site partly seen with no VM seen may hold another tenant's
 *    VMs, unseen, so no VM moves onto it (a quarantine);
 *  - split of scope site (hard): a VE of the split may only go to sites partly seen where one of
 *    its own members is seen (a ban of the others);
 * PoPs whose every host is in the view, and VEs whose every VM is, are judged exactly. Soft
 * rules are judged on what the view sees: a miss costs a soft violation, not a broken rule.
 */
import { isSoft, type Policy } from '../placement/policy.js';
import type { PlacementProblem, PlanVm } from '../placement/problem.js';

export interface PolicyFacts {
  readonly policies: readonly Policy[];
  /** Operator of each PoP (by site index), -1 when unknown. */
  readonly siteOperator: readonly number[];
  /** Tenant of each VE (by VE id), -1 when none. */
  readonly veTenant: readonly number[];
  /** Hosts of each PoP (by site index). */
  readonly siteHosts: readonly number[];
  /** VMs of each VE (by VE id). */
  readonly veSizes: readonly number[];
}

/** What is wrong with facts from a config, '' when nothing (the field named by the caller). */
export function policyFactsFault(facts: PolicyFacts): string {
  const ints = (xs: unknown, min: number): boolean => Array.isArray(xs) && xs.every((x) => Number.isInteger(x) && x >= min);
  if (!Array.isArray(facts.policies)) return 'policies: expected an array of policies';
  if (!ints(facts.siteOperator, -1)) return 'siteOperator: expected an array of integers >= -1';
  if (!ints(facts.veTenant, -1)) return 'veTenant: expected an array of integers >= -1';
  if (!ints(facts.siteHosts, 0)) return 'siteHosts: expected an array of integers >= 0';
  if (!ints(facts.veSizes, 1)) return 'veSizes: expected an array of integers >= 1';
  return '';
}

/** `problem` (a view's, without policies) with its hosts' operators, its VMs' tenants and the policies narrowed to the view. */
export function withPolicies(problem: PlacementProblem, facts: PolicyFacts | null): PlacementProblem {
  if (facts === null || facts.policies.length === 0) return problem;
  const hostsSeen = new Map<number, number>(); // site -> its hosts in the view
  const siteOfHost = new Map<number, number>();
  for (const h of problem.hosts) {
    hostsSeen.set(h.site, (hostsSeen.get(h.site) ?? 0) + 1);
    siteOfHost.set(h.id, h.site);
  }
  const whole = (site: number): boolean => (hostsSeen.get(site) ?? 0) >= (facts.siteHosts[site] ?? Infinity);
  const partial = [...hostsSeen.keys()].filter((s) => !whole(s)).sort((a, b) => a - b);
  const sitesOfVe = new Map<number, Set<number>>();
  const countOfVe = new Map<number, number>();
  const sitesWithVms = new Set<number>();
  for (const vm of problem.vms) {
    const site = siteOfHost.get(vm.host) ?? -1;
    sitesWithVms.add(site);
    if (vm.ve < 0) continue;
    countOfVe.set(vm.ve, (countOfVe.get(vm.ve) ?? 0) + 1);
    const sites = sitesOfVe.get(vm.ve) ?? new Set<number>();
    sites.add(site);
    sitesOfVe.set(vm.ve, sites);
  }
  const pinnedVes = new Set<number>();
  const policies: Policy[] = [];
  for (const p of facts.policies) {
    if (p.kind === 'among') {
      const sites = sitesOfVe.get(p.ve);
      if (sites === undefined || countOfVe.get(p.ve) === facts.veSizes[p.ve]) {
        policies.push(p);
        continue;
      }
      const holding = p.groups.filter((g) => [...sites].every((s) => g.includes(s)));
      if (holding.length === 0) {
        pinnedVes.add(p.ve);
        continue;
      }
      const common = holding[0].filter((s) => holding.every((g) => g.includes(s)));
      policies.push({ ...p, groups: [common] });
    } else if (p.kind === 'isolate' && p.scope === 'site' && !isSoft(p)) {
      policies.push(p);
      const unknown = partial.filter((s) => !sitesWithVms.has(s));
      if (unknown.length > 0) policies.push({ kind: 'quarantine', sites: unknown });
    } else if (p.kind === 'split' && p.scope === 'site' && !isSoft(p)) {
      policies.push(p);
      for (const ve of p.ves) {
        const own = sitesOfVe.get(ve);
        const elsewhere = own === undefined ? [] : partial.filter((s) => !own.has(s));
        if (elsewhere.length > 0) policies.push({ kind: 'ban', ve, sites: elsewhere, countries: [] });
      }
    } else policies.push(p);
  }
  const hosts = problem.hosts.map((h) => ({ ...h, operator: facts.siteOperator[h.site] ?? -1 }));
  const vms = problem.vms.map((vm): PlanVm => {
    const tenant = vm.ve >= 0 ? (facts.veTenant[vm.ve] ?? -1) : -1;
    return { ...vm, tenant, pinned: vm.pinned === true || pinnedVes.has(vm.ve) };
  });
  return { ...problem, hosts, vms, policies };
}

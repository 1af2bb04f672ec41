/**
 * The planner's view of a problem's hard policies (`policy.ts`): each VE's static rules (bans,
 * minimum trust, an among compiled to the fence of the group chosen for it) and counted ones
 * (max per host, lonely, split), and the problem-wide ones (quarantined sites, isolated
 * tenants). Root and quarantine need nothing here: their VMs are fixed (`indexed.ts`), so they
 * never move, and no VM enters a quarantined site. Soft policies are made hard or dropped
 * before (`plan.ts`).
 */
import type { IndexedProblem } from './indexed.js';
import { policyFault, trustIn, type Scope } from './policy.js';
import { policyViolations } from './policy-check.js';
import type { Fence, VeRules } from './units.js';

export interface VePolicyRules {
  readonly bans: Fence[];
  readonly trusts: { readonly level: number; readonly trust: readonly number[] }[];
  maxPerHost: number;
  lonely: boolean;
  /** The other VEs of each split this VE is in. */
  readonly splits: { readonly others: readonly number[]; readonly scope: Scope }[];
}

export interface PolicyModel {
  readonly quarantined: ReadonlySet<number>;
  readonly isolated: readonly { readonly tenant: number; readonly scope: Scope }[];
  /** VEs whose members are counted per host, and per site. */
  readonly hostCounted: ReadonlySet<number>;
  readonly siteCounted: ReadonlySet<number>;
  readonly lonelyVes: ReadonlySet<number>;
  /** Operator of each host index, -1 if unknown. */
  readonly operator: Int32Array;
}

export const noPolicyRules = (): VePolicyRules => ({ bans: [], trusts: [], maxPerHost: Infinity, lonely: false, splits: [] });

/** Adds the hard policies to the VEs' rules (`ruleOf` makes a VE's rules on first use): the model, or why no plan exists. */
export function policyModel(ix: IndexedProblem, ruleOf: (ve: number) => VeRules): PolicyModel | string {
  const quarantined = new Set<number>();
  const isolated: { tenant: number; scope: Scope }[] = [];
  const hostCounted = new Set<number>();
  const siteCounted = new Set<number>();
  const lonelyVes = new Set<number>();
  const policyOf = (ve: number): VePolicyRules => {
    const r = ruleOf(ve);
    r.policy ??= noPolicyRules();
    return r.policy;
  };
  for (const p of ix.problem.policies ?? []) {
    if (policyFault(p) !== '') continue;
    switch (p.kind) {
      case 'ban':
        policyOf(p.ve).bans.push({ sites: new Set(p.sites), countries: new Set(p.countries) });
        break;
      case 'minTrust':
        policyOf(p.ve).trusts.push({ level: p.level, trust: p.trust });
        break;
      case 'among': {
        const group = amongGroup(ix, p.ve, p.groups);
        if (group === null) return `ve ${p.ve} (among): its pinned vms are within no one group of ${JSON.stringify(p.groups)}`;
        ruleOf(p.ve).fences.push({ sites: new Set(group), countries: new Set() });
        break;
      }
      case 'maxPerHost':
        policyOf(p.ve).maxPerHost = Math.min(policyOf(p.ve).maxPerHost, p.max);
        hostCounted.add(p.ve);
        break;
      case 'lonely':
        policyOf(p.ve).lonely = true;
        lonelyVes.add(p.ve);
        hostCounted.add(p.ve);
        break;
      case 'split':
        for (const ve of p.ves) {
          policyOf(ve).splits.push({ others: p.ves.filter((o) => o !== ve), scope: p.scope });
          (p.scope === 'host' ? hostCounted : siteCounted).add(ve);
        }
        break;
      case 'isolate':
        isolated.push({ tenant: p.tenant, scope: p.scope });
        break;
      case 'quarantine':
        for (const s of p.sites) quarantined.add(s);
        break;
      case 'gather':
      case 'spread':
      case 'root':
        break;
    }
  }
  const operator = Int32Array.from(ix.problem.hosts, (h) => h.operator ?? -1);
  return { quarantined, isolated, hostCounted, siteCounted, lonelyVes, operator };
}

/**
 * The group an among's members end in: one holding every pinned member's site; the most
 * members inside, then the most memory, then the first listed. Null when none holds the pinned.
 */
function amongGroup(ix: IndexedProblem, ve: number, groups: readonly (readonly number[])[]): readonly number[] | null {
  const { hosts, vms } = ix.problem;
  const members = ix.members.get(ve) ?? [];
  const siteOf = (v: number): number => hosts[ix.initialHost[v]].site;
  let best: readonly number[] | null = null;
  let bestScore: [number, number] = [-1, -1];
  for (const g of groups) {
    if (!members.every((v) => ix.fixed[v] !== 1 || g.includes(siteOf(v)))) continue;
    const inside = members.filter((v) => g.includes(siteOf(v)));
    const score: [number, number] = [inside.length, inside.reduce((a, v) => a + vms[v].memoryMiB, 0)];
    if (score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) [best, bestScore] = [g, score];
  }
  return best;
}

/** Whether host h is open to VE rules r whatever the loads: not quarantined, not banned, trusted enough. */
export function policyAdmits(pm: PolicyModel, r: VeRules | undefined, h: number, site: number, country: string): boolean {
  if (pm.quarantined.has(site)) return false;
  const p = r?.policy;
  if (p === undefined || p === null) return true;
  for (const b of p.bans) if (b.sites.has(site) || b.countries.has(country)) return false;
  for (const t of p.trusts) if (trustIn(t, pm.operator[h]) < t.level) return false;
  return true;
}

/** Why the fixed VMs alone break a hard policy (no plan can mend it), '' when they do not. */
export function fixedPolicyBreak(ix: IndexedProblem): string {
  const hostOf = Int32Array.from(ix.initialHost, (h, v) => (ix.fixed[v] === 1 ? h : -1));
  const broken = policyViolations(ix, hostOf).hard;
  return broken.length === 0 ? '' : `pinned vms break a policy: ${broken[0]}`;
}

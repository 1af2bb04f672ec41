/**
 * The planner's static view of a problem: hosts as flat arrays, the VE rules, and the units
 * that move. A unit is one VM, or all the movable VMs of a VE gathered by host (they can only
 * move together); pinned VMs belong to no unit and load their hosts for good. Building the
 * model also detects the constraints no plan can satisfy (pinned VMs breaking them, gather and
 * spread on one VE of two VMs or more, pinned load over a host's capacity) and returns a reason.
 * VMs fixed by policies (root, quarantine) count as pinned; hard policies add to the VEs' rules
 * (`policy-model.ts`).
 */
import { CAPACITY_TOLERANCE, fmt, type IndexedProblem } from './indexed.js';
import { fixedPolicyBreak, policyAdmits, policyModel, type PolicyModel, type VePolicyRules } from './policy-model.js';

/** The planner's capacity tolerance: half the checker's, so float drift never crosses it. */
export const PLAN_TOLERANCE = CAPACITY_TOLERANCE / 2;

export interface Fence {
  readonly sites: ReadonlySet<number>;
  readonly countries: ReadonlySet<string>;
}

export interface VeRules {
  readonly ve: number;
  gatherHost: boolean;
  gatherSite: boolean;
  spreadHost: boolean;
  spreadSite: boolean;
  readonly fences: Fence[];
  /** Host index every member must be on (gather host with a pinned member), else -1. */
  forcedHost: number;
  /** The site the members gather in at first (gather site), the best of `siteChoices`. */
  targetSite: number;
  siteChoices: number[];
  /** Hosts allowed by every fence (and the static policies), in index order; null without any. */
  allowedHosts: Int32Array | null;
  /** The VE's hard policies, null without any. */
  policy: VePolicyRules | null;
}

export interface PlanModel {
  readonly ix: IndexedProblem;
  readonly cores: Float64Array;
  readonly memoryMiB: Float64Array;
  readonly site: readonly number[];
  readonly country: readonly string[];
  readonly hostsBySite: ReadonlyMap<number, readonly number[]>;
  readonly rules: ReadonlyMap<number, VeRules>;
  /** Unit of each VM index, -1 if pinned. */
  readonly unitOf: Int32Array;
  readonly unitCount: number;
  /** VMs of unit u: unitVms[unitStart[u] .. unitStart[u + 1]). */
  readonly unitStart: Int32Array;
  readonly unitVms: Int32Array;
  readonly unitCpu: Float64Array;
  readonly unitMemMiB: Float64Array;
  readonly unitSize: Int32Array;
  /** Host index all the unit's VMs start on, -1 when they start apart (a broken gather). */
  readonly unitHome: Int32Array;
  readonly unitRules: readonly (VeRules | undefined)[];
  /** Units whose home is host h: hostUnits[hostUnitStart[h] .. hostUnitStart[h + 1]). */
  readonly hostUnitStart: Int32Array;
  readonly hostUnits: Int32Array;
  readonly pinnedCpu: Float64Array;
  readonly pinnedMemMiB: Float64Array;
  /** The problem's hard policies, null without any. */
  readonly policy: PolicyModel | null;
}

export function allowedByFences(r: VeRules, site: number, country: string): boolean {
  for (const f of r.fences) if (!f.sites.has(site) && !f.countries.has(country)) return false;
  return true;
}

/** The model, or the reason no plan can exist. */
export function buildModel(ix: IndexedProblem): PlanModel | string {
  const { hosts, vms, constraints } = ix.problem;
  const H = hosts.length;
  const hostsBySite = new Map<number, number[]>();
  hosts.forEach((h, i) => {
    const list = hostsBySite.get(h.site);
    if (list === undefined) hostsBySite.set(h.site, [i]);
    else list.push(i);
  });
  const rules = new Map<number, VeRules>();
  const ruleOf = (ve: number): VeRules => {
    let r = rules.get(ve);
    if (r === undefined) {
      r = { ve, gatherHost: false, gatherSite: false, spreadHost: false, spreadSite: false, fences: [], forcedHost: -1, targetSite: -1, siteChoices: [], allowedHosts: null, policy: null };
      rules.set(ve, r);
    }
    return r;
  };
  for (const c of constraints) {
    const r = ruleOf(c.ve);
    if (c.kind === 'fence') r.fences.push({ sites: new Set(c.sites), countries: new Set(c.countries) });
    else if (c.kind === 'gather') r[c.scope === 'host' ? 'gatherHost' : 'gatherSite'] = true;
    else r[c.scope === 'host' ? 'spreadHost' : 'spreadSite'] = true;
  }
  const policy = (ix.problem.policies ?? []).length === 0 ? null : policyModel(ix, ruleOf);
  if (typeof policy === 'string') return policy;
  const fenced = new Map<string, Int32Array>();
  for (const r of rules.values()) {
    // Gather and spread bind nothing on a VE with fewer than two VMs in the problem.
    if ((ix.members.get(r.ve) ?? []).length < 2) r.gatherHost = r.gatherSite = r.spreadHost = r.spreadSite = false;
    if (policy !== null && (r.fences.length > 0 || r.policy !== null || policy.quarantined.size > 0)) r.allowedHosts = openHosts(ix, policy, r);
    else if (r.fences.length > 0) r.allowedHosts = fencedHosts(ix, hostsBySite, fenced, r);
    const reason = settleRules(ix, hostsBySite, r);
    if (reason !== '') return reason;
  }
  if (policy !== null) {
    const reason = fixedPolicyBreak(ix);
    if (reason !== '') return reason;
  }

  const unitOf = new Int32Array(vms.length).fill(-1);
  const gatherUnit = new Map<number, number>();
  let unitCount = 0;
  vms.forEach((vm, v) => {
    if (ix.fixed[v] === 1) return;
    if (rules.get(vm.ve)?.gatherHost === true) {
      const u = gatherUnit.get(vm.ve) ?? unitCount++;
      gatherUnit.set(vm.ve, u);
      unitOf[v] = u;
    } else unitOf[v] = unitCount++;
  });
  const unitStart = new Int32Array(unitCount + 1);
  for (let v = 0; v < vms.length; v++) if (unitOf[v] >= 0) unitStart[unitOf[v] + 1]++;
  for (let u = 0; u < unitCount; u++) unitStart[u + 1] += unitStart[u];
  const fill = unitStart.slice(0, unitCount);
  const unitVms = new Int32Array(unitStart[unitCount]);
  const unitCpu = new Float64Array(unitCount);
  const unitMemMiB = new Float64Array(unitCount);
  const unitSize = new Int32Array(unitCount);
  const unitHome = new Int32Array(unitCount).fill(-2);
  const unitRules: (VeRules | undefined)[] = new Array(unitCount).fill(undefined);
  const pinnedCpu = new Float64Array(H);
  const pinnedMemMiB = new Float64Array(H);
  vms.forEach((vm, v) => {
    const h = ix.initialHost[v];
    const u = unitOf[v];
    if (u < 0) {
      pinnedCpu[h] += vm.cpuDemand;
      pinnedMemMiB[h] += vm.memoryMiB;
      return;
    }
    unitVms[fill[u]++] = v;
    unitCpu[u] += vm.cpuDemand;
    unitMemMiB[u] += vm.memoryMiB;
    unitSize[u]++;
    unitHome[u] = unitHome[u] === -2 || unitHome[u] === h ? h : -1;
    unitRules[u] = rules.get(vm.ve);
  });
  for (let h = 0; h < H; h++) {
    if (pinnedCpu[h] > hosts[h].cores + PLAN_TOLERANCE) return `host ${hosts[h].id}: pinned vms need ${fmt(pinnedCpu[h])} cores > ${fmt(hosts[h].cores)} cores`;
    if (pinnedMemMiB[h] > hosts[h].memoryMiB + PLAN_TOLERANCE) return `host ${hosts[h].id}: pinned vms need ${fmt(pinnedMemMiB[h])} MiB > ${fmt(hosts[h].memoryMiB)} MiB`;
  }
  const hostUnitStart = new Int32Array(H + 1);
  for (let u = 0; u < unitCount; u++) if (unitHome[u] >= 0) hostUnitStart[unitHome[u] + 1]++;
  for (let h = 0; h < H; h++) hostUnitStart[h + 1] += hostUnitStart[h];
  const hostFill = hostUnitStart.slice(0, H);
  const hostUnits = new Int32Array(hostUnitStart[H]);
  for (let u = 0; u < unitCount; u++) if (unitHome[u] >= 0) hostUnits[hostFill[unitHome[u]]++] = u;

  return {
    ix,
    cores: Float64Array.from(hosts, (h) => h.cores),
    memoryMiB: Float64Array.from(hosts, (h) => h.memoryMiB),
    site: hosts.map((h) => h.site),
    country: hosts.map((h) => h.country),
    hostsBySite,
    rules,
    unitOf,
    unitCount,
    unitStart,
    unitVms,
    unitCpu,
    unitMemMiB,
    unitSize,
    unitHome,
    unitRules,
    hostUnitStart,
    hostUnits,
    pinnedCpu,
    pinnedMemMiB,
    policy,
  };
}

/** Checks a VE's rules against its pinned members and fixes its forced host and target site. */
function settleRules(ix: IndexedProblem, hostsBySite: ReadonlyMap<number, readonly number[]>, r: VeRules): string {
  const { hosts, vms } = ix.problem;
  const members = ix.members.get(r.ve) ?? [];
  const pinned = members.filter((v) => ix.fixed[v] === 1);
  const hostOf = (v: number): number => ix.initialHost[v];
  const siteOf = (v: number): number => hosts[hostOf(v)].site;
  for (const v of pinned) {
    const h = hosts[hostOf(v)];
    if (!allowedByFences(r, h.site, h.country)) return `ve ${r.ve} (fence): pinned vm ${vms[v].id} is on site ${h.site} (${h.country}), outside the fence`;
  }
  if (members.length >= 2) {
    if (r.gatherHost && (r.spreadHost || r.spreadSite)) return `ve ${r.ve}: gather host and spread cannot both hold for ${members.length} vms`;
    if (r.gatherSite && r.spreadSite) return `ve ${r.ve}: gather site and spread site cannot both hold for ${members.length} vms`;
    const spread = r.spreadHost || r.spreadSite;
    const room = !spread ? 0 : r.spreadSite ? allowedSites(hosts, hostsBySite, r).size : r.gatherSite ? Math.max(0, ...allowedSites(hosts, hostsBySite, r).values()) : (r.allowedHosts?.length ?? hosts.length);
    if (spread && members.length > room) {
      const where = r.spreadSite ? 'sites' : r.gatherSite ? 'hosts in one site' : 'hosts';
      return `ve ${r.ve} (spread ${r.spreadSite ? 'site' : 'host'}): ${members.length} vms but only ${room} ${where} allowed`;
    }
  }
  const clash = (place: (v: number) => number, same: boolean): number => {
    const seen = new Set<number>();
    for (const v of pinned) {
      if (same ? seen.size > 0 && !seen.has(place(v)) : seen.has(place(v))) return v;
      seen.add(place(v));
    }
    return -1;
  };
  const checks: [boolean, (v: number) => number, boolean, string, string][] = [
    [r.gatherHost, hostOf, true, 'gather host', 'pinned vms on different hosts'],
    [r.gatherSite, siteOf, true, 'gather site', 'pinned vms in different sites'],
    [r.spreadHost, hostOf, false, 'spread host', 'pinned vms on one host'],
    [r.spreadSite, siteOf, false, 'spread site', 'pinned vms in one site'],
  ];
  for (const [on, place, same, label, what] of checks) {
    const v = on ? clash(place, same) : -1;
    if (v >= 0) return `ve ${r.ve} (${label}): ${what}, e.g. vm ${vms[v].id}`;
  }
  if (r.gatherHost && pinned.length > 0) r.forcedHost = hostOf(pinned[0]);
  if (r.gatherSite) {
    r.siteChoices = siteChoices(ix, hostsBySite, r, members, pinned);
    if (r.siteChoices.length === 0) return `ve ${r.ve} (gather site): no site has a host the fences allow`;
    r.targetSite = r.siteChoices[0];
  }
  return '';
}

/**
 * The sites a gathered VE may end in, best first: its pinned members' site alone; else the
 * sites with a host the fences allow, by members to move, then memory to move, then first seen
 * (the members' sites in member order, then the others in host order).
 */
function siteChoices(ix: IndexedProblem, hostsBySite: ReadonlyMap<number, readonly number[]>, r: VeRules, members: readonly number[], pinned: readonly number[]): number[] {
  const { hosts, vms } = ix.problem;
  if (pinned.length > 0) return [hosts[ix.initialHost[pinned[0]]].site];
  const inside = new Map<number, [number, number]>();
  for (const v of members) {
    const s = hosts[ix.initialHost[v]].site;
    const [n, mem] = inside.get(s) ?? [0, 0];
    inside.set(s, [n + 1, mem + vms[v].memoryMiB]);
  }
  const allowed = allowedSites(hosts, hostsBySite, r);
  const seen = [...new Set([...inside.keys(), ...allowed.keys()])].filter((s) => allowed.has(s));
  const score = (s: number): [number, number] => inside.get(s) ?? [0, 0];
  // Most members (and memory) inside = fewest moves (and least memory moved); stable sort keeps first-seen order.
  return seen.sort((a, b) => score(b)[0] - score(a)[0] || score(b)[1] - score(a)[1]);
}

/** Hosts every fence of r allows, in index order; computed once per distinct set of fences. */
function fencedHosts(ix: IndexedProblem, hostsBySite: ReadonlyMap<number, readonly number[]>, cache: Map<string, Int32Array>, r: VeRules): Int32Array {
  const key = r.fences.map((f) => `${[...f.sites].join(',')}|${[...f.countries].join(',')}`).join(';');
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const { hosts } = ix.problem;
  // Candidates: the hosts of the first fence's sites, plus every host when it names countries.
  const first = r.fences[0];
  const candidates = first.countries.size > 0 ? hosts.map((_, i) => i) : [...first.sites].flatMap((s) => hostsBySite.get(s) ?? []);
  const allowed = Int32Array.from(new Set(candidates.filter((i) => allowedByFences(r, hosts[i].site, hosts[i].country)))).sort();
  cache.set(key, allowed);
  return allowed;
}

/** Hosts r's fences and static policies allow, in index order (a scan: problems with policies only). */
function openHosts(ix: IndexedProblem, policy: PolicyModel, r: VeRules): Int32Array {
  const { hosts } = ix.problem;
  const out: number[] = [];
  hosts.forEach((h, i) => {
    if (allowedByFences(r, h.site, h.country) && policyAdmits(policy, r, i, h.site, h.country)) out.push(i);
  });
  return Int32Array.from(out);
}

/** The sites with a host r's fences allow, each with its number of such hosts, in first-seen order. */
function allowedSites(hosts: IndexedProblem['problem']['hosts'], hostsBySite: ReadonlyMap<number, readonly number[]>, r: VeRules): Map<number, number> {
  const out = new Map<number, number>();
  if (r.allowedHosts === null) for (const [site, list] of hostsBySite) out.set(site, list.length);
  else for (const h of r.allowedHosts) out.set(hosts[h].site, (out.get(hosts[h].site) ?? 0) + 1);
  return out;
}

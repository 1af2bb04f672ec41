/**
 * The checker of user policies (`policy.ts`) on a configuration where VM index v is on host
 * index `hostOf[v]` (-1: skipped, its fault is reported elsewhere), the problem's initial
 * assignment standing for where the VMs were before the plan (root and quarantine forbid moves).
 * Hard and soft violations come apart: a plan must break no hard one; soft ones are its cost.
 */
import { fenceAllows, fmt, type IndexedProblem } from './indexed.js';
import { isSoft, policyFault, policyLabel, trustIn, type Policy } from './policy.js';
import { gatherSpreadViolations } from './ve-violations.js';

export interface PolicyViolations {
  readonly hard: string[];
  readonly soft: string[];
}

export function policyViolations(ix: IndexedProblem, hostOf: Int32Array): PolicyViolations {
  const out: PolicyViolations = { hard: [], soft: [] };
  for (const p of ix.problem.policies ?? []) {
    if (policyFault(p) !== '') continue;
    (isSoft(p) ? out.soft : out.hard).push(...violationsOf(ix, hostOf, p));
  }
  return out;
}

/** The soft policies (by index in `problem.policies`) a configuration breaks. */
export function softPoliciesBroken(ix: IndexedProblem, hostOf: Int32Array): number {
  return (ix.problem.policies ?? []).filter((p) => isSoft(p) && policyFault(p) === '' && violationsOf(ix, hostOf, p).length > 0).length;
}

function violationsOf(ix: IndexedProblem, hostOf: Int32Array, p: Policy): string[] {
  const { hosts, vms } = ix.problem;
  const label = policyLabel(p);
  const out: string[] = [];
  const placed = (ve: number): number[] => (ix.members.get(ve) ?? []).filter((v) => hostOf[v] >= 0);
  const hostOfVm = (v: number) => hosts[hostOf[v]];
  const id = (v: number): number => vms[v].id;
  switch (p.kind) {
    case 'gather':
    case 'spread':
      gatherSpreadViolations(ix, hostOf, p.kind, p.scope, placed(p.ve), label, out);
      break;
    case 'ban':
      for (const v of placed(p.ve)) {
        const h = hostOfVm(v);
        if (fenceAllows(p, h.site, h.country)) out.push(`${label}: vm ${id(v)} on site ${h.site} (${h.country}), banned sites [${p.sites.join(',')}] countries [${p.countries.join(',')}]`);
      }
      break;
    case 'among': {
      const sites = [...new Set(placed(p.ve).map((v) => hostOfVm(v).site))];
      if (sites.length > 0 && !p.groups.some((g) => sites.every((s) => g.includes(s))))
        out.push(`${label}: vms on sites [${sites.join(',')}], within no one group of ${JSON.stringify(p.groups)}`);
      break;
    }
    case 'split': {
      // The first VM of the split's VEs seen at each place; any VM of another of its VEs there breaks it.
      const first = new Map<number, number>();
      const inSplit = new Set(p.ves);
      vms.forEach((vm, v) => {
        if (hostOf[v] < 0 || !inSplit.has(vm.ve)) return;
        const place = p.scope === 'host' ? hostOf[v] : hostOfVm(v).site;
        const other = first.get(place);
        if (other === undefined) first.set(place, v);
        else if (vms[other].ve !== vm.ve) out.push(`${label}: vms ${id(other)} (ve ${vms[other].ve}) and ${id(v)} (ve ${vm.ve}) both on ${p.scope} ${p.scope === 'host' ? hosts[hostOf[v]].id : hostOfVm(v).site}`);
      });
      break;
    }
    case 'lonely': {
      const memberOn = new Map<number, number>();
      for (const v of placed(p.ve)) if (!memberOn.has(hostOf[v])) memberOn.set(hostOf[v], v);
      vms.forEach((vm, v) => {
        const member = hostOf[v] >= 0 && vm.ve !== p.ve ? memberOn.get(hostOf[v]) : undefined;
        if (member !== undefined) out.push(`${label}: vm ${id(v)} (ve ${vm.ve}) on host ${hosts[hostOf[v]].id} with its vm ${id(member)}`);
      });
      break;
    }
    case 'quarantine':
      vms.forEach((_, v) => {
        const from = ix.initialHost[v];
        const to = hostOf[v];
        if (from < 0 || to < 0 || from === to) return;
        if (p.sites.includes(hosts[from].site) || p.sites.includes(hosts[to].site))
          out.push(`${label}: vm ${id(v)} moved from host ${hosts[from].id} (site ${hosts[from].site}) to host ${hosts[to].id} (site ${hosts[to].site})`);
      });
      break;
    case 'root':
      for (const v of placed(p.ve)) {
        const from = ix.initialHost[v];
        if (from >= 0 && hostOf[v] !== from) out.push(`${label}: vm ${id(v)} moved from host ${hosts[from].id} to host ${hostOfVm(v).id}`);
      }
      break;
    case 'maxPerHost': {
      const count = new Map<number, number>();
      for (const v of placed(p.ve)) count.set(hostOf[v], (count.get(hostOf[v]) ?? 0) + 1);
      for (const [h, n] of count) if (n > p.max) out.push(`${label}: ${n} vms on host ${hosts[h].id}`);
      break;
    }
    case 'isolate': {
      const placeOf = (v: number): number => (p.scope === 'host' ? hostOf[v] : hostOfVm(v).site);
      const ownAt = new Map<number, number>();
      vms.forEach((_, v) => {
        if (hostOf[v] >= 0 && ix.tenantOf[v] === p.tenant && !ownAt.has(placeOf(v))) ownAt.set(placeOf(v), v);
      });
      vms.forEach((_, v) => {
        const own = hostOf[v] >= 0 && ix.tenantOf[v] !== p.tenant ? ownAt.get(placeOf(v)) : undefined;
        if (own === undefined) return;
        const where = p.scope === 'host' ? `host ${hosts[hostOf[v]].id}` : `site ${placeOf(v)}`;
        out.push(`${label}: vm ${id(v)} of tenant ${ix.tenantOf[v]} on ${where} with its vm ${id(own)}`);
      });
      break;
    }
    case 'minTrust':
      for (const v of placed(p.ve)) {
        const op = hostOfVm(v).operator ?? -1;
        if (trustIn(p, op) < p.level) out.push(`${label}: vm ${id(v)} on host ${hostOfVm(v).id} of operator ${op}, trusted ${fmt(trustIn(p, op))}`);
      }
      break;
  }
  return out;
}

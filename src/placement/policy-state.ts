/**
 * What the planner's working configuration counts for hard policies, kept in step with every
 * move (`PlanState.apply`): VMs per host and per site, members per host (per site) of the VEs
 * that max-per-host, lonely and split rules name, VMs of lonely VEs per host, and VMs of the
 * isolated tenants per host and per site. `admits` says whether a unit may go on a host now.
 */
import { policyAdmits, type PolicyModel } from './policy-model.js';
import type { PlanModel } from './units.js';

type Counts = Map<number, Map<number, number>>;

const countOf = (c: Counts, key: number, at: number): number => c.get(key)?.get(at) ?? 0;

function bump(c: Counts, key: number, at: number, delta: number): void {
  const byPlace = c.get(key);
  if (byPlace !== undefined) byPlace.set(at, (byPlace.get(at) ?? 0) + delta);
}

export class PolicyCounts {
  private readonly vmsOnHost: Int32Array;
  private readonly vmsInSite = new Map<number, number>();
  private readonly lonelyOnHost: Int32Array;
  private readonly veOnHost: Counts = new Map();
  private readonly veInSite: Counts = new Map();
  private readonly tenantOnHost: Counts = new Map();
  private readonly tenantInSite: Counts = new Map();

  constructor(
    private readonly model: PlanModel,
    private readonly pm: PolicyModel,
  ) {
    const H = model.cores.length;
    this.vmsOnHost = new Int32Array(H);
    this.lonelyOnHost = new Int32Array(H);
    for (const ve of pm.hostCounted) this.veOnHost.set(ve, new Map());
    for (const ve of pm.siteCounted) this.veInSite.set(ve, new Map());
    for (const { tenant, scope } of pm.isolated) (scope === 'host' ? this.tenantOnHost : this.tenantInSite).set(tenant, new Map());
  }

  /** Adds (delta > 0) or takes away `delta` VMs of VE `ve` and tenant `tenant` on host h. */
  add(ve: number, tenant: number, h: number, delta: number): void {
    const site = this.model.site[h];
    this.vmsOnHost[h] += delta;
    this.vmsInSite.set(site, (this.vmsInSite.get(site) ?? 0) + delta);
    if (this.pm.lonelyVes.has(ve)) this.lonelyOnHost[h] += delta;
    bump(this.veOnHost, ve, h, delta);
    bump(this.veInSite, ve, site, delta);
    bump(this.tenantOnHost, tenant, h, delta);
    bump(this.tenantInSite, tenant, site, delta);
  }

  /** Whether unit u (of VE `ve`, tenant `tenant`) may go on host h given what is there now. */
  admits(u: number, ve: number, tenant: number, h: number): boolean {
    const m = this.model;
    const site = m.site[h];
    const r = m.unitRules[u];
    if (!policyAdmits(this.pm, r, h, site, m.country[h])) return false;
    const p = r?.policy ?? null;
    if (p !== null) {
      if (countOf(this.veOnHost, ve, h) + m.unitSize[u] > p.maxPerHost) return false;
      for (const split of p.splits) {
        for (const other of split.others) if ((split.scope === 'host' ? countOf(this.veOnHost, other, h) : countOf(this.veInSite, other, site)) > 0) return false;
      }
      if (p.lonely && this.vmsOnHost[h] !== countOf(this.veOnHost, ve, h)) return false;
    }
    if (p?.lonely !== true && this.lonelyOnHost[h] > 0) return false;
    for (const iso of this.pm.isolated) {
      const own = iso.scope === 'host' ? countOf(this.tenantOnHost, iso.tenant, h) : countOf(this.tenantInSite, iso.tenant, site);
      const all = iso.scope === 'host' ? this.vmsOnHost[h] : (this.vmsInSite.get(site) ?? 0);
      if (tenant === iso.tenant ? all !== own : own > 0) return false;
    }
    return true;
  }
}

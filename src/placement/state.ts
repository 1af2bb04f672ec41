/**
 * The planner's working configuration: the host of every unit (-1 while it waits to be
 * placed), host loads, VE members per host and per site for spread rules, the hosts indexed by
 * spare CPU, and a trail of changes so a failed try is undone exactly. Every host examined
 * counts one search step; passing the budget throws `StepsExhausted`. With hard policies, their
 * counts (`policy-state.ts`) follow every move too.
 */
import { PolicyCounts } from './policy-state.js';
import { SpareIndex } from './spare-index.js';
import { PLAN_TOLERANCE, type PlanModel, type VeRules } from './units.js';

/** Unit, from, to, then the loads (cpu, memory) of from and of to before the move; or -1 - ve, old site, new site, 0, 0, 0, 0. */
const TRAIL_ENTRY = 7;

/** Thrown when the search runs out of steps: the whole budget, or a local bound (`bounded`). */
export class StepsExhausted extends Error {
  constructor(
    readonly stepsMax: number,
    readonly local: boolean,
  ) {
    super(`search step budget of ${stepsMax} exhausted`);
  }
}

export type Destination = 'emptiest' | 'tightest';

export class PlanState {
  readonly hostOf: Int32Array;
  readonly cpuUsed: Float64Array;
  readonly memUsed: Float64Array;
  readonly spare: SpareIndex;
  steps = 0;
  private localMax = Infinity;
  private readonly trail: number[] = [];
  /** Assigned members of each spread VE per host index and per site. */
  private readonly hostCount = new Map<number, Map<number, number>>();
  private readonly siteCount = new Map<number, Map<number, number>>();
  private readonly targetSite = new Map<number, number>();
  private readonly policy: PolicyCounts | null;

  constructor(
    readonly model: PlanModel,
    readonly destination: Destination,
    readonly stepsMax: number,
  ) {
    const { ix, unitHome, pinnedCpu, pinnedMemMiB, unitCpu, unitMemMiB } = model;
    this.cpuUsed = Float64Array.from(pinnedCpu);
    this.memUsed = Float64Array.from(pinnedMemMiB);
    // Units that start apart (a broken gather) wait to be placed.
    this.hostOf = new Int32Array(model.unitCount);
    for (let u = 0; u < model.unitCount; u++) {
      const h = unitHome[u];
      this.hostOf[u] = h;
      if (h < 0) continue;
      this.cpuUsed[h] += unitCpu[u];
      this.memUsed[h] += unitMemMiB[u];
    }
    for (const r of model.rules.values()) {
      if (r.gatherSite) this.targetSite.set(r.ve, r.targetSite);
      if (r.spreadHost) this.hostCount.set(r.ve, new Map());
      if (r.spreadSite) this.siteCount.set(r.ve, new Map());
    }
    if (this.hostCount.size + this.siteCount.size > 0) {
      ix.problem.vms.forEach((vm, v) => {
        const u = model.unitOf[v];
        const h = u < 0 ? ix.initialHost[v] : this.hostOf[u];
        if (h >= 0) this.count(vm.ve, h, 1);
      });
    }
    this.policy = model.policy === null ? null : new PolicyCounts(model, model.policy);
    if (this.policy !== null) {
      ix.problem.vms.forEach((vm, v) => {
        const u = model.unitOf[v];
        const h = u < 0 ? ix.initialHost[v] : this.hostOf[u];
        if (h >= 0) this.policy?.add(vm.ve, ix.tenantOf[v], h, 1);
      });
    }
    const spare = new Float64Array(model.cores.length);
    for (let h = 0; h < spare.length; h++) spare[h] = model.cores[h] - this.cpuUsed[h];
    this.spare = new SpareIndex(spare);
  }

  step(): void {
    if (++this.steps > this.stepsMax) throw new StepsExhausted(this.stepsMax, false);
    if (this.steps > this.localMax) throw new StepsExhausted(this.localMax, true);
  }

  /** Runs `f` with at most `steps` more steps; false, with its changes undone, if it runs out. */
  bounded(steps: number, f: () => boolean): boolean {
    const outer = this.localMax;
    const mark = this.mark();
    this.localMax = Math.min(outer, this.steps + steps);
    try {
      return f();
    } catch (error) {
      // A local bound tighter than the enclosing one is this call's: anything else goes up.
      if (!(error instanceof StepsExhausted && error.local && this.localMax < outer)) throw error;
      this.undo(mark);
      return false;
    } finally {
      this.localMax = outer;
    }
  }

  mark(): number {
    return this.trail.length;
  }

  /** Moves unit u to host `to` (-1: back to the pool), recorded on the trail. */
  move(u: number, to: number): void {
    const from = this.hostOf[u];
    this.trail.push(u, from, to, from < 0 ? 0 : this.cpuUsed[from], from < 0 ? 0 : this.memUsed[from], to < 0 ? 0 : this.cpuUsed[to], to < 0 ? 0 : this.memUsed[to]);
    this.apply(u, to);
  }

  /** The site a gathered VE must end in. */
  targetOf(ve: number): number {
    return this.targetSite.get(ve) ?? -1;
  }

  /** Changes the site VE `ve` gathers in, recorded on the trail (as unit -1 - ve). */
  setTarget(ve: number, site: number): void {
    this.trail.push(-1 - ve, this.targetOf(ve), site, 0, 0, 0, 0);
    this.targetSite.set(ve, site);
  }

  /** Undoes the changes since `mark`, restoring loads exactly (no float drift from adding back). */
  undo(mark: number): void {
    const t = this.trail;
    while (t.length > mark) {
      const [u, from, to, cpuFrom, memFrom, cpuTo, memTo] = t.splice(t.length - TRAIL_ENTRY, TRAIL_ENTRY);
      if (u < 0) {
        this.targetSite.set(-1 - u, from);
        continue;
      }
      this.apply(u, from);
      if (to >= 0) this.setLoad(to, cpuTo, memTo);
      if (from >= 0) this.setLoad(from, cpuFrom, memFrom);
    }
  }

  /** Members of `ve` on host h (spread host rules only). */
  onHost(ve: number, h: number): number {
    return this.hostCount.get(ve)?.get(h) ?? 0;
  }

  inSite(ve: number, site: number): number {
    return this.siteCount.get(ve)?.get(site) ?? 0;
  }

  /**
   * Whether unit u may go on host h whatever the loads: forced host, target site, fences, and
   * spread unless `spreadHost` is false (members on h could be moved away).
   */
  allowed(u: number, h: number, spreadHost = true): boolean {
    this.step();
    const r = this.model.unitRules[u];
    if (r !== undefined && !this.allowedBy(r, h, spreadHost)) return false;
    return this.policy === null || this.admitsByPolicy(u, h);
  }

  private admitsByPolicy(u: number, h: number): boolean {
    const m = this.model;
    return this.policy === null || this.policy.admits(u, this.veOf(u), m.ix.tenantOf[m.unitVms[m.unitStart[u]]], h);
  }

  private veOf(u: number): number {
    const m = this.model;
    return m.ix.problem.vms[m.unitVms[m.unitStart[u]]].ve;
  }

  /** Whether unit u (in the pool) fits on host h now, constraints included. */
  fits(u: number, h: number): boolean {
    this.step();
    const m = this.model;
    if (this.cpuUsed[h] + m.unitCpu[u] > m.cores[h] + PLAN_TOLERANCE) return false;
    if (this.memUsed[h] + m.unitMemMiB[u] > m.memoryMiB[h] + PLAN_TOLERANCE) return false;
    const r = m.unitRules[u];
    if (r !== undefined && !this.allowedBy(r, h)) return false;
    return this.policy === null || this.admitsByPolicy(u, h);
  }

  /** Units of host h that may be taken off it: at home, and not tied to it by a pinned gather. */
  movableOn(h: number): number[] {
    const m = this.model;
    const out: number[] = [];
    for (let i = m.hostUnitStart[h]; i < m.hostUnitStart[h + 1]; i++) {
      const u = m.hostUnits[i];
      if (this.hostOf[u] === h && (m.unitRules[u]?.forcedHost ?? -1) < 0) out.push(u);
    }
    return out.sort((a, b) => m.unitCpu[b] - m.unitCpu[a] || m.unitMemMiB[a] - m.unitMemMiB[b] || a - b);
  }

  private allowedBy(r: VeRules, h: number, spreadHost = true): boolean {
    const m = this.model;
    if (r.forcedHost >= 0 && h !== r.forcedHost) return false;
    if (r.gatherSite && m.site[h] !== this.targetOf(r.ve)) return false;
    if (spreadHost && r.spreadHost && this.onHost(r.ve, h) > 0) return false;
    if (r.spreadSite && this.inSite(r.ve, m.site[h]) > 0) return false;
    for (const f of r.fences) if (!f.sites.has(m.site[h]) && !f.countries.has(m.country[h])) return false;
    return true;
  }

  private apply(u: number, to: number): void {
    const m = this.model;
    const from = this.hostOf[u];
    const ve = this.veOf(u);
    const tenant = this.policy === null ? -1 : m.ix.tenantOf[m.unitVms[m.unitStart[u]]];
    if (from >= 0) {
      this.cpuUsed[from] -= m.unitCpu[u];
      this.memUsed[from] -= m.unitMemMiB[u];
      this.count(ve, from, -m.unitSize[u]);
      this.policy?.add(ve, tenant, from, -m.unitSize[u]);
      this.spare.update(from, m.cores[from] - this.cpuUsed[from]);
    }
    this.hostOf[u] = to;
    if (to >= 0) {
      this.cpuUsed[to] += m.unitCpu[u];
      this.memUsed[to] += m.unitMemMiB[u];
      this.count(ve, to, m.unitSize[u]);
      this.policy?.add(ve, tenant, to, m.unitSize[u]);
      this.spare.update(to, m.cores[to] - this.cpuUsed[to]);
    }
  }

  private setLoad(h: number, cpu: number, mem: number): void {
    this.cpuUsed[h] = cpu;
    this.memUsed[h] = mem;
    this.spare.update(h, this.model.cores[h] - cpu);
  }

  private count(ve: number, h: number, delta: number): void {
    const byHost = this.hostCount.get(ve);
    if (byHost !== undefined) byHost.set(h, (byHost.get(h) ?? 0) + delta);
    const bySite = this.siteCount.get(ve);
    const site = this.model.site[h];
    if (bySite !== undefined) bySite.set(site, (bySite.get(site) ?? 0) + delta);
  }
}

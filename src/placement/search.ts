/**
 * The planner's moves on a `PlanState`: relieving an overloaded host by its cheapest eviction
 * set whose units all find room, placing a unit on the emptiest (or tightest) host that takes
 * it, and, when none does, bumping the cheapest eviction set off one of a few candidate hosts,
 * the bumped units placed in turn. Every try that fails is undone on the state's trail.
 */
import { evictionSets, type EvictionCandidates } from './evictions.js';
import { fmt } from './indexed.js';
import type { PlanState } from './state.js';
import { PLAN_TOLERANCE, type PlanModel } from './units.js';

/** Levels of bumping: a unit may displace others, which may displace others once more. */
export const BUMP_DEPTH = 2;
/** Hosts examined as bump candidates for one unit, and bump options tried. */
const BUMP_SCAN_MAX = 16;
const BUMP_TRIES = 6;
const BUMP_SETS_PER_HOST = 3;
/** Steps one host's relief, one repair decision or one unit's repair may take. */
export const LOCAL_STEPS_MAX = 10000;
/** Search nodes per host and per number of VMs when enumerating eviction sets. */
const EVICTION_NODES_MAX = 5_000;

export class Search {
  readonly m: PlanModel;
  /** Whether a unit was taken off for breaking a constraint. */
  repaired = false;

  constructor(readonly s: PlanState) {
    this.m = s.model;
  }

  overloaded(h: number): boolean {
    return this.excessCpu(h) > PLAN_TOLERANCE || this.excessMem(h) > PLAN_TOLERANCE;
  }

  excessCpu(h: number): number {
    return this.s.cpuUsed[h] - this.m.cores[h];
  }

  excessMem(h: number): number {
    return this.s.memUsed[h] - this.m.memoryMiB[h];
  }

  /** Relieves every overloaded host, most overloaded first: '' or why not. */
  relieveAll(): string {
    const { s, m } = this;
    const over: number[] = [];
    for (let h = 0; h < m.cores.length; h++) if (this.overloaded(h)) over.push(h);
    over.sort((a, b) => this.excessCpu(b) - this.excessCpu(a) || this.excessMem(b) - this.excessMem(a) || a - b);
    for (const h of over) {
      // Bumps made while relieving an earlier host may have relieved this one.
      if (!this.overloaded(h) || s.bounded(LOCAL_STEPS_MAX, () => this.relieve(h))) continue;
      const excess = `${fmt(Math.max(0, this.excessCpu(h)))} cores, ${fmt(Math.max(0, this.excessMem(h)))} MiB over`;
      return `host ${m.ix.problem.hosts[h].id}: no set of its movable vms can be moved off (${excess}; ${s.destination} destinations)`;
    }
    return '';
  }

  /** Moves a minimal set of host h's units elsewhere so that h is within capacity. */
  relieve(h: number): boolean {
    const s = this.s;
    const movable = s.movableOn(h);
    const cands = this.candidates(movable);
    const total = cands.size.reduce((a, b) => a + b, 0);
    // Every attempt starts from the same state, so a unit that no other host takes alone rules out
    // every direct set holding it (tested with all of h's movable units off, as a set may take a
    // spread VE's members off together).
    let alone: Set<number> | undefined;
    const fitsAlone = (u: number): boolean => {
      if (alone === undefined) {
        const mark = s.mark();
        for (const x of movable) s.move(x, -1);
        alone = new Set(movable.filter((x) => this.findHost(x, h) >= 0));
        s.undo(mark);
      }
      return alone.has(u);
    };
    const attempt = (vmCount: number, depth: number): boolean => {
      for (const set of evictionSets(cands, this.excessCpu(h), this.excessMem(h), [vmCount, vmCount], PLAN_TOLERANCE, EVICTION_NODES_MAX, () => s.step())) {
        const units = set.map((i) => movable[i]);
        if (depth === 0 && !units.every(fitsAlone)) continue;
        const mark = s.mark();
        for (const u of units) s.move(u, -1);
        if (units.every((u) => this.place(u, h, depth))) return true;
        s.undo(mark);
      }
      return false;
    };
    // A set of c VMs placed directly moves c VMs; one needing a bump moves at least one more.
    for (let c = 1; c <= total + 1; c++) {
      if (c <= total && attempt(c, 0)) return true;
      if (c >= 2 && attempt(c - 1, BUMP_DEPTH)) return true;
    }
    return false;
  }

  /**
   * Tries alternatives in order, all placing directly first, then all with bumps. Each
   * alternative takes units off (and may change a target site) and returns the units to place.
   */
  decide(alternatives: readonly (() => number[])[]): boolean {
    const s = this.s;
    return s.bounded(LOCAL_STEPS_MAX, () => {
      for (const depth of [0, BUMP_DEPTH]) {
        for (const take of alternatives) {
          const mark = s.mark();
          if (this.byPlacementOrder(take()).every((u) => this.place(u, -1, depth))) return true;
          s.undo(mark);
        }
      }
      return false;
    });
  }

  /** Most constrained first (forced host, gather site, fences), then most CPU, most memory. */
  byPlacementOrder(units: number[]): number[] {
    const m = this.m;
    const rank = (u: number): number => {
      const r = m.unitRules[u];
      return r === undefined ? 3 : r.forcedHost >= 0 ? 0 : r.gatherSite ? 1 : r.fences.length > 0 ? 2 : 3;
    };
    return units.sort((a, b) => rank(a) - rank(b) || m.unitCpu[b] - m.unitCpu[a] || m.unitMemMiB[b] - m.unitMemMiB[a] || a - b);
  }

  /** Places pooled unit u on a host other than `forbidden`, bumping others up to `depth` levels. */
  place(u: number, forbidden: number, depth: number): boolean {
    const h = this.findHost(u, forbidden);
    if (h >= 0) {
      this.s.move(u, h);
      return true;
    }
    return depth > 0 && this.bump(u, forbidden, depth);
  }

  private findHost(u: number, forbidden: number): number {
    const { s, m } = this;
    const fits = (h: number): boolean => h !== forbidden && s.fits(u, h);
    const member = this.memberHosts(u).find(fits);
    if (member !== undefined) return member;
    const list = this.restrictedHosts(u);
    if (list !== null) {
      const min = m.unitCpu[u] - PLAN_TOLERANCE;
      const sign = s.destination === 'emptiest' ? 1 : -1;
      const spare = (h: number): number => s.spare.spareOf(h);
      return list.filter((h) => spare(h) >= min).sort((a, b) => sign * (spare(b) - spare(a)) || a - b).find(fits) ?? -1;
    }
    const n = s.spare.countAtLeast(m.unitCpu[u] - PLAN_TOLERANCE);
    if (s.destination === 'emptiest') {
      for (let i = 0; i < n; i++) if (fits(s.spare.at(i))) return s.spare.at(i);
    } else {
      for (let i = n - 1; i >= 0; i--) if (fits(s.spare.at(i))) return s.spare.at(i);
    }
    return -1;
  }

  /** The few hosts u may go to (forced host, gather site, a narrow fence), or null for any. */
  private restrictedHosts(u: number): readonly number[] | null {
    const { s, m } = this;
    const r = m.unitRules[u];
    if (r === undefined) return null;
    if (r.forcedHost >= 0) return [r.forcedHost];
    if (r.gatherSite) return m.hostsBySite.get(s.targetOf(r.ve)) ?? [];
    if (r.allowedHosts !== null && r.allowedHosts.length * 4 <= m.cores.length) return Array.from(r.allowedHosts);
    return null;
  }

  /** For a gather broken at the start: the hosts its VMs are on, fewest moves (then memory moved) first. */
  private memberHosts(u: number): number[] {
    const m = this.m;
    if (m.unitHome[u] !== -1) return [];
    const score = new Map<number, [number, number]>();
    for (let i = m.unitStart[u]; i < m.unitStart[u + 1]; i++) {
      const v = m.unitVms[i];
      const h = m.ix.initialHost[v];
      const [n, mem] = score.get(h) ?? [0, 0];
      score.set(h, [n + 1, mem + m.ix.problem.vms[v].memoryMiB]);
    }
    return [...score.keys()].sort((a, b) => score.get(b)![0] - score.get(a)![0] || score.get(b)![1] - score.get(a)![1] || a - b);
  }

  /**
   * Makes room for u on one of a few hosts by moving that host's cheapest eviction sets (with
   * the members of u's spread VE on it) elsewhere.
   */
  private bump(u: number, forbidden: number, depth: number): boolean {
    const { s, m } = this;
    const r = m.unitRules[u];
    const options: { h: number; units: number[]; vms: number; memMiB: number; rank: number }[] = [];
    const seen = new Set<number>();
    const consider = (h: number): boolean => {
      if (h === forbidden || seen.has(h) || !s.allowed(u, h, false)) return false;
      seen.add(h);
      const movable = s.movableOn(h);
      const sameVe = r?.spreadHost === true ? movable.filter((x) => m.unitRules[x] === r) : [];
      if (sameVe.length < (r?.spreadHost === true ? s.onHost(r.ve, h) : 0)) return true; // a pinned member is there
      const rest = movable.filter((x) => !sameVe.includes(x));
      const cands = this.candidates(rest);
      const freed = (xs: readonly number[], f: ArrayLike<number>): number => xs.reduce((a, x) => a + f[x], 0);
      const cpuNeed = s.cpuUsed[h] + m.unitCpu[u] - m.cores[h] - freed(sameVe, m.unitCpu);
      const memNeed = s.memUsed[h] + m.unitMemMiB[u] - m.memoryMiB[h] - freed(sameVe, m.unitMemMiB);
      const counts: [number, number] = [sameVe.length > 0 ? 0 : 1, 2];
      for (const set of evictionSets(cands, cpuNeed, memNeed, counts, PLAN_TOLERANCE, EVICTION_NODES_MAX, () => s.step(), BUMP_SETS_PER_HOST)) {
        const units = [...sameVe, ...set.map((i) => rest[i])];
        options.push({ h, units, vms: freed(units, m.unitSize), memMiB: freed(units, m.unitMemMiB), rank: options.length });
      }
      return true;
    };
    let scanned = 0;
    const list = this.restrictedHosts(u);
    const first = [...this.memberHosts(u), ...(list ?? [])].sort((a, b) => s.spare.spareOf(b) - s.spare.spareOf(a) || a - b);
    for (const h of first) if (scanned < BUMP_SCAN_MAX && consider(h)) scanned++;
    if (list === null) for (let i = 0; i < s.spare.size && scanned < BUMP_SCAN_MAX; i++) if (consider(s.spare.at(i))) scanned++;

    options.sort((a, b) => a.vms - b.vms || a.memMiB - b.memMiB || a.rank - b.rank);
    const tries = options.slice(0, BUMP_TRIES);
    // Iterative deepening: every option with the bumped units placed directly before any deeper chain.
    for (let d = 0; d < depth; d++) {
      for (const option of tries) {
        const mark = s.mark();
        for (const x of option.units) s.move(x, -1);
        if (s.fits(u, option.h)) {
          s.move(u, option.h);
          if (option.units.every((x) => this.place(x, option.h, d))) return true;
        }
        s.undo(mark);
      }
    }
    return false;
  }

  private candidates(units: readonly number[]): EvictionCandidates {
    const m = this.m;
    return { cpu: units.map((x) => m.unitCpu[x]), memMiB: units.map((x) => m.unitMemMiB[x]), size: units.map((x) => m.unitSize[x]) };
  }

  /** A unit for messages: its VMs, VE, CPU and memory. */
  describe(u: number): string {
    const m = this.m;
    const vms = Array.from(m.unitVms.subarray(m.unitStart[u], m.unitStart[u + 1]), (v) => m.ix.problem.vms[v]);
    const what = vms.length === 1 ? `vm ${vms[0].id}` : `vms [${vms.map((vm) => vm.id).join(',')}]`;
    const ve = vms[0].ve >= 0 ? ` (ve ${vms[0].ve})` : '';
    return `${what}${ve}, ${fmt(m.unitCpu[u])} cores and ${fmt(m.unitMemMiB[u])} MiB`;
  }
}

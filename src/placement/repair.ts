/**
 * Repairing the VE constraints a problem breaks at the start. Units that may not stay where
 * they are (a gather apart, off its pinned member's host, outside its fence or gather site) must
 * move; where there is a choice, it is a decision tried alternative by alternative: the site a
 * broken gather ends in (fewest members to move first), and which member of a spread VE stays
 * on a shared host or site (the pinned one; else one on a host not overloaded, then the largest
 * in memory, since moving a member off an overloaded host relieves it too). Then, with hard
 * policies, every unit a policy forbids where it is (checked with the unit taken off, in unit
 * order, so the first of two units in conflict stays) is taken off and placed.
 */
import { allowedByFences } from './units.js';
import { BUMP_DEPTH, LOCAL_STEPS_MAX, type Search } from './search.js';

const SITE_CHOICES_MAX = 6;
const KEEPER_CHOICES_MAX = 4;

/** Units of VE `ve`, in member order. */
function unitsOf(search: Search, ve: number): number[] {
  const m = search.m;
  const out = new Set<number>();
  for (const v of m.ix.members.get(ve) ?? []) if (m.unitOf[v] >= 0) out.add(m.unitOf[v]);
  return [...out];
}

function hostOfVm(search: Search, v: number): number {
  const u = search.m.unitOf[v];
  return u < 0 ? search.m.ix.initialHost[v] : search.s.hostOf[u];
}

/** Whether unit u may not stay where it is: waiting, off its forced host, outside its gather site or fence. */
function misplaced(search: Search, u: number): boolean {
  const { s, m } = search;
  const h = s.hostOf[u];
  if (h < 0) return true;
  const r = m.unitRules[u];
  if (r === undefined) return false;
  return (r.forcedHost >= 0 && h !== r.forcedHost) || (r.gatherSite && m.site[h] !== s.targetOf(r.ve)) || !allowedByFences(r, m.site[h], m.country[h]);
}

function take(search: Search, units: readonly number[]): number[] {
  if (units.length > 0) search.repaired = true;
  for (const u of units) if (search.s.hostOf[u] >= 0) search.s.move(u, -1);
  return [...units];
}

/** Members of a spread VE sharing a host (or a site), in groups of two or more. */
function spreadGroups(search: Search, ve: number, scope: 'host' | 'site'): number[][] {
  const at = new Map<number, number[]>();
  for (const v of search.m.ix.members.get(ve) ?? []) {
    const h = hostOfVm(search, v);
    if (h < 0) continue;
    const place = scope === 'host' ? h : search.m.site[h];
    const list = at.get(place);
    if (list === undefined) at.set(place, [v]);
    else list.push(v);
  }
  return [...at.values()].filter((g) => g.length >= 2);
}

/** The members that may stay in a spread group, best first. */
function keepers(search: Search, group: readonly number[]): number[] {
  const { vms } = search.m.ix.problem;
  const pinned = group.filter((v) => search.m.ix.fixed[v] === 1);
  if (pinned.length > 0) return pinned.slice(0, 1);
  const free = (v: number): number => (search.overloaded(hostOfVm(search, v)) ? 0 : 1);
  return [...group].sort((a, b) => free(b) - free(a) || vms[b].memoryMiB - vms[a].memoryMiB).slice(0, KEEPER_CHOICES_MAX);
}

/** Repairs every broken constraint, deciding gather sites, then misplaced units, then spread conflicts: '' or why not. */
export function repairConstraints(search: Search): string {
  const { s, m } = search;
  for (const r of m.rules.values()) {
    if (!r.gatherSite) continue;
    const broken = (m.ix.members.get(r.ve) ?? []).some((v) => hostOfVm(search, v) < 0 || m.site[hostOfVm(search, v)] !== s.targetOf(r.ve));
    if (!broken) continue;
    const choices = r.siteChoices.slice(0, SITE_CHOICES_MAX);
    const alternatives = choices.map((site) => () => {
      s.setTarget(r.ve, site);
      return take(search, unitsOf(search, r.ve).filter((u) => misplaced(search, u)));
    });
    if (!search.decide(alternatives)) return `ve ${r.ve} (gather site): no site among [${choices.join(',')}] can take its vms (${s.destination} destinations)`;
  }
  const pool: number[] = [];
  for (let u = 0; u < m.unitCount; u++) if (misplaced(search, u)) pool.push(u);
  for (const u of search.byPlacementOrder(take(search, pool))) {
    if (!s.bounded(LOCAL_STEPS_MAX, () => search.place(u, -1, BUMP_DEPTH))) return `${search.describe(u)}: no host can take it within its constraints (${s.destination} destinations)`;
  }
  for (const r of m.rules.values()) {
    for (const scope of ['host', 'site'] as const) {
      if (!(scope === 'host' ? r.spreadHost : r.spreadSite)) continue;
      for (const group of spreadGroups(search, r.ve, scope)) {
        const alternatives = keepers(search, group).map((keep) => () => take(search, group.filter((v) => v !== keep).map((v) => m.unitOf[v])));
        if (!search.decide(alternatives)) return `ve ${r.ve} (spread ${scope}): no way to spread its vms (${s.destination} destinations)`;
      }
    }
  }
  for (const u of search.byPlacementOrder(takePolicyBreakers(search))) {
    if (!s.bounded(LOCAL_STEPS_MAX, () => search.place(u, -1, BUMP_DEPTH))) return `${search.describe(u)}: no host can take it within its policies (${s.destination} destinations)`;
  }
  return '';
}

/** Takes off, in unit order, every placed unit that a hard policy forbids where it is, and returns them. */
function takePolicyBreakers(search: Search): number[] {
  const { s, m } = search;
  if (m.policy === null) return [];
  const pool: number[] = [];
  for (let u = 0; u < m.unitCount; u++) {
    const h = s.hostOf[u];
    if (h < 0) continue;
    const mark = s.mark();
    s.move(u, -1);
    if (s.allowed(u, h)) s.undo(mark);
    else pool.push(u);
  }
  if (pool.length > 0) search.repaired = true;
  return pool;
}

/**
 * Takes off every unit that breaks a constraint, with the first choices (target site, keeper),
 * and returns them, to be placed after the overloads are relieved.
 */
export function takeBroken(search: Search): number[] {
  const { s, m } = search;
  const pool: number[] = [];
  for (let u = 0; u < m.unitCount; u++) if (misplaced(search, u)) pool.push(u);
  take(search, pool);
  for (const r of m.rules.values()) {
    for (const scope of ['host', 'site'] as const) {
      if (!(scope === 'host' ? r.spreadHost : r.spreadSite)) continue;
      for (const group of spreadGroups(search, r.ve, scope)) {
        const keep = keepers(search, group)[0];
        pool.push(...take(search, group.filter((v) => v !== keep).map((v) => m.unitOf[v])));
      }
    }
  }
  pool.push(...takePolicyBreakers(search));
  return pool.filter((u) => s.hostOf[u] < 0);
}

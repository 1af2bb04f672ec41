/**
 * The placement planner, in the role Entropy plays: from hosts, VMs and VE constraints, a
 * viable configuration (every host within CPU and memory, every constraint held) reached by few
 * migrations: first fewest moves, then least memory moved. The moves are applied all at once;
 * only the final configuration must be viable. Pure and deterministic; its work is bounded by
 * `searchStepsMax` (a step is one host or one eviction-set node examined).
 *
 * 1. A viable problem returns no move. Total demand over total capacity, constraints pinned VMs
 *    break, gather with spread on one VE, or pinned load over a host fail at once.
 * 2. Repair (`repair.ts`): units breaking a constraint are taken off and placed, choosing the
 *    site of a broken gather and the member of a spread VE that stays, alternative by
 *    alternative.
 * 3. Overloads, most overloaded host first: the host's minimal eviction sets in order of VMs
 *    moved, then memory moved; a set is kept if all its units find a host with room (emptiest
 *    first, hosts indexed by spare CPU, so a large problem costs ~O(moves log H)).
 * 4. When no direct placement exists, a unit may bump the cheapest eviction set off one of a few
 *    candidate hosts, the bumped units being placed in turn (depth 2); a set needing a bump is
 *    tried after the direct sets of one VM more.
 * Attempts: repair then relieve, and (when constraints were broken) relieve then repair, both
 * on the emptiest hosts; the better plan wins (fewer moves, then less memory). If both fail,
 * the same on the tightest hosts that fit. The plan is not proven optimal. When the budget runs
 * out, the best plan found so far is returned, else ok: false.
 *
 * Hard policies (`policy.ts`) bind every step as the constraints do. Soft ones are kept when
 * possible: a first search takes them as hard, on half the budget; if it finds no plan, a second
 * drops them, and the plan says how many soft policies its configuration breaks (`softDropped`).
 */
import { configurationViolations, placementViolations } from './check.js';
import { CAPACITY_TOLERANCE, fmt, indexProblem, type IndexedProblem } from './indexed.js';
import { isSoft, type Policy } from './policy.js';
import type { Move, PlacementProblem, VeConstraint } from './problem.js';
import { repairConstraints, takeBroken } from './repair.js';
import { BUMP_DEPTH, LOCAL_STEPS_MAX, Search } from './search.js';
import { PlanState, StepsExhausted } from './state.js';
import { buildModel, type PlanModel } from './units.js';

export interface PlanOptions {
  /** Bound on the search, in steps (hosts and eviction-set nodes examined). */
  readonly searchStepsMax?: number;
}

export interface PlacementPlan {
  readonly ok: boolean;
  /** Moves of the plan, in VM input order (none when not ok). */
  readonly moves: readonly Move[];
  readonly reason: string;
  readonly searchSteps: number;
  /**
   * With soft policies only: how many of them the configuration after the moves breaks (0 when
   * the first search, holding them all, found the plan).
   */
  readonly softDropped?: number;
}

/**
 * Default search budget, a step being one host or one eviction-set node examined: ample for
 * thousands of overloaded hosts (relieving one host of the 8,192-host case takes ~60 steps),
 * about a quarter of a second. A hopeless problem gives up long before: each host relieved, each
 * repair decision and each unit repaired may take at most `LOCAL_STEPS_MAX` (10,000) steps.
 */
export const DEFAULT_SEARCH_STEPS_MAX = 1_000_000;

export function planPlacement(problem: PlacementProblem, options: PlanOptions = {}): PlacementPlan {
  const stepsMax = options.searchStepsMax ?? DEFAULT_SEARCH_STEPS_MAX;
  if (!(Number.isInteger(stepsMax) && stepsMax >= 0)) throw new RangeError(`PlanOptions.searchStepsMax: expected an integer >= 0, got ${stepsMax}`);
  const ix = indexProblem(problem);
  if (ix.faults.length > 0) throw new RangeError(`planPlacement: malformed problem: ${ix.faults.slice(0, 3).join('; ')}`);
  const soft = (problem.policies ?? []).filter(isSoft);
  if (soft.length === 0) return planHard(ix, stepsMax);
  const strict = planHard(indexProblem(withSoft(problem, 'as-hard')), Math.floor(stepsMax / 2));
  if (strict.ok) return { ...strict, softDropped: 0 };
  const relaxed = planHard(indexProblem(withSoft(problem, 'dropped')), stepsMax - strict.searchSteps);
  const softDropped = placementViolations(problem, relaxed.moves).softBroken;
  const reason = relaxed.ok ? `${relaxed.reason}, ${softDropped} of ${soft.length} soft policies dropped` : relaxed.reason;
  return { ...relaxed, reason, searchSteps: strict.searchSteps + relaxed.searchSteps, softDropped };
}

/** The problem with its soft policies made hard (soft gather and spread as VE constraints), or without them. */
function withSoft(problem: PlacementProblem, how: 'as-hard' | 'dropped'): PlacementProblem {
  const policies = problem.policies ?? [];
  const hard = policies.filter((p) => !isSoft(p));
  if (how === 'dropped') return { ...problem, policies: hard };
  const asConstraints: VeConstraint[] = [];
  const asHard: Policy[] = [...hard];
  for (const p of policies) {
    if (!isSoft(p)) continue;
    if (p.kind === 'gather' || p.kind === 'spread') asConstraints.push({ kind: p.kind, ve: p.ve, scope: p.scope });
    else asHard.push({ ...p, soft: false } as Policy);
  }
  return { ...problem, constraints: [...problem.constraints, ...asConstraints], policies: asHard };
}

/** The planner on the indexed problem's constraints and hard policies (soft ones already settled). */
function planHard(ix: IndexedProblem, stepsMax: number): PlacementPlan {
  const { problem } = ix;
  if (configurationViolations(ix, ix.initialHost, 1).length === 0) return { ok: true, moves: [], reason: 'already viable', searchSteps: 0 };
  const fail = (reason: string, searchSteps: number): PlacementPlan => ({ ok: false, moves: [], reason, searchSteps });

  const slack = CAPACITY_TOLERANCE * problem.hosts.length;
  const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);
  const [cpu, cores] = [sum(problem.vms, (v) => v.cpuDemand), sum(problem.hosts, (h) => h.cores)];
  if (cpu > cores + slack) return fail(`total cpu demand ${fmt(cpu)} cores > capacity ${fmt(cores)} cores`, 0);
  const [mem, memCap] = [sum(problem.vms, (v) => v.memoryMiB), sum(problem.hosts, (h) => h.memoryMiB)];
  if (mem > memCap + slack) return fail(`total memory ${fmt(mem)} MiB > capacity ${fmt(memCap)} MiB`, 0);
  const model = buildModel(ix);
  if (typeof model === 'string') return fail(model, 0);

  let steps = 0;
  let best: PlacementPlan | undefined;
  let firstReason = '';
  for (const destination of ['emptiest', 'tightest'] as const) {
    for (const order of ['repair-first', 'relieve-first'] as const) {
      const state = new PlanState(model, destination, stepsMax - steps);
      const search = new Search(state);
      let reason: string;
      try {
        reason = order === 'repair-first' ? repairThenRelieve(search) : relieveThenRepair(search);
      } catch (error) {
        if (!(error instanceof StepsExhausted)) throw error;
        return best ?? fail(`search step budget of ${stepsMax} exhausted (${destination} destinations)`, stepsMax);
      }
      steps += state.steps;
      if (reason === '') {
        const plan = finish(model, state, steps);
        if (best === undefined || plan.moves.length < best.moves.length || (plan.moves.length === best.moves.length && memMoved(problem, plan) < memMoved(problem, best))) best = plan;
      } else if (firstReason === '') firstReason = reason;
      // Relieving first differs only when constraints were broken.
      if (!search.repaired) break;
    }
    if (best !== undefined) return { ...best, searchSteps: steps };
  }
  return fail(firstReason, steps);
}

function repairThenRelieve(search: Search): string {
  return repairConstraints(search) || search.relieveAll();
}

function relieveThenRepair(search: Search): string {
  const pool = takeBroken(search);
  const reason = search.relieveAll();
  if (reason !== '') return reason;
  for (const u of search.byPlacementOrder(pool)) {
    if (!search.s.bounded(LOCAL_STEPS_MAX, () => search.place(u, -1, BUMP_DEPTH))) return `${search.describe(u)}: no host can take it within its constraints (${search.s.destination} destinations)`;
  }
  return '';
}

function memMoved(problem: PlacementProblem, plan: PlacementPlan): number {
  const mem = new Map(problem.vms.map((v) => [v.id, v.memoryMiB]));
  return plan.moves.reduce((a, m) => a + (mem.get(m.vm) ?? 0), 0);
}

function finish(model: PlanModel, state: PlanState, steps: number): PlacementPlan {
  const { ix, unitOf } = model;
  const { vms, hosts } = ix.problem;
  const finalHost = new Int32Array(vms.length);
  for (let v = 0; v < vms.length; v++) finalHost[v] = unitOf[v] < 0 ? ix.initialHost[v] : state.hostOf[unitOf[v]];
  const broken = configurationViolations(ix, finalHost, 3);
  if (broken.length > 0) throw new Error(`planPlacement: internal error, the plan is not viable: ${broken.join('; ')}`);
  const moves: Move[] = [];
  let memMoved = 0;
  for (let v = 0; v < vms.length; v++) {
    if (finalHost[v] === ix.initialHost[v]) continue;
    moves.push({ vm: vms[v].id, from: vms[v].host, to: hosts[finalHost[v]].id });
    memMoved += vms[v].memoryMiB;
  }
  return { ok: true, moves, reason: `viable after ${moves.length} moves (${fmt(memMoved)} MiB moved)`, searchSteps: steps };
}

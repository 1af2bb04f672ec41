/**
 * A deterministic model of the planner's computing time, standing for Entropy's constraint
 * solver. VMPlaceS charged the solver's measured wall time, which no two runs reproduce; here
 * the time is a function of the problem's size only:
 *
 *   planningTimeMs = min(timeLimitMs, baseMs + perVmMs * vms + perVmHostUs * vms * hosts / 1000)
 *
 * When the modelled time reaches the limit, the plan is still returned (Entropy returns the best
 * solution found within its time limit) and the limit is what the caller charges. The default
 * limit, 30 s, is the upper bound of VMPlaceS's min(30 s, nodes / 8 s) (`vmplacesTimeLimitMs`);
 * DVMS2 uses 2 s; callers may pass their own model.
 */

export interface PlanningCostModel {
  /** Fixed cost of one planning call (model building, solver start), ms. */
  readonly baseMs: number;
  /** Cost per VM in the problem, ms. */
  readonly perVmMs: number;
  /** Cost per (VM, host) pair, microseconds. */
  readonly perVmHostUs: number;
  /** The solver's time limit, ms: the modelled time never exceeds it. */
  readonly timeLimitMs: number;
}

export const DEFAULT_PLANNING_COST: PlanningCostModel = { baseMs: 100, perVmMs: 1, perVmHostUs: 0.5, timeLimitMs: 30_000 };

/** DVMS2's solver time limit, ms. */
export const DVMS_TIME_LIMIT_MS = 2_000;

const FIELDS = ['baseMs', 'perVmMs', 'perVmHostUs', 'timeLimitMs'] as const;

/** Throws a RangeError naming the first field that is not a finite number >= 0. */
export function validatePlanningCost(model: PlanningCostModel): void {
  for (const field of FIELDS) {
    const x = model[field];
    if (!(typeof x === 'number' && Number.isFinite(x) && x >= 0)) throw new RangeError(`PlanningCostModel.${field}: expected a finite number >= 0, got ${x}`);
  }
}

/** Modelled computing time, ms, of planning `vms` VMs on `hosts` hosts. */
export function planningTimeMs(model: PlanningCostModel, hosts: number, vms: number): number {
  validatePlanningCost(model);
  if (!(Number.isFinite(hosts) && hosts >= 0)) throw new RangeError(`planningTimeMs: hosts must be a finite number >= 0, got ${hosts}`);
  if (!(Number.isFinite(vms) && vms >= 0)) throw new RangeError(`planningTimeMs: vms must be a finite number >= 0, got ${vms}`);
  return Math.min(model.timeLimitMs, model.baseMs + model.perVmMs * vms + (model.perVmHostUs * vms * hosts) / 1000);
}

/** VMPlaceS's limit on Entropy's computing time: min(30 s, hosts / 8 s), in ms. */
export function vmplacesTimeLimitMs(hosts: number): number {
  if (!(Number.isFinite(hosts) && hosts >= 0)) throw new RangeError(`vmplacesTimeLimitMs: hosts must be a finite number >= 0, got ${hosts}`);
  return Math.min(30_000, (hosts / 8) * 1000);
}

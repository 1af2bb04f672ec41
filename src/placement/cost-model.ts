/**
 * A deterministic model of the planner's computing time, standing for Entropy's constraint
 * solver. VMPlaceS charged the solver's measured wall time, which no two runs reproduce; here
 * the time is a function of the problem's size only:
 *
 *   planningTimeMs = min(timeLimitMs, baseMs + perVmMs * vms + perVmHostUs * vms * hosts / 1000
 *                                  + perPolicyVmHostUs * policyVms * hosts / 1000)
 *
 * where policyVms counts, over the problem's user policies (`policy.ts`), the VMs each one binds
 * (`policyVmCount`): a solver checks every such VM against every host, so enforcing policies
 * shows as planning time; a problem without policies costs what it always did.
 *
 * When the modelled time reaches the limit, the plan is still returned (Entropy returns the best
 * solution found within its time limit) and the limit is what the caller charges. The default
 * limit, 30 s, is the upper bound of VMPlaceS's min(30 s, nodes / 8 s) (`vmplacesTimeLimitMs`);
 * DVMS2 uses 2 s; callers may pass their own model.
 */
import type { PlacementProblem } from './problem.js';

export interface PlanningCostModel {
  /** Fixed cost of one planning call (model building, solver start), ms. */
  readonly baseMs: number;
  /** Cost per VM in the problem, ms. */
  readonly perVmMs: number;
  /** Cost per (VM, host) pair, microseconds. */
  readonly perVmHostUs: number;
  /** The solver's time limit, ms: the modelled time never exceeds it. */
  readonly timeLimitMs: number;
  /** Cost per (VM a policy binds, host), microseconds; `DEFAULT_PER_POLICY_VM_HOST_US` when absent. */
  readonly perPolicyVmHostUs?: number;
}

/** Checking one VM against one host for a policy costs what placing it does (`perVmHostUs`). */
export const DEFAULT_PER_POLICY_VM_HOST_US = 0.5;

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
  const x = model.perPolicyVmHostUs;
  if (x !== undefined && !(typeof x === 'number' && Number.isFinite(x) && x >= 0)) throw new RangeError(`PlanningCostModel.perPolicyVmHostUs: expected a finite number >= 0, got ${x}`);
}

/** Modelled computing time, ms, of planning `vms` VMs on `hosts` hosts, `policyVms` of them bound by policies (counted once per policy). */
export function planningTimeMs(model: PlanningCostModel, hosts: number, vms: number, policyVms = 0): number {
  validatePlanningCost(model);
  if (!(Number.isFinite(hosts) && hosts >= 0)) throw new RangeError(`planningTimeMs: hosts must be a finite number >= 0, got ${hosts}`);
  if (!(Number.isFinite(vms) && vms >= 0)) throw new RangeError(`planningTimeMs: vms must be a finite number >= 0, got ${vms}`);
  if (!(Number.isFinite(policyVms) && policyVms >= 0)) throw new RangeError(`planningTimeMs: policyVms must be a finite number >= 0, got ${policyVms}`);
  const base = model.baseMs + model.perVmMs * vms + (model.perVmHostUs * vms * hosts) / 1000;
  if (policyVms === 0) return Math.min(model.timeLimitMs, base);
  return Math.min(model.timeLimitMs, base + ((model.perPolicyVmHostUs ?? DEFAULT_PER_POLICY_VM_HOST_US) * policyVms * hosts) / 1000);
}

/**
 * The VMs a problem's policies bind, once per policy: a VE's members (both VEs' for a split),
 * an isolated tenant's VMs, the VMs on quarantined sites.
 */
export function policyVmCount(problem: PlacementProblem): number {
  const policies = problem.policies ?? [];
  if (policies.length === 0) return 0;
  const byVe = new Map<number, number>();
  const byTenant = new Map<number, number>();
  const siteOf = new Map(problem.hosts.map((h) => [h.id, h.site]));
  for (const vm of problem.vms) {
    byVe.set(vm.ve, (byVe.get(vm.ve) ?? 0) + 1);
    byTenant.set(vm.tenant ?? -1, (byTenant.get(vm.tenant ?? -1) ?? 0) + 1);
  }
  let n = 0;
  for (const p of policies) {
    if (p.kind === 'isolate') n += byTenant.get(p.tenant) ?? 0;
    else if (p.kind === 'quarantine') n += problem.vms.filter((vm) => p.sites.includes(siteOf.get(vm.host) ?? -1)).length;
    else for (const ve of p.kind === 'split' ? p.ves : [p.ve]) n += ve >= 0 ? (byVe.get(ve) ?? 0) : 0;
  }
  return n;
}

/** VMPlaceS's limit on Entropy's computing time: min(30 s, hosts / 8 s), in ms. */
export function vmplacesTimeLimitMs(hosts: number): number {
  if (!(Number.isFinite(hosts) && hosts >= 0)) throw new RangeError(`vmplacesTimeLimitMs: hosts must be a finite number >= 0, got ${hosts}`);
  return Math.min(30_000, (hosts / 8) * 1000);
}

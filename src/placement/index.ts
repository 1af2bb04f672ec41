/** VM placement: the problem, the checker, the planner (Entropy's role) and its cost model. */
export type { Move, PlacementProblem, PlanHost, PlanVm, VeConstraint } from './problem.js';
export { moveGroups, type MoveGroup } from './move-groups.js';
export { checkPlacement, isViable, overloadedHosts, placementViolations } from './check.js';
export type { Policy, PolicyKind, Scope } from './policy.js';
export { DEFAULT_SEARCH_STEPS_MAX, planPlacement, type PlacementPlan, type PlanOptions } from './plan.js';
export {
  DEFAULT_PER_POLICY_VM_HOST_US,
  DEFAULT_PLANNING_COST,
  DVMS_TIME_LIMIT_MS,
  planningTimeMs,
  policyVmCount,
  validatePlanningCost,
  vmplacesTimeLimitMs,
  type PlanningCostModel,
} from './cost-model.js';

/**
 * The parameters the centralised and Snooze baselines share: those of their scheduling rounds
 * (`scheduling-round.ts`), and the bounds on reports, migrations and logged rounds. Each
 * protocol's config extends them and keeps its own defaults.
 */
import { type PlanningCostModel, validatePlanningCost } from '../placement/cost-model.js';
import type { VeConstraint } from '../placement/problem.js';
import type { ConfigChecks } from './config-checks.js';
import { type PolicyFacts, policyFactsFault } from './policy-view.js';

export interface SchedulerConfigFields {
  /** A round stops waiting for its migrations' reports after this (counted from the orders). */
  readonly migrationTimeoutMs: number;
  /** The modelled computing time of a plan, charged as a timer before the orders go out. */
  readonly planningCost: PlanningCostModel;
  /** The planner's search bound (steps); a search that hits it finds no plan. */
  readonly searchStepsMax: number;
  /** VE constraints of the infrastructure (the scenario's). */
  readonly constraints: readonly VeConstraint[];
  /** User policies and the static facts they need (`policy-view.ts`); null: none. */
  readonly policies: PolicyFacts | null;
  /** VMs listed in one report; beyond it the report is cut (counted): it bounds the message. */
  readonly vmsPerReportMax: number;
  /** Migrations a source host runs at once; further orders wait in its queue. */
  readonly migrationsInFlightMax: number;
  /** Orders waiting at a source host; one beyond it fails at once ('queue-full'). */
  readonly migrationQueueMax: number;
  /** Finished rounds kept until drained (oldest dropped beyond it). */
  readonly outcomeLogMax: number;
}

/**
 * Checks the shared fields, and `hostsField` (the protocol's bound on the hosts it plans for),
 * in the order both validators have always used, so a config with several errors reports the
 * same one first.
 */
export function validateSchedulerFields<C extends SchedulerConfigFields>(check: ConfigChecks<C>, config: C, hostsField: keyof C & string): void {
  check.positive('migrationTimeoutMs');
  if (typeof config.planningCost !== 'object' || config.planningCost === null) check.fail('planningCost', 'a PlanningCostModel');
  validatePlanningCost(config.planningCost);
  if (!Array.isArray(config.constraints)) check.fail('constraints', 'an array of VE constraints');
  if (config.policies !== null && policyFactsFault(config.policies) !== '') check.fail('policies', `facts whose ${policyFactsFault(config.policies)}`);
  check.integer(hostsField, 1);
  check.integer('searchStepsMax', 0);
  check.integer('vmsPerReportMax', 1);
  check.integer('migrationsInFlightMax', 1);
  check.integer('migrationQueueMax', 0);
  check.integer('outcomeLogMax', 1);
}

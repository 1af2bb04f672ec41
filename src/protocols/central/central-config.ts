/**
 * Every parameter of the centralised baseline (Entropy as VMPlaceS runs it), fully filled:
 * callers spread `defaultCentralConfig` and override.
 *
 * Defaults: hosts report every second (the DVMS monitoring period, so both schedulers see
 * the cloud equally fresh); the manager plans every 30 s (VMPlaceS's Entropy period); a round
 * gives up waiting for its migrations after 120 s (four periods: a 1 GiB VM needs about 9 s at
 * 125 MB/s, more when migrations share links).
 */
import type { NodeId } from '../../runtime/context.js';
import { DEFAULT_PLANNING_COST, type PlanningCostModel, validatePlanningCost } from '../../placement/cost-model.js';
import { DEFAULT_SEARCH_STEPS_MAX } from '../../placement/plan.js';
import type { VeConstraint } from '../../placement/problem.js';

export interface CentralConfig {
  /** The node that plans for the whole infrastructure (a single point of failure). */
  readonly managerNode: NodeId;
  /** Every host sends its monitoring data (host + VMs) to the manager this often. */
  readonly reportPeriodMs: number;
  /** A host whose last report is older than this is left out of the problem (down or cut off). */
  readonly reportStaleMs: number;
  /** The manager checks the infrastructure this often, on a fixed grid from its start. */
  readonly planPeriodMs: number;
  /** A round stops waiting for its migrations' reports after this (counted from the orders). */
  readonly migrationTimeoutMs: number;
  /** The modelled computing time of a plan, charged as a timer before the orders go out. */
  readonly planningCost: PlanningCostModel;
  /** The planner's search bound (steps); a search that hits it finds no plan. */
  readonly searchStepsMax: number;
  /** VE constraints of the infrastructure (the scenario's), all given to every plan. */
  readonly constraints: readonly VeConstraint[];
  /** Hosts the manager keeps a report of; a report from one more host is refused (counted). */
  readonly hostsMax: number;
  /** VMs listed in one report; beyond it the report is cut (counted): it bounds the message. */
  readonly vmsPerReportMax: number;
  /** Migrations a source host runs at once; further orders wait in its queue. */
  readonly migrationsInFlightMax: number;
  /** Orders waiting at a source host; one beyond it fails at once ('queue-full'). */
  readonly migrationQueueMax: number;
  /** Finished rounds kept until drained (oldest dropped beyond it). */
  readonly outcomeLogMax: number;
}

export const defaultCentralConfig: CentralConfig = {
  managerNode: 0,
  reportPeriodMs: 1000,
  reportStaleMs: 3000,
  planPeriodMs: 30_000,
  migrationTimeoutMs: 120_000,
  planningCost: DEFAULT_PLANNING_COST,
  searchStepsMax: DEFAULT_SEARCH_STEPS_MAX,
  constraints: [],
  hostsMax: 100_000,
  vmsPerReportMax: 1024,
  migrationsInFlightMax: 4,
  migrationQueueMax: 256,
  outcomeLogMax: 256,
};

export function validateCentralConfig(config: CentralConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`CentralConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  const integer = (field: keyof CentralConfig, min: number): void => {
    const v = config[field];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) fail(field, `an integer >= ${min}`);
  };
  const positive = (field: keyof CentralConfig): void => {
    const v = config[field];
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) fail(field, 'a finite number > 0');
  };
  integer('managerNode', 0);
  positive('reportPeriodMs');
  if (!(config.reportStaleMs > config.reportPeriodMs)) fail('reportStaleMs', `a number > reportPeriodMs (${config.reportPeriodMs})`);
  positive('planPeriodMs');
  positive('migrationTimeoutMs');
  if (typeof config.planningCost !== 'object' || config.planningCost === null) fail('planningCost', 'a PlanningCostModel');
  validatePlanningCost(config.planningCost);
  if (!Array.isArray(config.constraints)) fail('constraints', 'an array of VE constraints');
  integer('hostsMax', 1);
  integer('searchStepsMax', 0);
  integer('vmsPerReportMax', 1);
  integer('migrationsInFlightMax', 1);
  integer('migrationQueueMax', 0);
  integer('outcomeLogMax', 1);
}

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
import { DEFAULT_PLANNING_COST } from '../../placement/cost-model.js';
import { DEFAULT_SEARCH_STEPS_MAX } from '../../placement/plan.js';
import type { VeConstraint } from '../../placement/problem.js';
import { configChecks } from '../config-checks.js';
import { type SchedulerConfigFields, validateSchedulerFields } from '../scheduler-config.js';

export interface CentralConfig extends SchedulerConfigFields {
  /** The node that plans for the whole infrastructure (a single point of failure). */
  readonly managerNode: NodeId;
  /** Every host sends its monitoring data (host + VMs) to the manager this often. */
  readonly reportPeriodMs: number;
  /** A host whose last report is older than this is left out of the problem (down or cut off). */
  readonly reportStaleMs: number;
  /** The manager checks the infrastructure this often, on a fixed grid from its start. */
  readonly planPeriodMs: number;
  /** VE constraints of the infrastructure (the scenario's), all given to every plan. */
  readonly constraints: readonly VeConstraint[];
  /** Hosts the manager keeps a report of; a report from one more host is refused (counted). */
  readonly hostsMax: number;
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
  policies: null,
  hostsMax: 100_000,
  vmsPerReportMax: 1024,
  migrationsInFlightMax: 4,
  migrationQueueMax: 256,
  outcomeLogMax: 256,
};

export function validateCentralConfig(config: CentralConfig): void {
  const check = configChecks('CentralConfig', config);
  check.integer('managerNode', 0);
  check.positive('reportPeriodMs');
  if (!(config.reportStaleMs > config.reportPeriodMs)) check.fail('reportStaleMs', `a number > reportPeriodMs (${config.reportPeriodMs})`);
  check.positive('planPeriodMs');
  validateSchedulerFields(check, config, 'hostsMax');
}

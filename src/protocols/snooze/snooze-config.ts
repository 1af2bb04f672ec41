/**
 * Every parameter of the hierarchical baseline (Snooze: Feller, Rilling, Morin, CCGrid 2012),
 * fully filled: callers spread `defaultSnoozeConfig` and add `groupManagers` (the scenario knows
 * the node count; `groupManagersEvery` draws the usual "every k-th node" list).
 *
 * Defaults: heartbeats every 3 s, silence for 6 s means failure (the values, and
 * VMPlaceS's); a local controller checks its host every second (the DVMS monitoring period) and
 * reports an overload as it appears rather than at its next heartbeat; a round gives up waiting
 * for its migrations after 120 s, as the centralised baseline does.
 */
import type { NodeId } from '../../runtime/context.js';
import { DEFAULT_PLANNING_COST } from '../../placement/cost-model.js';
import { DEFAULT_SEARCH_STEPS_MAX } from '../../placement/plan.js';
import type { VeConstraint } from '../../placement/problem.js';
import { configChecks } from '../config-checks.js';
import { type SchedulerConfigFields, validateSchedulerFields } from '../scheduler-config.js';

export interface SnoozeConfig extends SchedulerConfigFields {
  /** The first group leader (it also hosts VMs, as a local controller of some group). */
  readonly groupLeader: NodeId;
  /** The group managers, by increasing id, without the group leader; every other node is a local controller. */
  readonly groupManagers: readonly NodeId[];
  /** Local controllers send heartbeat + monitoring to their GM, GMs to the GL, the GL and GMs beat downwards, this often. */
  readonly heartbeatPeriodMs: number;
  /** Silence for this long means the peer failed (more than one heartbeat period). */
  readonly heartbeatTimeoutMs: number;
  /** A host checks for an overload this often; an overload that appears is reported at once. */
  readonly monitorPeriodMs: number;
  /** VE constraints of the infrastructure. A group plans with the fences only, and pins the VMs of VEs under gather or spread constraints (their other members may sit in other groups). */
  readonly constraints: readonly VeConstraint[];
  /** Local controllers a GM manages (its own host included); one more is rejected and rejoins elsewhere. */
  readonly groupSizeMax: number;
}

export const defaultSnoozeConfig: Omit<SnoozeConfig, 'groupManagers'> = {
  groupLeader: 0,
  heartbeatPeriodMs: 3000,
  heartbeatTimeoutMs: 6000,
  monitorPeriodMs: 1000,
  migrationTimeoutMs: 120_000,
  planningCost: DEFAULT_PLANNING_COST,
  searchStepsMax: DEFAULT_SEARCH_STEPS_MAX,
  constraints: [],
  policies: null,
  groupSizeMax: 1024,
  vmsPerReportMax: 1024,
  migrationsInFlightMax: 4,
  migrationQueueMax: 256,
  outcomeLogMax: 256,
};

/** Every `every`-th node starting after the group leader: leader + 1, leader + 1 + every, ... (mod nodeCount), sorted, leader excluded. */
export function groupManagersEvery(nodeCount: number, every: number, groupLeader: NodeId): NodeId[] {
  if (!(Number.isInteger(nodeCount) && nodeCount >= 2)) throw new RangeError(`groupManagersEvery: nodeCount must be an integer >= 2, got ${nodeCount}`);
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`groupManagersEvery: every must be an integer >= 1, got ${every}`);
  const out: NodeId[] = [];
  for (let k = groupLeader + 1; k < groupLeader + nodeCount; k += every) out.push(k % nodeCount);
  return out.sort((a, b) => a - b);
}

export function validateSnoozeConfig(config: SnoozeConfig): void {
  const check = configChecks('SnoozeConfig', config);
  check.integer('groupLeader', 0);
  const gms = config.groupManagers;
  if (!Array.isArray(gms) || gms.length === 0) check.fail('groupManagers', 'a non-empty array of node ids');
  for (let i = 0; i < gms.length; i++) {
    if (!(Number.isInteger(gms[i]) && gms[i] >= 0) || (i > 0 && gms[i] <= gms[i - 1])) check.fail('groupManagers', 'node ids >= 0 in increasing order');
  }
  if (gms.includes(config.groupLeader)) check.fail('groupManagers', `ids without the group leader (${config.groupLeader})`);
  check.positive('heartbeatPeriodMs');
  if (!(config.heartbeatTimeoutMs > config.heartbeatPeriodMs)) check.fail('heartbeatTimeoutMs', `a number > heartbeatPeriodMs (${config.heartbeatPeriodMs})`);
  check.positive('monitorPeriodMs');
  validateSchedulerFields(check, config, 'groupSizeMax');
}

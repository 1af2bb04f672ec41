/**
 * What every VM scheduler (DVMS and its variants, the centralised and the hierarchical
 * baselines) logs of each scheduling round it led, for the scenario's probe to drain: the size
 * of the problem it planned for (a DVMS partition, the whole infrastructure, a group), its
 * modelled planning time, and what came of it. Whether the cloud is truly better off is judged
 * outside, from the cloud model (violations, migrations); these are the algorithm's own facts.
 */
import { type Columns, OutcomeLog } from './outcome-log.js';

export interface SchedulingOutcome {
  /** When the round started (DVMS: the ISP's start at its initiator) and ended, in ms. */
  readonly startMs: number;
  readonly endMs: number;
  /** Hosts and VMs in the last problem planned (DVMS: the partition's size when it ended). */
  readonly hosts: number;
  readonly vms: number;
  /** Plans computed in the round, and their modelled computing time in total (ms). */
  readonly plans: number;
  readonly planningMs: number;
  /** Migrations ordered by the applied plan, and how many reported success. */
  readonly migrationsOrdered: number;
  readonly migrationsDone: number;
  /** True when a plan was found and applied; false when the round was dissolved without one. */
  readonly solved: boolean;
}

export const SCHEDULING_COLUMNS: Columns<SchedulingOutcome> = {
  startMs: 'f64',
  endMs: 'f64',
  hosts: 'i32',
  vms: 'i32',
  plans: 'i32',
  planningMs: 'f64',
  migrationsOrdered: 'i32',
  migrationsDone: 'i32',
  solved: 'bool',
};

export function newSchedulingLog(capacityMax: number): OutcomeLog<SchedulingOutcome> {
  return new OutcomeLog<SchedulingOutcome>(capacityMax, SCHEDULING_COLUMNS);
}

/** A scheduler protocol as the probe sees it. */
export interface SchedulerProtocol {
  /** Rounds finished since the last drain, oldest first. */
  drainSchedulingOutcomes(): SchedulingOutcome[];
}

/** Messages between `luc torture`'s main thread and its worker threads (plain data). */
import type { FaultSpec } from '../../torture/schedule.js';
import type { MonitorOptions } from '../../torture/monitor.js';
import type { CheckCounts } from '../../torture/monitor.js';
import type { Failure } from '../../torture/run-schedule.js';

export interface TortureTask {
  readonly scenarioFile: string;
  readonly overrides: readonly string[];
  /** The schedule's seed (the scenario runs with it too); null with `replay`. */
  readonly seed: number | null;
  /** Run the scenario's own faults instead of drawing a schedule. */
  readonly replay: boolean;
  readonly monitor: MonitorOptions;
  readonly twice: boolean;
  readonly drawsMax: number;
  /** Faults heal at least this long before the end. */
  readonly settleS: number;
  /** Runs a failing schedule's shrinking may take (0: no shrinking). */
  readonly shrinkAttemptsMax: number;
}

export interface ScheduleReport {
  readonly ok: true;
  readonly seed: number | null;
  readonly faults: readonly FaultSpec[] | null;
  readonly failure: Failure | null;
  readonly events: number;
  readonly checks: CheckCounts;
  readonly wallTimeS: number;
  /** The shrunk schedule of a failure (null when it passed or was not shrunk). */
  readonly minimal: readonly FaultSpec[] | null;
  readonly shrinkAttempts: number;
  readonly shrinkWallTimeS: number;
}

export type TortureOutcome = ScheduleReport | { readonly ok: false; readonly error: string; readonly detail: string };

/**
 * One schedule of `luc torture`: the scenario with its faults replaced by the schedule's and its
 * seed by the schedule's, run with the invariant monitor; a failure is the first invariant broken
 * (or any error of the model or the protocols, which are assertions too). `--twice` runs it again
 * and compares the outputs byte for byte.
 */
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/run-scenario.js';
import { buildWorld } from '../scenario/build-world.js';
import { ScenarioError } from '../scenario/errors.js';
import { metricsCsv } from '../metrics/write-results.js';
import type { Scenario } from '../scenario/schema.js';
import { InvariantBroken } from './invariant.js';
import { type CheckCounts, installMonitor, type MonitorOptions } from './monitor.js';
import type { FaultSpec, ScheduleShape } from './schedule.js';
import { shrink } from './shrink.js';

export interface Failure {
  /** The invariant broken (`run` for an error thrown by the model or a protocol). */
  readonly invariant: string;
  readonly timeS: number;
  readonly detail: string;
}

export interface ScheduleResult {
  readonly failure: Failure | null;
  readonly events: number;
  readonly checks: CheckCounts;
  /** What the run produced (metrics.csv, or the failure): compared byte for byte by `--twice`. */
  readonly output: string;
}

export interface ScheduleInput {
  readonly scenarioFile: string;
  readonly overrides: readonly string[];
  /** Null: keep the scenario's own seed and faults (`--replay` of a written schedule). */
  readonly seed: number | null;
  readonly faults: readonly FaultSpec[] | null;
  readonly monitor: MonitorOptions;
}

/** The `--set` texts that put a schedule into a scenario. */
export function scheduleOverrides(seed: number | null, faults: readonly FaultSpec[] | null): string[] {
  return [...(seed === null ? [] : [`seed=${seed}`]), ...(faults === null ? [] : [`faults=${JSON.stringify(faults)}`])];
}

export function runSchedule(input: ScheduleInput): ScheduleResult {
  const scenario = loadScenario(input.scenarioFile, [...input.overrides, ...scheduleOverrides(input.seed, input.faults)]);
  let checks: CheckCounts = {};
  let events = 0;
  try {
    const outcome = runScenario(scenario, input.scenarioFile, {
      instrument: (run) => {
        checks = installMonitor(run, input.monitor);
      },
    });
    events = outcome.eventsProcessed;
    return { failure: null, events, checks, output: metricsCsv(outcome.series.all()) };
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const failure = failureOf(error);
    return { failure, events, checks, output: `${failure.invariant} at ${failure.timeS} s: ${failure.detail}\n` };
  }
}

function failureOf(error: unknown): Failure {
  if (error instanceof InvariantBroken) return { invariant: error.invariant, timeS: error.timeUs / 1e6, detail: error.detail };
  const message = error instanceof Error ? error.message : String(error);
  const at = /at t=(\d+) us/.exec(message);
  return { invariant: 'run', timeS: at === null ? NaN : Number(at[1]) / 1e6, detail: message };
}

/** Runs twice; a difference in the outputs is itself a failure (`determinism`). */
export function runScheduleTwice(input: ScheduleInput): ScheduleResult {
  const first = runSchedule(input);
  const second = runSchedule(input);
  if (first.output === second.output && first.events === second.events) return first;
  const a = first.output.split('\n');
  const b = second.output.split('\n');
  let line = 0;
  while (line < a.length && a[line] === b[line]) line++;
  const detail = `two runs of the schedule differ at line ${line + 1} of their outputs: '${a[line] ?? '<end>'}' then '${b[line] ?? '<end>'}' (events ${first.events} then ${second.events})`;
  return { ...first, failure: { invariant: 'determinism', timeS: NaN, detail } };
}

/** The faults a failing schedule still fails with, fewer where possible (same invariant broken). */
export function shrinkSchedule(input: ScheduleInput & { readonly faults: readonly FaultSpec[] }, failure: Failure, attemptsMax: number): { faults: FaultSpec[]; attempts: number } {
  const shrunk = shrink(input.faults, (faults) => runSchedule({ ...input, faults }).failure?.invariant === failure.invariant, attemptsMax);
  return { faults: shrunk.items, attempts: shrunk.attempts };
}

/** The shape schedules are drawn for: the scenario's topology, and faults healed `settleS` before the end. */
export function scheduleShape(scenario: Scenario, scenarioFile: string, settleS: number, drawsMax: number): ScheduleShape {
  const world = buildWorld(scenario, scenarioFile);
  const backbone = world.backbone?.backbone;
  return {
    hostCount: world.network.hostCount,
    popCount: backbone?.pops.length ?? 0,
    links: backbone?.links.map((l) => [l.a, l.b] as const) ?? [],
    hostFaults: scenario.churn === undefined,
    faultsStartS: 1,
    faultsEndS: scenario.durationS - settleS,
    drawsMax,
  };
}

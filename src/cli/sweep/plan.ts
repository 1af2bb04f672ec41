/**
 * From a sweep description to its runs: every run's overrides, results folder and expected
 * scenario hash, every point validated before anything runs, and the state of each run on disk
 * (finished, stale, failed, missing) so that a re-run does only what is left.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ParamValue } from '../../metrics/aggregate.js';
import { loadScenario, scenarioHash } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/schema.js';
import { isBadInput, UsageError } from '../exit-codes.js';
import { expandGrid, pointOverrides, runDir, runOverrideOptions, runOverrides, sweepSeeds, type SweepParam } from './grid.js';
import type { SweepSpec } from './sweep-spec.js';

/** Written in a run's folder when it fails; replaced with the results when a later attempt succeeds. */
export const RUN_ERROR_FILE = 'error.json';

export interface SweepRun {
  readonly pointId: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly seed: number;
  /** Absolute results folder. */
  readonly dir: string;
  /** The `--set` texts that make this run from the scenario file. */
  readonly overrides: readonly string[];
  /** scenarioHash of the resolved scenario: a finished run with another hash is stale. */
  readonly scenarioHash: string;
}

/** Bad points described in full; the rest are counted. */
const PROBLEMS_SHOWN_MAX = 10;

export type RunState = 'finished' | 'stale' | 'failed' | 'missing';

export interface SweepSpecInput {
  readonly scenarioFile: string;
  readonly params: readonly SweepParam[];
  readonly seedCount: number;
  readonly overrides: readonly string[];
  readonly commandLine: string;
}

/** The sweep description and its base scenario, which must load (its seed starts the seeds). */
export function createSweepSpec(input: SweepSpecInput): { readonly spec: SweepSpec; readonly base: Scenario } {
  const base = loadScenario(input.scenarioFile, input.overrides);
  const spec = {
    scenario: resolve(input.scenarioFile),
    params: input.params,
    seeds: sweepSeeds(base.seed, input.seedCount),
    points: expandGrid(input.params),
    overrides: input.overrides,
    commandLine: input.commandLine,
  };
  return { spec, base };
}

function describePoint(id: string, overrides: readonly string[]): string {
  return overrides.length === 0 ? `point ${id}` : `point ${id} (${overrides.join(', ')})`;
}

/**
 * The runs of the given points (all by default), in grid order then seed order, each scenario
 * loaded and validated. Every bad point is reported at once, as one UsageError (exit 2).
 */
export function planRuns(spec: SweepSpec, sweepDir: string, pointIndices?: readonly number[]): SweepRun[] {
  const indices = pointIndices ?? spec.points.map((_, index) => index);
  const runs: SweepRun[] = [];
  const problems: string[] = [];
  for (const index of indices) {
    const point = spec.points[index];
    for (const seed of spec.seeds) {
      const overrides = runOverrides(spec.overrides, point, seed);
      try {
        const scenario = loadScenario(spec.scenario, overrides, runOverrideOptions(spec.overrides, point));
        const dir = resolve(runDir(sweepDir, point.id, seed));
        runs.push({ pointId: point.id, params: point.params, seed, dir, overrides, scenarioHash: scenarioHash(scenario) });
      } catch (error) {
        if (!isBadInput(error)) throw error;
        problems.push(`${describePoint(point.id, pointOverrides(point))}, seed ${seed}:\n  ${error.message.replace(/\n/g, '\n  ')}`);
        break; // one message per point
      }
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, PROBLEMS_SHOWN_MAX);
    if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more points`);
    throw new UsageError(`${problems.length} grid point(s) are not valid scenarios; nothing was run\n${shown.join('\n')}`);
  }
  return runs;
}

interface SummaryHead {
  readonly scenarioHash?: unknown;
  readonly metrics?: unknown;
}

/** summary.json of a results folder, or null when it is missing or unreadable. */
export function readSummary(dir: string): SummaryHead | null {
  try {
    const data = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as unknown;
    return typeof data === 'object' && data !== null ? (data as SummaryHead) : null;
  } catch {
    return null;
  }
}

/** A run is finished when its summary.json exists with the expected scenario hash. */
export function runState(run: SweepRun): RunState {
  const summary = readSummary(run.dir);
  if (summary !== null) return summary.scenarioHash === run.scenarioHash ? 'finished' : 'stale';
  return existsSync(join(run.dir, RUN_ERROR_FILE)) ? 'failed' : 'missing';
}

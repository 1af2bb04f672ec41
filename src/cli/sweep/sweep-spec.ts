/**
 * `DIR/sweep.json`: what a sweep is (scenario, swept parameters, seeds, points, base overrides),
 * written before any run so that a re-run, `run-task` on a cluster node and `collect` all work
 * from the same grid.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../exit-codes.js';
import type { SweepParam, SweepPoint } from './grid.js';

export const SWEEP_FILE = 'sweep.json';

export interface SweepSpec {
  /** The scenario file, absolute (cluster tasks may start anywhere). */
  readonly scenario: string;
  readonly params: readonly SweepParam[];
  readonly seeds: readonly number[];
  readonly points: readonly SweepPoint[];
  /** The sweep's own `--set` texts, applied before each point's values. */
  readonly overrides: readonly string[];
  /** The command that created the sweep (provenance only). */
  readonly commandLine: string;
}

export function sweepFile(dir: string): string {
  return join(dir, SWEEP_FILE);
}

/** Writes sweep.json atomically (temporary file, then rename). */
export function writeSweepSpec(dir: string, spec: SweepSpec): void {
  mkdirSync(dir, { recursive: true });
  const file = sweepFile(dir);
  const partial = `${file}.partial`;
  writeFileSync(partial, JSON.stringify(spec, null, 2) + '\n');
  renameSync(partial, file);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Reads and checks DIR/sweep.json; UsageError (exit 2) when it is missing or not a sweep. */
export function readSweepSpec(dir: string): SweepSpec {
  const file = sweepFile(dir);
  if (!existsSync(file)) throw new UsageError(`${file}: no such file (is ${dir} a sweep folder?)`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const spec = data as Partial<SweepSpec> | null;
  const ok =
    spec !== null &&
    typeof spec === 'object' &&
    typeof spec.scenario === 'string' &&
    Array.isArray(spec.params) &&
    spec.params.every((p) => typeof p?.path === 'string' && Array.isArray(p.values)) &&
    Array.isArray(spec.seeds) &&
    spec.seeds.length > 0 &&
    spec.seeds.every((s) => Number.isInteger(s) && s >= 0) &&
    Array.isArray(spec.points) &&
    spec.points.length > 0 &&
    spec.points.every((p) => typeof p?.id === 'string' && /^p\d+$/.test(p.id) && typeof p.params === 'object' && p.params !== null) &&
    isStringArray(spec.overrides);
  if (!ok) throw new UsageError(`${file}: expected a sweep description {scenario, params, seeds, points, overrides}`);
  return { ...(spec as SweepSpec), commandLine: typeof spec.commandLine === 'string' ? spec.commandLine : '' };
}

/** Two specs describe the same runs: same scenario file, grid, seeds and overrides. */
export function sameGrid(a: SweepSpec, b: SweepSpec): boolean {
  const identity = (s: SweepSpec): string => JSON.stringify([s.scenario, s.params, s.seeds, s.points, s.overrides]);
  return identity(a) === identity(b);
}

/**
 * The grid of a sweep: `--param path=v1,v2,...` options parsed into swept parameters (each value
 * YAML, so JSON too: `faults=[],[{"kind":"pop-crash",...}]`, whole protocol blocks), their
 * cartesian product in grid order (the first parameter varies slowest), point ids `p000`...,
 * and the `--set` overrides and results folder of each run. Pure.
 */
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ParamValue } from '../../metrics/aggregate.js';
import { UsageError } from '../exit-codes.js';

/** Points a grid may have, and seeds per point: a typo such as `--seeds 50000` is an error, not a week of runs. */
export const GRID_POINTS_MAX = 100_000;
export const SEEDS_MAX = 10_000;

export interface SweepParam {
  readonly path: string;
  readonly values: readonly ParamValue[];
}

export interface SweepPoint {
  /** `p000`, `p001`, ... in grid order (wider when the grid has more than 1000 points). */
  readonly id: string;
  readonly params: Readonly<Record<string, ParamValue>>;
}

/** Splits on commas outside single or double quotes and outside [...] and {...}; unbalanced brackets are an error. */
function splitValues(text: string, option: string): string[] {
  const items: string[] = [];
  let current = '';
  let quote: string | null = null;
  const open: string[] = [];
  const closing: Record<string, string> = { '[': ']', '{': '}' };
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[' || ch === '{') open.push(closing[ch]);
    else if (ch === ']' || ch === '}') {
      if (open.pop() !== ch) throw new UsageError(`${option}: unbalanced '${ch}'`);
    } else if (ch === ',' && open.length === 0) {
      items.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (quote !== null) throw new UsageError(`${option}: unclosed ${quote}`);
  if (open.length > 0) throw new UsageError(`${option}: unclosed '${open[open.length - 1] === ']' ? '[' : '{'}'`);
  items.push(current);
  return items;
}

/** Values of a parsed `--param` value: JSON-like data only (YAML's dates and such become strings in JSON, so they are refused). */
function isParamValue(value: unknown): value is ParamValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isParamValue);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isParamValue);
  return false;
}

/** One value of a `--param`, parsed as YAML as `--set` does: a scalar, or a JSON / YAML flow list or object. */
export function parseParamValue(text: string, option: string): ParamValue {
  if (text.trim() === '') throw new UsageError(`${option}: empty value (write null to remove the field)`);
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    throw new UsageError(`${option}: '${text}' is not a YAML or JSON value`);
  }
  if (isParamValue(value)) return value;
  throw new UsageError(`${option}: expected numbers, booleans, strings, null, or JSON lists and objects of them, found '${text}'`);
}

/** `path=v1,v2,...` -> a swept parameter. The path itself is checked later, against the scenario. */
export function parseParamOption(text: string): SweepParam {
  const option = `--param ${text}`;
  const equals = text.indexOf('=');
  if (equals <= 0) throw new UsageError(`${option}: expected path=v1,v2,... (e.g. protocols.vivaldi.dimensions=2,3,5)`);
  const path = text.slice(0, equals).trim();
  const values = splitValues(text.slice(equals + 1), option).map((item) => parseParamValue(item, option));
  const seen = new Set<string>();
  for (const value of values) {
    const key = JSON.stringify(value);
    if (seen.has(key)) throw new UsageError(`${option}: value ${key} is given twice`);
    seen.add(key);
  }
  return { path, values };
}

/** Checks the params together: distinct paths, a bounded grid. */
export function checkParams(params: readonly SweepParam[]): void {
  const paths = new Set<string>();
  for (const param of params) {
    if (param.path === 'seed') throw new UsageError('--param seed=...: seeds are swept with --seeds N (from the scenario seed, or --set seed=S)');
    if (paths.has(param.path)) throw new UsageError(`--param ${param.path}: swept twice (give all its values in one --param)`);
    paths.add(param.path);
  }
  const size = params.reduce((product, param) => product * param.values.length, 1);
  if (size > GRID_POINTS_MAX) throw new UsageError(`--param: the grid has ${size} points, more than ${GRID_POINTS_MAX}`);
}

export function pointId(index: number, count: number): string {
  const width = Math.max(3, String(Math.max(count - 1, 0)).length);
  return `p${String(index).padStart(width, '0')}`;
}

/** The cartesian product in grid order: the first parameter varies slowest, the last fastest. No params: one point. */
export function expandGrid(params: readonly SweepParam[]): SweepPoint[] {
  checkParams(params);
  let combos: Record<string, ParamValue>[] = [{}];
  for (const param of params) {
    combos = combos.flatMap((combo) => param.values.map((value) => ({ ...combo, [param.path]: value })));
  }
  return combos.map((params, index) => ({ id: pointId(index, combos.length), params }));
}

/** Seeds of every point: the scenario's seed, then the next `count - 1` integers. */
export function sweepSeeds(baseSeed: number, count: number): number[] {
  if (!Number.isInteger(count) || count < 1 || count > SEEDS_MAX) {
    throw new UsageError(`--seeds: expected an integer from 1 to ${SEEDS_MAX}, found ${count}`);
  }
  return Array.from({ length: count }, (_, k) => baseSeed + k);
}

/** The override texts of a point; values as JSON, which YAML reads back as the same value. */
export function pointOverrides(point: SweepPoint): string[] {
  return Object.entries(point.params).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
}

/** Every override of one run: the sweep's `--set`s, then the point's values, then the seed. */
export function runOverrides(baseOverrides: readonly string[], point: SweepPoint, seed: number): string[] {
  return [...baseOverrides, ...pointOverrides(point), `seed=${seed}`];
}

/** The option each of `runOverrides`' texts came from, for error messages: `--set`, `--param`, `--seeds`. */
export function runOverrideOptions(baseOverrides: readonly string[], point: SweepPoint): string[] {
  return [...baseOverrides.map(() => '--set'), ...pointOverrides(point).map(() => '--param'), '--seeds'];
}

/** `DIR/runs/<pointId>/seed-<seed>`. */
export function runDir(sweepDir: string, pointIdText: string, seed: number): string {
  return join(sweepDir, 'runs', pointIdText, `seed-${seed}`);
}

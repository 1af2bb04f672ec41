/**
 * `--set path=value` overrides, applied to the parsed data before validation. The path must
 * exist in the schema (`protocols.vivaldi.dimensions`, `faults[0].atS`, `hosts.perPop.counts.Paris`);
 * list items must already exist (replace a whole list with `faults=[]` or a flow sequence).
 * The value is parsed as YAML, so numbers, booleans and flow collections work; an empty value
 * or `null` removes the field (its default applies; a protocol section is disabled).
 */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { describeValue, type ScenarioIssue, scenarioIssue } from './errors.js';
import { step } from './navigate.js';
import { formatPath, isRecord, parsePath, type PathSegment } from './paths.js';
import { didYouMean } from './suggest.js';

export interface AppliedOverride {
  readonly segments: readonly PathSegment[];
  readonly text: string;
  /** The command-line option it came from, for messages: `--set` (default), or `--param` in a sweep. */
  readonly option: string;
}

export type OverrideResult =
  | { readonly ok: true; readonly override: AppliedOverride }
  | { readonly ok: false; readonly issue: ScenarioIssue };

function failure(field: string, expected: string, found: string): OverrideResult {
  return { ok: false, issue: scenarioIssue(field, expected, found) };
}

function parseValue(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parseYaml(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Sets one `path=value` in `data` (a parsed scenario object, changed in place), checking the
 * path against `schema` step by step, the data guiding discriminated unions and list bounds.
 */
export function applyOverride(schema: z.core.$ZodType, data: Record<string, unknown>, text: string, option = '--set'): OverrideResult {
  const from = `(from ${option} ${text})`;
  const equals = text.indexOf('=');
  if (equals < 0) return failure(`${option} ${text}`, 'path=value', `no '=' ${from}`);
  const pathText = text.slice(0, equals).trim();
  const segments = parsePath(pathText);
  if (segments === null) return failure(`${option} ${text}`, 'a path such as protocols.vivaldi.dimensions or faults[0].atS', `'${pathText}'`);
  const value = parseValue(text.slice(equals + 1));
  if (!value.ok) return failure(pathText, 'a YAML value', `'${text.slice(equals + 1)}' ${from}`);

  let current: z.core.$ZodType = schema;
  let container: unknown = data;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    const here = formatPath(segments.slice(0, index + 1));
    const next = step(current, container, segment);
    if (!next.ok) {
      const hint = next.expected.startsWith('one of ') ? didYouMean(segment, next.expected.slice(7).split(', ')) : '';
      const found = typeof segment === 'number' ? `index ${segment}` : `unknown field '${segment}'`;
      return failure(here, `${next.expected}${hint}`, `${found} ${from}`);
    }
    const last = index === segments.length - 1;
    if (Array.isArray(container) && typeof segment === 'number') {
      if (last) container[segment] = value.value;
      else container = container[segment];
    } else if (isRecord(container) && typeof segment === 'string') {
      if (last && value.value === null) delete container[segment];
      else if (last) container[segment] = value.value;
      else {
        if (container[segment] === undefined || container[segment] === null) container[segment] = {};
        container = container[segment];
      }
    } else {
      const parent = formatPath(segments.slice(0, index));
      return failure(parent, `an object or list to set '${here}' in`, `${describeValue(container)} ${from}`);
    }
    current = next.schema;
  }
  return { ok: true, override: { segments, text, option } };
}

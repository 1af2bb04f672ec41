/** Zod issues to readable scenario issues: the field path, what was expected, what was found. */
import { z } from 'zod';
import { describeValue } from './errors.js';
import { EXPECTED_PREFIX } from './fields.js';
import { knownFields, step } from './navigate.js';
import { valueAt, type PathSegment } from './paths.js';
import { didYouMean } from './suggest.js';

/** An issue before it is placed in the file (line, column, `--set` provenance). */
export interface PathIssue {
  readonly segments: readonly PathSegment[];
  readonly expected: string;
  readonly found: string;
}

const TYPE_PHRASES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  tuple: 'a list',
  record: 'an object',
};

function segmentsOf(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

function oneOf(values: readonly unknown[], found: unknown): string {
  const names = values.map(String);
  if (names.length === 1) return `'${names[0]}'`;
  return `one of ${names.join(', ')}${didYouMean(found, names)}`;
}

/** The schema found by walking `segments` through `data`, or null when the walk fails. */
function schemaAt(root: z.core.$ZodType, data: unknown, segments: readonly PathSegment[]): z.core.$ZodType | null {
  let schema = root;
  for (let index = 0; index < segments.length; index++) {
    const next = step(schema, valueAt(data, segments.slice(0, index)), segments[index]);
    if (!next.ok) return null;
    schema = next.schema;
  }
  return schema;
}

function unknownKeyIssues(root: z.core.$ZodType, data: unknown, path: PathSegment[], keys: readonly string[]): PathIssue[] {
  const parent = schemaAt(root, data, path);
  const known = parent === null ? [] : knownFields(parent, valueAt(data, path));
  return keys.map((key) => {
    const hint = didYouMean(key, known);
    const expected = hint !== '' || known.length === 0 ? `a known field${hint}` : `one of ${known.join(', ')}`;
    return { segments: [...path, key], expected, found: `unknown field '${key}'` };
  });
}

function expectedOf(issue: z.core.$ZodIssue, found: unknown): string {
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
    return oneOf(issue.options, found);
  }
  if (issue.message.startsWith(EXPECTED_PREFIX)) return issue.message.slice(EXPECTED_PREFIX.length);
  switch (issue.code) {
    case 'invalid_value':
      return oneOf(issue.values, found);
    case 'invalid_type':
      return TYPE_PHRASES[issue.expected] ?? `a ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'array' ? `at least ${issue.minimum} item(s)` : `a value >= ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array' ? `at most ${issue.maximum} item(s)` : `a value <= ${issue.maximum}`;
    case 'invalid_union':
      return 'one of the allowed forms';
    default:
      return issue.message;
  }
}

/** One or more readable issues per zod issue, de-duplicated, in schema order. */
export function describeZodIssues(root: z.core.$ZodType, data: unknown, issues: readonly z.core.$ZodIssue[]): PathIssue[] {
  const described: PathIssue[] = [];
  for (const issue of issues) {
    const path = segmentsOf(issue.path);
    if (issue.code === 'unrecognized_keys') {
      described.push(...unknownKeyIssues(root, data, path, issue.keys));
      continue;
    }
    const found = valueAt(data, path);
    described.push({ segments: path, expected: expectedOf(issue, found), found: describeValue(found) });
  }
  const seen = new Set<string>();
  return described.filter((issue) => {
    const key = `${issue.segments.join('\u0000')}\u0001${issue.expected}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

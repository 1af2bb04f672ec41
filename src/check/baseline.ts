/**
 * Baseline files (`scenarios/baselines/*.json`): a scenario, its `--set` overrides, the seeds to
 * run and the metrics to hold, each with its expected value, a tolerance and the direction in
 * which a change is bad. Problems are ScenarioErrors naming the file, the field (at its line),
 * what was expected and what was found, all at once, as for scenario files.
 *
 *   { "scenario": "../renater-vivaldi.yaml", "overrides": ["durationS=120"], "seeds": [1, 2],
 *     "checks": [{ "metric": "vivaldi.median_rel_error", "expected": 0.068,
 *                  "tolerance": { "relative": 0.05 }, "direction": "lower-is-better" }] }
 */
import { statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import { describeValue, ScenarioError, scenarioIssue } from '../scenario/errors.js';
import { EXPECTED_PREFIX, int, num, section, text, whenValid } from '../scenario/fields.js';
import { describeZodIssues } from '../scenario/issues.js';
import { formatPath, isRecord } from '../scenario/paths.js';
import { readScenarioSource, type ScenarioSource } from '../scenario/source.js';

export const DIRECTIONS = ['lower-is-better', 'higher-is-better', 'two-sided'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export type Tolerance = { readonly absolute: number } | { readonly relative: number };

export interface MetricCheck {
  readonly metric: string;
  readonly expected: number;
  readonly tolerance: Tolerance;
  readonly direction: Direction;
}

export interface Baseline {
  /** The baseline file, absolute. */
  readonly file: string;
  /** The file name without `.json`: names the results folder and the rows of the table. */
  readonly name: string;
  /** The scenario file, absolute (written relative to the baseline file). */
  readonly scenarioFile: string;
  readonly overrides: readonly string[];
  readonly seeds: readonly number[];
  readonly checks: readonly MetricCheck[];
  /** The file as parsed, for `--update` to rewrite with new expected values. */
  readonly data: Readonly<Record<string, unknown>>;
}

const TOLERANCE_PHRASE = '{ "absolute": x >= 0 } or { "relative": r >= 0 }';

const toleranceSchema = z.union([section({ absolute: num({ ge: 0 }) }), section({ relative: num({ ge: 0 }) })], {
  error: EXPECTED_PREFIX + TOLERANCE_PHRASE,
});

const checkSchema = section(
  {
    metric: text('a metric name of summary.json, e.g. vivaldi.median_rel_error'),
    expected: num({}, 'a finite number (the mean of the final value over the seeds)'),
    tolerance: toleranceSchema,
    direction: z.enum(DIRECTIONS),
  },
  'an object { metric, expected, tolerance, direction }',
);

export const baselineSchema = section(
  {
    description: z.string({ error: `${EXPECTED_PREFIX}a string` }).optional(),
    scenario: text('a scenario file, relative to the baseline file'),
    overrides: z.array(text('a --set text path=value', /=/), { error: `${EXPECTED_PREFIX}a list of --set texts path=value` }).default([]),
    seeds: z.array(int({ ge: 0 }, 'a seed, an integer >= 0'), { error: `${EXPECTED_PREFIX}a list of seeds` }).min(1, {
      error: `${EXPECTED_PREFIX}at least one seed`,
    }),
    checks: z.array(checkSchema, { error: `${EXPECTED_PREFIX}a list of checks` }).min(1, { error: `${EXPECTED_PREFIX}at least one check` }),
  },
  'an object { scenario, overrides, seeds, checks }',
).superRefine((baseline, context) => {
  const seen = new Set<string>();
  baseline.checks.forEach((check, index) => {
    if (seen.has(check.metric)) {
      context.addIssue({ code: 'custom', path: ['checks', index, 'metric'], message: `${EXPECTED_PREFIX}a metric not checked above` });
    }
    seen.add(check.metric);
  });
  baseline.seeds.forEach((seed, index) => {
    if (baseline.seeds.indexOf(seed) !== index) {
      context.addIssue({ code: 'custom', path: ['seeds', index], message: `${EXPECTED_PREFIX}a seed not listed before` });
    }
  });
}, whenValid('checks', 'seeds'));

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function placed(source: ScenarioSource, segments: readonly (string | number)[], expected: string, found: string) {
  const position = source.locate(segments);
  return scenarioIssue(formatPath(segments), expected, found, position.line, position.column);
}

/**
 * Reads and validates the baseline in `file` (a .json file).
 * @throws ScenarioError naming the file, field, expectation and what was found.
 */
export function loadBaseline(file: string): Baseline {
  if (extname(file).toLowerCase() !== '.json') {
    throw new ScenarioError(file, [scenarioIssue('', 'a baseline .json file', `'${extname(file) || 'no extension'}'`)]);
  }
  if (!isFile(file)) throw new ScenarioError(file, [scenarioIssue('', 'a readable baseline file', 'no such file')]);
  const source = readScenarioSource(file);
  const data = source.data;
  if (!isRecord(data)) throw new ScenarioError(file, [scenarioIssue('', 'an object { scenario, overrides, seeds, checks }', describeValue(data))]);
  const result = baselineSchema.safeParse(data);
  if (!result.success) {
    const issues = describeZodIssues(baselineSchema, data, result.error.issues);
    throw new ScenarioError(
      file,
      issues.map((issue) => placed(source, issue.segments, issue.expected, issue.found)),
    );
  }
  const scenarioFile = resolve(dirname(file), result.data.scenario);
  if (!isFile(scenarioFile)) {
    throw new ScenarioError(file, [placed(source, ['scenario'], `an existing scenario file (resolved to ${scenarioFile})`, `'${result.data.scenario}'`)]);
  }
  return {
    file: resolve(file),
    name: basename(file, extname(file)),
    scenarioFile,
    overrides: result.data.overrides,
    seeds: result.data.seeds,
    checks: result.data.checks,
    data,
  };
}

/** The ScenarioError for a check whose metric the runs did not produce. */
export function unknownMetricError(baseline: Baseline, index: number, known: readonly string[]): ScenarioError {
  const source = readScenarioSource(baseline.file);
  const metric = baseline.checks[index].metric;
  const expected = `a metric of the runs' summary.json (one of ${known.join(', ')})`;
  return new ScenarioError(baseline.file, [placed(source, ['checks', index, 'metric'], expected, `'${metric}'`)]);
}

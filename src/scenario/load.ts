/**
 * Loading a scenario: read (YAML or JSON), apply `--set` overrides, validate, resolve the
 * topology file against the scenario's folder. Every problem is a ScenarioError naming the
 * file, the field, what was expected and what was found; all validation issues come together.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { canonicalHash, canonicalJson } from './canonical.js';
import { describeValue, ScenarioError, scenarioIssue, type ScenarioIssue } from './errors.js';
import { describeZodIssues, type PathIssue } from './issues.js';
import { applyOverride, type AppliedOverride } from './overrides.js';
import { formatPath, isRecord, valueAt } from './paths.js';
import { SCENARIO_PHRASE, scenarioSchema, type Scenario } from './schema.js';
import { readScenarioSource, type ScenarioSource } from './source.js';
import { credibleBandwidthSource } from '../platform/capacity-credibility.js';
import { loadGraphml } from '../platform/graphml.js';

export { canonicalJson };

function startsWith(segments: readonly unknown[], prefix: readonly unknown[]): boolean {
  return prefix.length <= segments.length && prefix.every((segment, index) => segments[index] === segment);
}

/** Places an issue: at its line in the file, or marked as coming from the last `--set` that covers it. */
function place(issue: PathIssue, source: ScenarioSource, overrides: readonly AppliedOverride[]): ScenarioIssue {
  const field = formatPath(issue.segments);
  const override = [...overrides].reverse().find((candidate) => startsWith(issue.segments, candidate.segments));
  if (override !== undefined) return scenarioIssue(field, issue.expected, `${issue.found} (from ${override.option} ${override.text})`);
  const position = source.locate(issue.segments);
  return scenarioIssue(field, issue.expected, issue.found, position.line, position.column);
}

function applyOverrides(file: string, data: Record<string, unknown>, overrides: readonly string[], options: readonly string[]): AppliedOverride[] {
  const applied: AppliedOverride[] = [];
  const issues: ScenarioIssue[] = [];
  for (const [index, text] of overrides.entries()) {
    const result = applyOverride(scenarioSchema, data, text, options[index] ?? '--set');
    if (result.ok) applied.push(result.override);
    else issues.push(result.issue);
  }
  if (issues.length > 0) throw new ScenarioError(file, issues);
  return applied;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Makes the topology file absolute (relative to the scenario's folder) and checks it exists; a
 * GraphML's `bandwidthFrom: auto` becomes the source its capacities call for (capacity-credibility.ts).
 */
function resolveTopologyFile(file: string, scenario: Scenario, source: ScenarioSource, overrides: readonly AppliedOverride[]): Scenario {
  const topology = scenario.topology;
  if (topology.kind === 'generate') return scenario;
  const absolute = resolve(dirname(file), topology.file);
  if (!isFile(absolute)) {
    const issue = { segments: ['topology', 'file'], expected: `an existing file (resolved to ${absolute})`, found: `'${topology.file}'` };
    throw new ScenarioError(file, [place(issue, source, overrides)]);
  }
  if (topology.kind === 'graphml' && topology.bandwidthFrom === 'auto') {
    return { ...scenario, topology: { ...topology, file: absolute, bandwidthFrom: credibleBandwidthSource(loadGraphml(absolute)) } };
  }
  return { ...scenario, topology: { ...topology, file: absolute } };
}

/**
 * Reads, overrides, validates and normalises the scenario in `file`.
 * @param overrides `path=value` texts, applied in order before validation.
 * @param overrideOptions the option each override came from, for messages (default `--set`; a sweep's points say `--param`).
 * @throws ScenarioError on any problem, with every validation issue found.
 */
export function loadScenario(file: string, overrides: readonly string[] = [], overrideOptions: readonly string[] = []): Scenario {
  const source = readScenarioSource(file);
  const data = source.data;
  if (!isRecord(data)) {
    const found = data === null || data === undefined ? 'an empty file' : describeValue(data);
    throw new ScenarioError(file, [scenarioIssue('', SCENARIO_PHRASE, found)]);
  }
  const applied = applyOverrides(file, data, overrides, overrideOptions);
  const result = scenarioSchema.safeParse(data);
  if (!result.success) {
    const issues = describeZodIssues(scenarioSchema, data, result.error.issues);
    throw new ScenarioError(file, issues.map((issue) => place(issue, source, applied)));
  }
  const scenario = withOverridesFolder(result.data, valueAt(data, ['output', 'dir']) !== undefined, overrides);
  const resolved = resolveImageManifest(file, resolveTraceFile(file, resolveTopologyFile(file, scenario, source, applied), source, applied), source, applied);
  refuseFamilyFieldsWithManifest(file, data, resolved, source, applied);
  return resolveOperatorsFile(file, resolved, source, applied);
}

/**
 * A run with `--set` overrides (other than the seed, which the folder names already, and the
 * trace, which changes nothing that runs) is another
 * run than the plain one: its default folder gets the first 8 hex digits of the SHA-256 of the
 * override texts, in order (`results/<name>/seed-<seed>-set-1a2b3c4d`), so it never lands on
 * the plain run's results. An output.dir given in the file or by `--set` is kept as it is.
 */
function withOverridesFolder(scenario: Scenario, dirGiven: boolean, overrides: readonly string[]): Scenario {
  const sets = overrides.filter((text) => !/^(seed|trace)=/.test(text));
  if (dirGiven || sets.length === 0) return scenario;
  const digest = createHash('sha256').update(sets.join('\n')).digest('hex').slice(0, 8);
  return { ...scenario, output: { dir: `${scenario.output.dir}-set-${digest}` } };
}

/** Makes a load trace file absolute (relative to the scenario's folder) and checks it exists. */
function resolveTraceFile(file: string, scenario: Scenario, source: ScenarioSource, overrides: readonly AppliedOverride[]): Scenario {
  const cloud = scenario.cloud;
  if (cloud === undefined || cloud.workload.kind !== 'trace') return scenario;
  const absolute = resolve(dirname(file), cloud.workload.file);
  if (!isFile(absolute)) {
    const issue = { segments: ['cloud', 'workload', 'file'], expected: `an existing file (resolved to ${absolute})`, found: `'${cloud.workload.file}'` };
    throw new ScenarioError(file, [place(issue, source, overrides)]);
  }
  return { ...scenario, cloud: { ...cloud, workload: { ...cloud.workload, file: absolute } } };
}

/** The fields of `cloud.images` that shape a generated image family, which a manifest replaces. */
const IMAGE_FAMILY_FIELDS = ['count', 'sizeGiB', 'chunkMiB', 'sharedShare', 'zeroShare'] as const;

/**
 * With `cloud.images.manifest`, the family generator's fields would be silently ignored: each one
 * the user set (in the file or by `--set`; their defaults are read from the raw input, before
 * zod filled them) is an issue naming it, all at once.
 */
function refuseFamilyFieldsWithManifest(file: string, data: Record<string, unknown>, scenario: Scenario, source: ScenarioSource, overrides: readonly AppliedOverride[]): void {
  if (scenario.cloud?.images?.manifest === undefined) return;
  const issues: ScenarioIssue[] = [];
  for (const field of IMAGE_FAMILY_FIELDS) {
    const segments = ['cloud', 'images', field];
    const value = valueAt(data, segments);
    if (value === undefined) continue;
    const expected = `no ${field} with cloud.images.manifest (the manifest lists the images and their chunks${field === 'chunkMiB' ? ', and its own chunkMiB' : ''}; ${field} shapes a generated family only)`;
    issues.push(place({ segments, expected, found: describeValue(value) }, source, overrides));
  }
  if (issues.length > 0) throw new ScenarioError(file, issues);
}

/** Makes an image manifest absolute (relative to the scenario's folder) and checks it exists; its content is checked when the run sets up its images. */
function resolveImageManifest(file: string, scenario: Scenario, source: ScenarioSource, overrides: readonly AppliedOverride[]): Scenario {
  const cloud = scenario.cloud;
  const manifest = cloud?.images?.manifest;
  if (cloud === undefined || cloud.images === undefined || manifest === undefined) return scenario;
  const absolute = resolve(dirname(file), manifest);
  if (!isFile(absolute)) {
    const issue = { segments: ['cloud', 'images', 'manifest'], expected: `an existing file (resolved to ${absolute})`, found: `'${manifest}'` };
    throw new ScenarioError(file, [place(issue, source, overrides)]);
  }
  return { ...scenario, cloud: { ...cloud, images: { ...cloud.images, manifest: absolute } } };
}

/** Makes the PoP operators file absolute (relative to the scenario's folder) and checks it exists; its content is checked when the run resolves the operators. */
function resolveOperatorsFile(file: string, scenario: Scenario, source: ScenarioSource, overrides: readonly AppliedOverride[]): Scenario {
  const operators = scenario.operators;
  if (operators?.file === undefined) return scenario;
  const absolute = resolve(dirname(file), operators.file);
  if (!isFile(absolute)) {
    const issue = { segments: ['operators', 'file'], expected: `an existing file (resolved to ${absolute})`, found: `'${operators.file}'` };
    throw new ScenarioError(file, [place(issue, source, overrides)]);
  }
  return { ...scenario, operators: { ...operators, file: absolute } };
}

/**
 * A short, machine-independent identity of a normalised scenario: 16 hex digits of the SHA-256
 * of its canonical JSON, where the topology file and an image manifest stand for their content
 * (SHA-256), not their absolute paths, and the output folder is left out (it says where results go, not what they are).
 */
export function scenarioHash(scenario: Scenario): string {
  // Where results go and what is traced change nothing that runs: a traced run is the same run.
  const { output: _output, trace: _trace, ...rest } = scenario;
  // The PoP operators file, like the topology file and an image manifest, stands for its content.
  const what = rest.operators?.file === undefined ? rest : { ...rest, operators: { ...rest.operators, file: fileDigest(rest.operators.file) } };
  const topology = 'file' in what.topology ? { ...what.topology, file: fileDigest(what.topology.file) } : what.topology;
  // An image manifest, likewise, stands for its content.
  const images = what.cloud?.images;
  if (what.cloud === undefined || images?.manifest === undefined) return canonicalHash({ ...what, topology });
  return canonicalHash({ ...what, topology, cloud: { ...what.cloud, images: { ...images, manifest: fileDigest(images.manifest) } } });
}

function fileDigest(path: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
}

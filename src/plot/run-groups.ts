/**
 * Runs that share a scenario and differ only by seed form a group (drawn as a band and a mean
 * line). A group's legend label says what tells it apart from the others: the scenario's name
 * when names differ, the fields whose values differ (`protocols.vivaldi.dimensions=8`), the
 * seed when seeds differ; the folder only when nothing else does. Labels given by the user
 * (`luc plot --label`) group the runs instead: one group per label.
 */
import type { RunFolder } from './run-folder.js';
import { scenarioDifferences } from './scenario-differences.js';

export interface RunGroup {
  readonly label: string;
  readonly runs: readonly RunFolder[];
}

/**
 * Groups in the order their first run was given. `labels`, when given, holds one label per
 * run (runs of one results argument share it): runs with one label form one group.
 */
export function groupRuns(runs: readonly RunFolder[], labels?: readonly string[]): RunGroup[] {
  if (labels !== undefined) {
    if (labels.length !== runs.length) throw new Error(`groupRuns: ${labels.length} labels for ${runs.length} runs`);
    const byLabel = new Map<string, RunFolder[]>();
    runs.forEach((run, i) => byLabel.set(labels[i], [...(byLabel.get(labels[i]) ?? []), run]));
    return [...byLabel.entries()].map(([label, members]) => ({ label, runs: members }));
  }
  const groups: { key: string; runs: RunFolder[] }[] = [];
  for (const run of runs) {
    const key = JSON.stringify(sortedKeys(withoutSeed(run)));
    // A second run of the same scenario and seed (another build, another machine) is a line of its own.
    const group = groups.find((g) => g.key === key && g.runs.every((r) => r.seed !== run.seed));
    if (group !== undefined) group.runs.push(run);
    else groups.push({ key, runs: [run] });
  }
  const labelsOf = groupLabels(groups.map((g) => g.runs), runs);
  return groups.map((g, i) => ({ label: labelsOf[i], runs: g.runs }));
}

/** The scenario minus what may differ between seeds of one experiment. */
function withoutSeed(run: RunFolder): Record<string, unknown> {
  const { seed, output: _output, ...rest } = run.scenario;
  const topology = rest.topology as Record<string, unknown> | undefined;
  // A generated topology's seed defaults to the scenario seed: then it varies with it.
  if (topology !== undefined && topology.kind === 'generate' && topology.seed === seed) {
    const { seed: _topologySeed, ...others } = topology;
    return { ...rest, topology: others };
  }
  return rest;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(object).sort().map((k) => [k, sortedKeys(object[k])]));
}

const LABEL_LENGTH_MAX = 60;

function groupLabels(groups: readonly (readonly RunFolder[])[], runs: readonly RunFolder[]): string[] {
  const firsts = groups.map((members) => members[0]);
  if (groups.length === 1) return [firsts[0].scenarioName];
  const names = firsts.map((run) => run.scenarioName);
  const namesDiffer = new Set(names).size > 1;
  const fields = scenarioDifferences(firsts.map(withoutSeed)).filter((d) => d.path !== 'name');
  const seedsDiffer = new Set(runs.map((run) => run.seed)).size > 1;
  const labelsWith = (paths: readonly string[]): string[] =>
    firsts.map((run, i) => {
      const parts = [
        ...(namesDiffer ? [names[i]] : []),
        ...fields.map((d, k) => `${paths[k]}=${d.values[i]}`),
        // A group of several seeds says how many where it is drawn; a single run names its seed.
        ...(seedsDiffer && groups[i].length === 1 ? [`seed ${run.seed}`] : []),
      ];
      return parts.length === 0 ? run.dir : parts.join(', ');
    });
  // Full paths when they fit, else their last two segments, else the last (while they stay distinct).
  let labels = labelsWith(fields.map((d) => d.path));
  for (const segments of [2, 1]) {
    if (labels.every((label) => label.length <= LABEL_LENGTH_MAX)) break;
    const short = fields.map((d) => d.path.split('.').slice(-segments).join('.'));
    if (new Set(short).size === short.length) labels = labelsWith(short);
  }
  labels = labels.map((text) => (text.length > LABEL_LENGTH_MAX ? `${text.slice(0, LABEL_LENGTH_MAX - 1)}…` : text));
  // Labels that still collide (truncated alike, or nothing but the seed set differs) get their folder.
  return labels.map((label, i) => (labels.indexOf(label) === i && labels.lastIndexOf(label) === i ? label : `${label} (${firsts[i].dir})`));
}

/** "3 seeds", or "3 runs" when some of the group's runs share a seed (grouped by --label). */
export function runsWord(group: RunGroup): string {
  const seeds = new Set(group.runs.map((run) => run.seed)).size;
  return seeds === group.runs.length ? `${seeds} seeds` : `${group.runs.length} runs`;
}

/** ", seed 7" when every run has that seed (labels then leave seeds out), else ''. */
export function commonSeed(runs: readonly RunFolder[]): string {
  return runs.length > 0 && runs.every((run) => run.seed === runs[0].seed) ? `, seed ${runs[0].seed}` : '';
}

/**
 * Runs that share a scenario and differ only by seed form a group (drawn as a band and a mean
 * line); groups are labelled by what tells their scenarios apart (`protocols.vivaldi.dimensions=8`).
 */
import type { RunFolder } from './run-folder.js';

export interface RunGroup {
  readonly label: string;
  readonly runs: readonly RunFolder[];
}

/** Groups in the order their first run was given. */
export function groupRuns(runs: readonly RunFolder[]): RunGroup[] {
  const byKey = new Map<string, RunFolder[]>();
  for (const run of runs) {
    const key = JSON.stringify(sorted(withoutSeed(run)));
    const members = byKey.get(key) ?? [];
    members.push(run);
    byKey.set(key, members);
  }
  const groups = [...byKey.values()];
  const labels = groupLabels(groups.map((members) => withoutSeed(members[0])));
  return groups.map((members, i) => ({ label: labels[i], runs: members }));
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

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(object).sort().map((k) => [k, sorted(object[k])]));
}

/** Leaf path -> the value as a label shows it (arrays are leaves, summarised by their kinds). */
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value).sort()) flatten((value as Record<string, unknown>)[key], prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out.set(prefix, display(value));
  }
  return out;
}

function display(value: unknown): string {
  if (!Array.isArray(value)) return (JSON.stringify(value) ?? 'undefined').replace(/^"(.*)"$/, '$1');
  const items = value.map((item: unknown) =>
    item !== null && typeof item === 'object' && 'kind' in item ? String((item as { kind: unknown }).kind) : JSON.stringify(item),
  );
  return `[${items.join(', ')}]`;
}

const LABEL_LENGTH_MAX = 60;

function groupLabels(scenarios: readonly Record<string, unknown>[]): string[] {
  const names = scenarios.map((s) => String(s.name));
  if (scenarios.length === 1) return names;
  const flat = scenarios.map((s) => flatten(s, '', new Map()));
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  const differing = paths.filter((p) => new Set(flat.map((f) => f.get(p) ?? 'undefined')).size > 1 && p !== 'name');
  const namesDiffer = new Set(names).size > 1;
  const labels = flat.map((f, i) => {
    const parts = differing.map((p) => `${p}=${f.get(p) ?? '-'}`);
    const text = [...(namesDiffer ? [names[i]] : []), ...parts].join(', ');
    return text.length > LABEL_LENGTH_MAX ? `${text.slice(0, LABEL_LENGTH_MAX - 1)}…` : text;
  });
  // Labels that still collide (e.g. truncated alike) get their position.
  return labels.map((label, i) => (labels.indexOf(label) === i && labels.lastIndexOf(label) === i ? label : `${label} #${i + 1}`));
}

/**
 * The simulated twin of a live run: the same scenario, seed and duration simulated on exactly the
 * agents' hosts, written as a `luc run` folder beside the live results, for a side-by-side.
 */
import { basename, dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/run-scenario.js';
import { readScenarioSource } from '../scenario/source.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { Scenario } from '../scenario/schema.js';
import { writeResults } from '../metrics/write-results.js';
import { LIVE_MATRIX_MISSING } from '../runtime/live/agent-config.js';

/**
 * The simulated twin of a live launch: the same scenario on the same agents (a matrix topology
 * of the RTTs the shim applied, one host per row), the same duration and seed, without the faults
 * and churn the live run does not apply either (a testbed gives the `faults` it applies, host i
 * being agent i). Its results go to `dir` (a `luc run` folder).
 */
export function runTwin(scenarioFile: string, sets: readonly string[], matrixFile: string, durationS: number, dir: string, faults: readonly Record<string, unknown>[] = []): { dir: string; metrics: Record<string, number> } {
  const data = JSON.parse(JSON.stringify(readScenarioSource(scenarioFile).data)) as Record<string, unknown>;
  for (const section of ['hosts', 'faults', 'churn']) delete data[section];
  if (faults.length > 0) data.faults = faults;
  // The matrix beside the twin's file, named relative to it: the file still runs once the launch
  // has moved both into its results folder (agents/), as `luc compare` does for further seeds.
  const twinFile = join(dirname(matrixFile), 'twin-scenario.json');
  writeFileSync(twinFile, `${JSON.stringify({ ...data, durationS, topology: { kind: 'matrix', file: basename(matrixFile), unit: 'ms', missing: [...LIVE_MATRIX_MISSING] } }, null, 2)}\n`);
  return simulateTwin(twinFile, sets, dir);
}

/**
 * The simulated twin of a live launch with a cloud (or a testbed's, whose faults cut links and
 * PoPs): migrations and faults need the backbone's links, so the twin keeps the backbone and holds exactly the agents' hosts (`hosts.perPop` as a list of the
 * agents per PoP). Hosts are numbered PoP by PoP in both, so twin host i is agent i, and the
 * cloud (VMs, VEs, loads) is laid out as the live plan lays it (`live-cloud.ts`). Null, with a
 * note, when two PoPs share a name (a list by name cannot say which).
 */
export function runBackboneTwin(
  scenario: Scenario,
  network: BackboneNetwork,
  agentHosts: readonly number[],
  durationS: number,
  twinFile: string,
  dir: string,
  faults: readonly Record<string, unknown>[] = [],
  source: { readonly file: string; readonly sets: readonly string[] },
): { dir: string; metrics: Record<string, number> } | null {
  const pops = network.backbone.pops;
  if (new Set(pops.map((p) => p.name)).size !== pops.length) {
    process.stderr.write(`note: no simulated twin: two PoPs of ${network.backbone.name} share a name\n`);
    return null;
  }
  const counts: Record<string, number> = {};
  for (const host of agentHosts) {
    const name = pops[network.hostPop[host]].name;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  const hosts = { ...scenario.hosts, perPop: { rule: 'list', counts, default: 0 } };
  // From the file as written (its sections parse again; parsed ones need not, e.g. Vivaldi's
  // `height` becomes `useHeight`), with the files it names resolved (absolute paths).
  const raw = JSON.parse(JSON.stringify(readScenarioSource(source.file).data)) as Record<string, unknown>;
  const data = { ...raw, topology: scenario.topology, ...withResolvedTrace(raw, scenario), durationS, hosts, faults, churn: undefined };
  writeFileSync(twinFile, `${JSON.stringify(data, null, 2)}\n`);
  return simulateTwin(twinFile, source.sets, dir);
}

/**
 * The twin of a finished launch again, with another seed (`luc compare --seeds K`): its scenario
 * file as the launch wrote it (`agents/twin-scenario.json`: the agents' hosts, RTTs and faults;
 * a generated backbone keeps its own seed), with the launch's overrides and `seed` last.
 */
export function simulateTwinWithSeed(twinFile: string, sets: readonly string[], seed: number, dir: string): { dir: string; metrics: Record<string, number> } {
  return simulateTwin(twinFile, [...sets, `seed=${seed}`], dir);
}

/** Runs the twin's scenario file (with the launch's own overrides) and writes it as a `luc run` folder in `dir`. */
function simulateTwin(twinFile: string, sets: readonly string[], dir: string): { dir: string; metrics: Record<string, number> } {
  const twin = loadScenario(twinFile, ownSets(sets));
  const outcome = runScenario(twin, twinFile);
  const metrics = outcome.series.finalValues();
  const summary = { scenario: twin.name, seed: twin.seed, mode: 'simulated twin of the live run', hosts: outcome.hostCount, virtualTimeS: outcome.virtualTimeS, eventsProcessed: outcome.eventsProcessed, metrics };
  writeResults(dir, { rows: outcome.series.all(), summary, resolvedScenario: twin });
  return { dir, metrics };
}

/** The raw `cloud` section with its load trace's path made absolute (the twin's file lives elsewhere). */
function withResolvedTrace(raw: Record<string, unknown>, scenario: Scenario): { cloud?: Record<string, unknown> } {
  const workload = scenario.cloud?.workload;
  if (workload?.kind !== 'trace') return {};
  const cloud = raw.cloud as Record<string, unknown>;
  return { cloud: { ...cloud, workload: { ...(cloud.workload as Record<string, unknown>), file: workload.file } } };
}

/** The overrides the twin takes again: not those of the sections its file sets for the agents (hosts, faults, churn, duration). */
function ownSets(sets: readonly string[]): string[] {
  return sets.filter((set) => !/^(hosts|faults|churn|durationS)\b/.test(set));
}

import { relative, resolve } from 'node:path';
import { loadScenario, scenarioHash } from '../scenario/load.js';
import { prepareScenario, type RunProgress } from '../scenario/run-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import type { SetupPhase } from '../scenario/build-world.js';
import { writeResults } from '../metrics/write-results.js';
import type { CodeVersion } from './provenance.js';
import { claimResultsFolder } from './results-folder.js';

export interface ExecuteRunOptions {
  readonly scenarioFile: string;
  /** `--set` overrides, applied in order (a seed is `seed=N`). */
  readonly overrides: readonly string[];
  /** Results folder; default: the scenario's output.dir. */
  readonly outDir?: string;
  readonly code: CodeVersion;
  /** Recorded in summary.json, to replay the run. */
  readonly commandLine: string;
  /**
   * Write into a folder holding other files too, replacing only the run's own (`luc run
   * --force`; sweeps and checks, whose run folders are theirs). Without it such a folder is
   * refused before the run (see results-folder.ts).
   */
  readonly force: boolean;
  readonly onStart?: (scenario: Scenario) => void;
  /** What the topology loader dropped (self-loops, unplaceable PoPs), one sentence each. */
  readonly onWarning?: (warning: string) => void;
  readonly onProgress?: (progress: RunProgress, scenario: Scenario) => void;
  /** Each set-up phase as it begins (before onStart). */
  readonly onPhase?: (phase: SetupPhase) => void;
}

export interface ExecuteRunResult {
  readonly outDir: string;
  readonly scenario: Scenario;
  readonly wallTimeS: number;
  readonly metrics: Record<string, number>;
}

/**
 * Load, validate, run and write one results folder (metrics.csv, summary.json, scenario.json).
 * Shared by `luc run`, `luc check` and the workers of `luc sweep`. Throws ScenarioError /
 * TopologyError / UsageError (an occupied folder) on bad input before any event runs.
 */
export function executeRun(options: ExecuteRunOptions): ExecuteRunResult {
  const scenario = loadScenario(options.scenarioFile, options.overrides);
  const outDir = resolve(options.outDir ?? scenario.output.dir);
  const hash = scenarioHash(scenario);
  claimResultsFolder(outDir, hash, options.force);
  const prepared = prepareScenario(scenario, options.scenarioFile, {
    onProgress: (progress) => options.onProgress?.(progress, scenario),
    onPhase: options.onPhase,
  });
  for (const warning of prepared.warnings) options.onWarning?.(warning);
  options.onStart?.(scenario);
  const wallStartMs = performance.now();
  const outcome = prepared.run();
  const wallTimeS = (performance.now() - wallStartMs) / 1000;
  const metrics = outcome.series.finalValues();
  const summary = {
    scenario: scenario.name,
    seed: scenario.seed,
    scenarioHash: hash,
    code: options.code,
    commandLine: options.commandLine,
    hosts: outcome.hostCount,
    virtualTimeS: outcome.virtualTimeS,
    eventsProcessed: outcome.eventsProcessed,
    wallTimeS: Number(wallTimeS.toFixed(3)),
    eventsPerSecond: Math.round(outcome.eventsProcessed / Math.max(wallTimeS, 1e-9)),
    metrics,
  };
  const resolved = { ...scenario, topology: portableTopology(scenario.topology), output: { dir: relative(process.cwd(), outDir) || '.' } };
  const dimensions = outcome.coordinates[0]?.vec.length ?? 0;
  const coordinates =
    outcome.coordinates.length === 0
      ? undefined
      : {
          columns: [...Array.from({ length: dimensions }, (_, k) => `x${k}_ms`), 'height_ms', 'error_estimate'],
          rows: outcome.coordinates.map((c) => ({ node: c.node, values: [...c.vec, c.heightMs, c.errorEstimate] })),
        };
  writeResults(outDir, { rows: outcome.series.all(), summary, resolvedScenario: resolved, coordinates, trace: outcome.trace ?? undefined, tables: outcome.tables.map((t) => ({ ...t, name: t.name as 'hosts.csv' | 'vms.csv' })) });
  return { outDir, scenario, wallTimeS, metrics };
}

/** The resolved scenario records the topology file relative to the current directory. */
function portableTopology<T extends { kind: string }>(topology: T): T {
  if (!('file' in topology) || typeof topology.file !== 'string') return topology;
  return { ...topology, file: relative(process.cwd(), topology.file) };
}

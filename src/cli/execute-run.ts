import { relative, resolve } from 'node:path';
import { loadScenario, scenarioHash } from '../scenario/load.js';
import { runScenario, type RunProgress } from '../scenario/run-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { writeResults } from '../metrics/write-results.js';
import type { CodeVersion } from './provenance.js';

export interface ExecuteRunOptions {
  readonly scenarioFile: string;
  /** `--set` overrides, applied in order (a seed is `seed=N`). */
  readonly overrides: readonly string[];
  /** Results folder; default: the scenario's output.dir. */
  readonly outDir?: string;
  readonly code: CodeVersion;
  /** Recorded in summary.json, to replay the run. */
  readonly commandLine: string;
  readonly onStart?: (scenario: Scenario) => void;
  readonly onProgress?: (progress: RunProgress, scenario: Scenario) => void;
}

export interface ExecuteRunResult {
  readonly outDir: string;
  readonly scenario: Scenario;
  readonly wallTimeS: number;
  readonly metrics: Record<string, number>;
}

/**
 * Load, validate, run and write one results folder (metrics.csv, summary.json, scenario.json).
 * Shared by `luc run` and by the workers of `luc sweep`. Throws ScenarioError / TopologyError
 * on bad input before anything is written.
 */
export function executeRun(options: ExecuteRunOptions): ExecuteRunResult {
  const scenario = loadScenario(options.scenarioFile, options.overrides);
  const outDir = resolve(options.outDir ?? scenario.output.dir);
  options.onStart?.(scenario);
  const wallStartMs = performance.now();
  const outcome = runScenario(scenario, options.scenarioFile, {
    onProgress: (progress) => options.onProgress?.(progress, scenario),
  });
  const wallTimeS = (performance.now() - wallStartMs) / 1000;
  const metrics = outcome.series.finalValues();
  const summary = {
    scenario: scenario.name,
    seed: scenario.seed,
    scenarioHash: scenarioHash(scenario),
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
  writeResults(outDir, { rows: outcome.series.all(), summary, resolvedScenario: resolved, coordinates });
  return { outDir, scenario, wallTimeS, metrics };
}

/** The resolved scenario records the topology file relative to the current directory. */
function portableTopology<T extends { kind: string }>(topology: T): T {
  if (!('file' in topology) || typeof topology.file !== 'string') return topology;
  return { ...topology, file: relative(process.cwd(), topology.file) };
}

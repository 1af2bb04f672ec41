import { relative, resolve } from 'node:path';
import { loadScenario, scenarioHash } from '../scenario/load.js';
import { runScenario } from '../scenario/run-scenario.js';
import { writeResults } from '../metrics/write-results.js';
import { codeVersion } from './provenance.js';
import { ProgressLine } from './progress.js';
import { UsageError } from './exit-codes.js';

export interface RunCommandOptions {
  readonly seed?: string;
  readonly set: string[];
  readonly out?: string;
  readonly quiet: boolean;
}

export interface RunCommandResult {
  readonly outDir: string;
  readonly seed: number;
  readonly metrics: Record<string, number>;
}

/** `luc run`: load and validate, run, then write metrics.csv, summary.json and scenario.json. */
export function runCommand(scenarioFile: string, options: RunCommandOptions, argv: readonly string[]): RunCommandResult {
  const overrides = [...options.set];
  if (options.seed !== undefined) {
    if (!/^\d+$/.test(options.seed)) throw new UsageError(`--seed: expected an integer >= 0, found '${options.seed}'`);
    overrides.push(`seed=${options.seed}`);
  }
  const scenario = loadScenario(scenarioFile, overrides);
  const outDir = resolve(options.out ?? scenario.output.dir);
  const log = (line: string): void => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  log(`luc run ${scenario.name}: seed ${scenario.seed}, ${scenario.durationS} s virtual`);
  const progress = new ProgressLine(options.quiet);
  const wallStartMs = performance.now();
  const outcome = runScenario(scenario, scenarioFile, {
    onProgress: (p) => progress.update(p.virtualS, scenario.durationS, p.events),
  });
  progress.done();
  const wallTimeS = (performance.now() - wallStartMs) / 1000;
  const metrics = outcome.series.finalValues();
  const summary = {
    scenario: scenario.name,
    seed: scenario.seed,
    scenarioHash: scenarioHash(scenario),
    code: codeVersion(),
    commandLine: argv.join(' '),
    hosts: outcome.hostCount,
    virtualTimeS: outcome.virtualTimeS,
    eventsProcessed: outcome.eventsProcessed,
    wallTimeS: Number(wallTimeS.toFixed(3)),
    eventsPerSecond: Math.round(outcome.eventsProcessed / Math.max(wallTimeS, 1e-9)),
    metrics,
  };
  const resolved = { ...scenario, topology: portableTopology(scenario.topology), output: { dir: relative(process.cwd(), outDir) || '.' } };
  writeResults(outDir, { rows: outcome.series.all(), summary, resolvedScenario: resolved });
  log(`wrote ${relative(process.cwd(), outDir) || '.'}/{metrics.csv,summary.json,scenario.json} in ${wallTimeS.toFixed(2)} s wall`);
  return { outDir, seed: scenario.seed, metrics };
}

/** The resolved scenario records the topology file relative to the current directory. */
function portableTopology<T extends { kind: string }>(topology: T): T {
  if (!('file' in topology) || typeof topology.file !== 'string') return topology;
  return { ...topology, file: relative(process.cwd(), topology.file) };
}

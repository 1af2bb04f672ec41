/**
 * `luc check [BASELINE...]`: regression checks of convergence metrics. Runs each baseline's
 * scenario once per seed (one results folder each, under --out), compares the mean of each
 * metric's final value with the expected one, prints a table, and exits 1 on any regression.
 * `--update` rewrites the expected values from the fresh runs instead and shows the diff.
 */
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadBaseline, unknownMetricError, type Baseline } from '../check/baseline.js';
import { compareBaseline, meansOver, type CheckResult } from '../check/compare.js';
import { countVerdicts, formatResults, formatVerdictLine } from '../check/table.js';
import { formatBaselineJson, formatChanges, withExpected, type ExpectedChange } from '../check/update.js';
import { loadScenario } from '../scenario/load.js';
import { ScenarioError } from '../scenario/errors.js';
import { executeRun } from './execute-run.js';
import { EXIT_INTERNAL, EXIT_OK, reportError, UsageError } from './exit-codes.js';
import { codeVersion, PACKAGE_ROOT } from './provenance.js';

export const DEFAULT_BASELINE_DIR = join(PACKAGE_ROOT, 'scenarios', 'baselines');
export const EXIT_REGRESSION = EXIT_INTERNAL;

export interface CheckCommandOptions {
  readonly update: boolean;
  readonly out: string;
  readonly quiet: boolean;
}

function defaultBaselines(): string[] {
  let names: string[];
  try {
    names = readdirSync(DEFAULT_BASELINE_DIR).filter((name) => name.endsWith('.json'));
  } catch {
    names = [];
  }
  if (names.length === 0) throw new UsageError(`no baseline given and no ${DEFAULT_BASELINE_DIR}/*.json`);
  return names.sort().map((name) => join(DEFAULT_BASELINE_DIR, name));
}

/** A path as the user reads it: relative to the current folder when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

/** Loads the scenario of every baseline with its overrides, so bad input stops us before any run. */
function validateScenarios(baselines: readonly Baseline[]): void {
  for (const baseline of baselines) {
    try {
      loadScenario(baseline.scenarioFile, [...baseline.overrides, `seed=${baseline.seeds[0]}`]);
    } catch (error) {
      if (error instanceof ScenarioError) throw new UsageError(`baseline ${shown(baseline.file)}: ${error.message}`);
      throw error;
    }
  }
}

/** The final metrics (summary.json `metrics`) of one run per seed. */
function runSeeds(baseline: Baseline, options: CheckCommandOptions, log: (line: string) => void): Record<string, number>[] {
  const code = codeVersion();
  return baseline.seeds.map((seed, index) => {
    const outDir = resolve(options.out, baseline.name, `seed-${seed}`);
    const result = executeRun({
      scenarioFile: baseline.scenarioFile,
      overrides: [...baseline.overrides, `seed=${seed}`],
      outDir,
      // results/check/<baseline>/seed-<s> is the check's own folder, re-run at every check
      force: true,
      code,
      commandLine: `luc check ${shown(baseline.file)} (seed ${seed})`,
    });
    log(`check ${baseline.name}: seed ${seed} (${index + 1}/${baseline.seeds.length}) in ${result.wallTimeS.toFixed(2)} s -> ${shown(outDir)}`);
    return result.metrics;
  });
}

/** Means over the seeds of every checked metric; exit 2 when a run lacks one. */
function checkedMeans(baseline: Baseline, runs: readonly Record<string, number>[]): Map<string, number> {
  const metrics = baseline.checks.map((check) => check.metric);
  const means = meansOver(runs, metrics);
  const missing = baseline.checks.findIndex((check) => !means.has(check.metric));
  if (missing >= 0) throw unknownMetricError(baseline, missing, Object.keys(runs[0] ?? {}).sort());
  return means;
}

function writeAtomically(file: string, text: string): void {
  const partial = `${file}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

/** Runs the check (or the update) and returns the exit code. Throws on bad input. */
export function checkCommand(files: readonly string[], options: CheckCommandOptions): number {
  const log = (line: string): void => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const paths = files.length > 0 ? [...files] : defaultBaselines();
  const baselines = paths.map(loadBaseline);
  validateScenarios(baselines);
  const startMs = performance.now();
  const results: CheckResult[] = [];
  const changes: ExpectedChange[] = [];
  for (const baseline of baselines) {
    const means = checkedMeans(baseline, runSeeds(baseline, options, log));
    if (options.update) {
      writeAtomically(baseline.file, formatBaselineJson(withExpected(baseline.data, means)));
      for (const check of baseline.checks) {
        changes.push({ baseline: baseline.name, metric: check.metric, old: check.expected, new: means.get(check.metric) as number });
      }
    } else {
      results.push(...compareBaseline(baseline.name, baseline.checks, means));
    }
  }
  const wallS = ((performance.now() - startMs) / 1000).toFixed(1);
  if (options.update) {
    process.stdout.write(formatChanges(changes));
    const moved = changes.filter((change) => change.old !== change.new).length;
    process.stdout.write(`updated ${baselines.length} baseline(s), ${moved} of ${changes.length} expected value(s) changed, in ${wallS} s\n`);
    return EXIT_OK;
  }
  process.stdout.write(formatResults(results));
  process.stdout.write(formatVerdictLine(results));
  log(`luc check: ${baselines.length} baseline(s) in ${wallS} s`);
  return countVerdicts(results).REGRESSION > 0 ? EXIT_REGRESSION : EXIT_OK;
}

export function registerCheckCommands(program: Command): void {
  program
    .command('check')
    .argument('[baselines...]', 'baseline files (default: the bundled scenarios/baselines/*.json)')
    .option('--update', 'rewrite the expected values from a fresh run (tolerances and directions kept) and show old -> new', false)
    .option('--out <dir>', 'where the runs write their results folders (DIR/<baseline>/seed-<seed>)', join('results', 'check'))
    .option('--quiet', 'no progress lines on stderr', false)
    .description('regression checks of convergence metrics: run baselines, compare with expected values, exit 1 on a regression')
    .action((files: string[], options: CheckCommandOptions) => {
      try {
        process.exitCode = checkCommand(files, options);
      } catch (error) {
        process.exitCode = reportError(error, undefined);
      }
    });
}

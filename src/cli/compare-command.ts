/**
 * `luc compare SCENARIO [--live testbed|loopback|deploy] [--agents N] [--seeds K]`: the scenario
 * run live (one run) and simulated on exactly the same agents (the launch's twin: their hosts,
 * RTTs and faults, the live run's seed; with --seeds K, K - 1 more twins with the next seeds),
 * then a comparison of the final value of every metric both have (compare.csv, compare.md), the
 * targets of issue 12 judged (`check/live-compare.ts`), and the convergence curves of both
 * overlaid (compare-<metric>.svg). A miss is a measurement: exit 0, unless --assert (exit 3).
 *
 *   OUT/live/        the launch's folder (metrics.csv, summary.json, agents/, twin/ = seed s)
 *   OUT/sim/seed-n/  the twins of the further seeds (s+1 .. s+K-1)
 *   OUT/compare.csv, compare.md, compare.json, compare-<metric>.svg
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { compareRuns, LIVE_TARGETS, type ComparisonRow } from '../check/live-compare.js';
import { comparisonCsv, comparisonMarkdown, formatTarget } from '../check/live-compare-table.js';
import { formatNumber } from '../check/table.js';
import { compareCharts } from '../plot/compare-charts.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { TestbedError } from '../runtime/live/netns/ip-command.js';
import { LiveConfigError } from '../runtime/live/live-errors.js';
import { defaultLiveKind, liveSideOf, type LiveSide } from './compare-live.js';
import { addDeployTargetOptions, type DeployTargetOptions } from './deploy-command.js';
import { LAUNCH_AGENTS_MAX } from './live-scenario.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, isBadInput, printable, UsageError } from './exit-codes.js';
import { simulateTwinWithSeed } from './live-twin.js';
import { liveTiming, timingNote } from './compare-timing.js';
import { codeVersion } from './provenance.js';
import { shellJoin } from './shell-quote.js';

/** `--assert` and a target missed: distinct from bad input (2) and an internal error (1). */
export const EXIT_TARGET_MISSED = 3;
/** Twins a comparison may simulate. */
const SEEDS_MAX = 100;
/** The sections whose metrics a live launch scores, hence that a comparison can compare. */
const COMPARABLE = ['vivaldi', 'spiral', 'chord', 'can', 'routing', 'vmIndex'] as const;

export interface CompareOptions extends DeployTargetOptions {
  readonly live?: string;
  readonly agents: string;
  readonly seeds: string;
  readonly seed?: string;
  readonly durationS?: string;
  readonly set: string[];
  readonly out?: string;
  readonly assert: boolean;
}

export function registerCompareCommand(program: Command): void {
  addDeployTargetOptions(program.command('compare').argument('<scenario>', 'scenario file (YAML or JSON)'))
    .option('--live <where>', 'where the live side runs: testbed (network namespaces, root; the default as root), loopback (luc live launch; the default otherwise), deploy (luc deploy on the machines of --nodes or --oar, with the ssh options below)')
    .option('--agents <n>', 'live agents (one per namespace on the testbed), each standing for a host spread over the backbone', '16')
    .option('--seeds <k>', 'simulated twins, seeds s..s+k-1 (their min-max is the spread the live value is checked against)', '1')
    .option('--seed <s>', "the live run's seed, and the first twin's (default: the scenario's)")
    .option('--duration-s <d>', "run length in seconds (default: the scenario's durationS)")
    .option('--set <path=value>', 'override a scenario field (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--out <dir>', 'comparison folder (default: results/<name>/compare-<live>-<agents>-seed-<s>)')
    .option('--assert', `exit ${EXIT_TARGET_MISSED} when a target misses (for CI); without it a miss is reported and the exit code is 0`, false)
    .description('run a scenario live and simulated on the same agents, seed and latencies; write compare.csv, compare.md and the convergence curves of both')
    .action((scenarioFile: string, options: CompareOptions) => exitCodeOf(() => compareCommand(scenarioFile, options, process.argv.slice(1))));
}

interface Plan {
  readonly side: LiveSide;
  readonly scenario: Scenario;
  readonly sets: string[];
  readonly seed: number;
  readonly agents: number;
  readonly seeds: number;
  readonly outDir: string;
}

/** Everything checked before anything runs: bad input is exit 2 with nothing written. */
function planCompare(scenarioFile: string, options: CompareOptions): Plan {
  const side = liveSideOf(options.live ?? defaultLiveKind(), options);
  if (side.kind !== 'deploy' && (options.nodes !== undefined || options.oar === true)) {
    throw new UsageError(`${options.nodes !== undefined ? '--nodes' : '--oar'}: machines are for --live deploy, not --live ${side.kind}`);
  }
  const seeds = positiveInteger(options.seeds, '--seeds', SEEDS_MAX);
  const agents = positiveInteger(options.agents, '--agents', LAUNCH_AGENTS_MAX, 2);
  const seedSet = options.seed === undefined ? [] : [`seed=${positiveInteger(options.seed, '--seed', Number.MAX_SAFE_INTEGER, 0)}`];
  const sets = options.set;
  const scenario = loadScenario(scenarioFile, [...sets, ...seedSet]);
  const present = COMPARABLE.filter((name) => scenario.protocols[name] !== undefined);
  if (present.length === 0 && scenario.scheduler === undefined) {
    throw new UsageError(`${printable(scenarioFile)}: protocols: expected a protocol the live launch scores (${COMPARABLE.join(', ')}) or a scheduler section, found ${Object.keys(scenario.protocols).join(', ') || 'none'}: nothing to compare`);
  }
  const outDir = resolve(options.out ?? join(dirname(scenario.output.dir), `compare-${side.kind}-${agents}-seed-${scenario.seed}`));
  checkOutDir(outDir);
  return { side, scenario, sets, seed: scenario.seed, agents, seeds, outDir };
}

function positiveInteger(text: string, option: string, max: number, min = 1): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${option}: expected an integer from ${min} to ${max}, got '${printable(text)}'`);
  return Number(text);
}

/** New, empty, or an earlier comparison (replaced); anything else is refused. */
function checkOutDir(outDir: string): void {
  if (!existsSync(outDir)) return;
  const entries = readdirSync(outDir);
  if (entries.length > 0 && !entries.includes('compare.json')) {
    throw new UsageError(`${printable(outDir)}: holds files that are not an earlier comparison (no compare.json): give another --out, or empty it`);
  }
}

export async function compareCommand(scenarioFile: string, options: CompareOptions, argv: readonly string[]): Promise<void> {
  const plan = planCompare(scenarioFile, options);
  const { outDir, side, seed, agents } = plan;
  for (const name of ['live', 'sim', 'compare.csv', 'compare.md', 'compare.json']) rmSync(join(outDir, name), { recursive: true, force: true });
  for (const name of existsSync(outDir) ? readdirSync(outDir) : []) if (/^compare-.*\.svg$/.test(name)) rmSync(join(outDir, name));
  const loadStart = loadavg();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  log(`compare ${plan.scenario.name}: live on ${side.describe(agents)}, ${plan.seeds} simulated twin(s) from seed ${seed}; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);

  const liveDir = join(outDir, 'live');
  const liveStart = performance.now();
  await side.run({ scenarioFile, sets: plan.sets, seed, agents, durationS: options.durationS, outDir: liveDir, argv });
  const liveWallS = (performance.now() - liveStart) / 1000;
  const loadLive = loadavg();
  const liveSummary = readSummary(liveDir);
  if (liveSummary === null) throw new Error(`the live run wrote no ${join(liveDir, 'summary.json')} (interrupted?)`);
  const twinDir = join(liveDir, 'twin');
  const firstTwin = readSummary(twinDir);
  if (firstTwin === null) throw new Error(`the live run wrote no simulated twin (${join(twinDir, 'summary.json')}): see the notes above`);

  mkdirSync(outDir, { recursive: true });
  const simStart = performance.now();
  const simDirs = [twinDir];
  const twins = [firstTwin.metrics];
  for (let k = 1; k < plan.seeds; k++) {
    const dir = join(outDir, 'sim', `seed-${seed + k}`);
    twins.push(simulateTwinWithSeed(join(liveDir, 'agents', 'twin-scenario.json'), plan.sets, seed + k, dir).metrics);
    simDirs.push(dir);
  }
  const simWallS = (performance.now() - simStart) / 1000;

  const rows = compareRuns(liveSummary.metrics, twins);
  const liveLabel = `live (${side.kind}, ${agents} agents)`;
  const charts = compareCharts({ simDirs, liveDir, liveLabel, metrics: rows.filter((r) => r.target !== null).map((r) => r.metric) });
  for (const chart of charts) writeFileSync(join(outDir, chart.name), chart.svg);
  const loadEnd = loadavg();
  const durationS = Number(liveSummary.durationS);
  const timing = liveTiming(join(liveDir, 'agents'), durationS);
  const notes = [
    `live: ${side.describe(agents)}, ${durationS} s, seed ${seed}: \`live/\` (wall ${liveWallS.toFixed(1)} s)`,
    `simulated: the same ${agents} hosts, RTTs and faults (the launch's twin), seed${plan.seeds > 1 ? `s ${seed}..${seed + plan.seeds - 1}` : ` ${seed}`}: \`live/twin/\`${plan.seeds > 1 ? ', `sim/seed-<n>/`' : ''} (further twins ${simWallS.toFixed(1)} s)`,
    `load average (1, 5, 15 min) at the start ${fmtLoad(loadStart)}, after the live run ${fmtLoad(loadLive)}, at the end ${fmtLoad(loadEnd)}`,
    ...(timing === null ? [] : [timingNote(timing)]),
    `relative difference = (live - simulated) / |simulated|; targets: ${LIVE_TARGETS.map((t) => `${t.pattern.source.replace(/^\^|\$$/g, '').replace(/\\\./g, '.').replace('\\d+', '<k>')} ${formatTarget(t.tolerance)}`).join(', ')} of the simulated ${plan.seeds > 1 ? 'mean' : 'value'}`,
  ];
  const title = `${plan.scenario.name}: live (${side.kind}, ${agents} agents) against simulated`;
  writeFileSync(join(outDir, 'compare.csv'), comparisonCsv(rows));
  writeFileSync(join(outDir, 'compare.md'), comparisonMarkdown(rows, { title, notes, seeds: plan.seeds }));
  const missed = rows.filter((r) => r.verdict === 'miss');
  const record = {
    scenario: plan.scenario.name,
    seed,
    seeds: plan.seeds,
    live: side.kind,
    agents,
    durationS,
    code: codeVersion(),
    commandLine: shellJoin(argv),
    liveWallS: round(liveWallS),
    simWallS: round(simWallS),
    loadAverage: { start: loadStart.map(round), afterLive: loadLive.map(round), end: loadEnd.map(round) },
    timing,
    folders: { live: 'live', sim: simDirs.map((d) => d.slice(outDir.length + 1)) },
    charts: charts.map((c) => c.name),
    targets: rows.filter((r) => r.verdict !== null).map((r) => ({ metric: r.metric, sim: r.simMean, live: r.live, relativeDiff: r.relativeDiff, withinSpread: r.withinSpread, target: formatTarget(r.target as NonNullable<ComparisonRow['target']>), verdict: r.verdict })),
    missed: missed.map((r) => r.metric),
  };
  writeFileSync(join(outDir, 'compare.json'), `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(targetLines(rows));
  process.stdout.write(`load average ${fmtLoad(loadStart)} at the start, ${fmtLoad(loadLive)} after the live run${timing === null ? '' : `; ${timingNote(timing)}`}\n`);
  process.stdout.write(`${outDir}\n`);
  // An exit code the live run set (1: an agent sent no report; 130: interrupted) says more than a miss.
  if (missed.length > 0 && options.assert && (process.exitCode ?? 0) === 0) {
    log(`target missed: ${missed.map((r) => r.metric).join(', ')} (--assert: exit ${EXIT_TARGET_MISSED})`);
    process.exitCode = EXIT_TARGET_MISSED;
  }
}

function fmtLoad(load: readonly number[]): string {
  return load.map((l) => l.toFixed(2)).join(' / ');
}

function round(value: number): number {
  return Number(value.toFixed(3));
}

/** One line per target: metric, simulated, live, difference, verdict. */
function targetLines(rows: readonly ComparisonRow[]): string {
  return rows
    .filter((r) => r.verdict !== null)
    .map((r) => `${r.metric}: simulated ${formatNumber(r.simMean)}, live ${formatNumber(r.live)}${r.relativeDiff === null ? '' : ` (${r.relativeDiff >= 0 ? '+' : ''}${(r.relativeDiff * 100).toFixed(1)}%)`}, target ${formatTarget(r.target as NonNullable<ComparisonRow['target']>)}: ${r.verdict}${r.withinSpread === null ? '' : r.withinSpread ? ', within the spread' : ', outside the spread'}\n`)
    .join('');
}

function readSummary(dir: string): { metrics: Record<string, number>; durationS?: unknown } | null {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as { metrics: Record<string, number>; durationS?: unknown };
}

/** Bad input and a wrong environment: the message and exit 2; a bug: its stack and exit 1. */
function exitCodeOf(action: () => Promise<void>): Promise<void> {
  return Promise.resolve()
    .then(action)
    .catch((error: unknown) => {
      if (error instanceof TestbedError || error instanceof LiveConfigError || isBadInput(error)) {
        process.stderr.write(`error: ${printable(error.message)}\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      process.stderr.write(`internal error: ${printable(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
      process.exitCode = EXIT_INTERNAL;
    });
}

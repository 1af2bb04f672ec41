/**
 * `luc torture`: a campaign of random fault schedules on worker threads (the pool of `luc sweep`).
 * Schedule k of root seed S has seed S + k, so `--seed S+k --schedules 1` replays it alone. Each
 * failure is printed with its seed, the commit and the command that replays it; its shrunk
 * schedule is written as a scenario file DIR/failures/seed-<s>.yaml (replayed by `--replay`).
 * DIR/torture.json holds every schedule's outcome and time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { stringify as toYaml } from 'yaml';
import { loadScenario } from '../../scenario/load.js';
import { readScenarioSource } from '../../scenario/source.js';
import { applyOverride } from '../../scenario/overrides.js';
import { scenarioSchema } from '../../scenario/schema.js';
import { isRecord } from '../../scenario/paths.js';
import { scheduleOverrides, scheduleShape } from '../../torture/run-schedule.js';
import type { FaultSpec } from '../../torture/schedule.js';
import { codeVersion } from '../provenance.js';
import { UsageError } from '../exit-codes.js';
import { shellJoin } from '../shell-quote.js';
import { runInWorkers } from '../sweep/worker-pool.js';
import type { ScheduleReport, TortureOutcome, TortureTask } from './torture-protocol.js';

export interface TortureOptions {
  readonly schedules?: string;
  readonly seed?: string;
  readonly jobs?: string;
  readonly out?: string;
  readonly set: string[];
  readonly twice: boolean;
  readonly replay: boolean;
  readonly livenessS?: string;
  readonly drawsMax?: string;
  readonly shrinkMax?: string;
  readonly quiet: boolean;
}

/** Virtual seconds between liveness scans; and the seconds of scans after the bound. */
const SCAN_S = 1;
const SETTLE_EXTRA_S = 30;
const JOBS_MAX = 256;

export async function tortureAction(scenarioFile: string, options: TortureOptions): Promise<number> {
  const scenario = loadScenario(scenarioFile, options.set); // bad input fails here, before any worker
  const schedules = integer(options.schedules, '--schedules', 1, 1_000_000) ?? 1;
  const rootSeed = integer(options.seed, '--seed', 0, 2 ** 31) ?? scenario.seed;
  const jobs = integer(options.jobs, '--jobs', 1, JOBS_MAX) ?? Math.min(availableParallelism(), JOBS_MAX);
  const livenessS = integer(options.livenessS, '--liveness-s', 1, 1e6) ?? 300;
  const drawsMax = integer(options.drawsMax, '--draws-max', 1, 1000) ?? 8;
  const shrinkAttemptsMax = integer(options.shrinkMax, '--shrink-max', 0, 10_000) ?? 64;
  const settleS = livenessS + SETTLE_EXTRA_S;
  if (!options.replay) {
    if (scenario.durationS - settleS <= 1) throw new UsageError(`${scenarioFile}: durationS (${scenario.durationS} s) leaves no room for faults: they must heal --liveness-s + ${SETTLE_EXTRA_S} s (${settleS} s) before the end`);
    scheduleShape(scenario, scenarioFile, settleS, drawsMax); // topology errors surface here
  }
  const outDir = resolve(options.out ?? join('results', scenario.name, 'torture'));
  const code = codeVersion();
  const count = options.replay ? 1 : schedules;
  const tasks: TortureTask[] = Array.from({ length: count }, (_, k) => ({
    scenarioFile: resolve(scenarioFile),
    overrides: options.set,
    seed: options.replay ? null : rootSeed + k,
    replay: options.replay,
    monitor: { livenessS, scanS: SCAN_S },
    twice: options.twice,
    drawsMax,
    settleS,
    shrinkAttemptsMax,
  }));
  const log = (line: string): void => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const common = [...options.set.flatMap((s) => ['--set', s]), ...(options.livenessS === undefined ? [] : ['--liveness-s', String(livenessS)]), ...(options.drawsMax === undefined ? [] : ['--draws-max', String(drawsMax)])];
  const replayOf = (seed: number | null): string => shellJoin(['luc', 'torture', scenarioFile, ...(seed === null ? ['--replay'] : ['--seed', String(seed), '--schedules', '1']), ...common]);
  log(`torture ${scenario.name}: ${count} schedule(s) from seed ${rootSeed} on ${Math.min(jobs, count)} worker thread(s), commit ${code.gitCommit ?? 'unknown'}`);

  const reports: ScheduleReport[] = [];
  const errors: string[] = [];
  await runInWorkers<TortureTask, TortureTask, TortureOutcome>(tasks, {
    jobs,
    code,
    toMessage: (task) => task,
    workerUrl: new URL('./torture-worker.js', import.meta.url),
    onDone: (task, outcome) => {
      if (!outcome.ok) {
        errors.push(`seed ${task.seed}: ${outcome.detail}`);
        log(`ERROR seed ${task.seed}: ${outcome.error}`);
        return;
      }
      reports.push(outcome);
      const f = outcome.failure;
      if (f === null) {
        log(`ok   seed ${outcome.seed ?? scenario.seed}: ${outcome.faults?.length ?? 'own'} faults, ${outcome.events} events, ${outcome.wallTimeS.toFixed(2)} s`);
        return;
      }
      const lines = [`FAIL seed ${outcome.seed ?? scenario.seed}: ${f.invariant} at ${f.timeS} s: ${f.detail}`, `  commit ${code.gitCommit ?? 'unknown'}; replay: ${replayOf(outcome.seed)}`];
      if (outcome.minimal !== null && outcome.seed !== null && outcome.faults !== null) {
        const file = writeMinimal(scenarioFile, options.set, outDir, outcome.seed, outcome.minimal);
        lines.push(`  shrunk from ${outcome.faults.length} to ${outcome.minimal.length} faults in ${outcome.shrinkAttempts} runs: ${relative(process.cwd(), file)} (replay: ${shellJoin(['luc', 'torture', relative(process.cwd(), file), '--replay', ...(options.livenessS === undefined ? [] : ['--liveness-s', String(livenessS)])])})`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  });
  reports.sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0));
  const failed = reports.filter((r) => r.failure !== null);
  const times = reports.map((r) => r.wallTimeS);
  const meanS = times.length === 0 ? 0 : times.reduce((s, t) => s + t, 0) / times.length;
  mkdirSync(outDir, { recursive: true });
  const campaign = { scenario: scenario.name, scenarioFile: relative(outDir, resolve(scenarioFile)), rootSeed, schedules: count, twice: options.twice, livenessS, drawsMax, code, failed: failed.length, errors, meanWallTimeS: Number(meanS.toFixed(3)), reports };
  writeFileSync(join(outDir, 'torture.json'), `${JSON.stringify(campaign, null, 2)}\n`);
  process.stdout.write(`torture ${scenario.name}: ${count - failed.length - errors.length} of ${count} schedule(s) passed, ${failed.length} failed, ${errors.length} error(s); ${meanS.toFixed(2)} s per schedule; ${relative(process.cwd(), join(outDir, 'torture.json'))}\n`);
  return failed.length > 0 || errors.length > 0 ? 1 : 0;
}

/** The scenario with the user's overrides, the schedule's seed and its shrunk faults, as a file of its own. */
function writeMinimal(scenarioFile: string, overrides: readonly string[], outDir: string, seed: number, faults: readonly FaultSpec[]): string {
  const data = readScenarioSource(scenarioFile).data;
  if (!isRecord(data)) throw new Error('unreachable: the scenario was validated');
  for (const text of [...overrides, ...scheduleOverrides(seed, faults)]) {
    const applied = applyOverride(scenarioSchema, data, text);
    if (!applied.ok) throw new Error(`unreachable: override '${text}' was validated`);
  }
  const dir = join(outDir, 'failures');
  const file = join(dir, `seed-${seed}.yaml`);
  const relocate = (record: unknown): void => {
    if (isRecord(record) && typeof record.file === 'string') record.file = relative(dir, resolve(dirname(scenarioFile), record.file));
  };
  relocate(data.topology);
  if (isRecord(data.cloud)) relocate(data.cloud.workload);
  if (isRecord(data.output)) delete data.output;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `# Shrunk by luc torture from ${scenarioFile}, schedule seed ${seed}: replay with luc torture ${file} --replay\n${toYaml(data)}`);
  return file;
}

function integer(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${name}: expected an integer from ${min} to ${max}, found '${text}'`);
  return value;
}

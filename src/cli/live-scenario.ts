/**
 * A scenario's agent, live: `luc live agent --scenario FILE` runs the DISCOVERY agent that the
 * simulation runs on every host (`agent/agent-stack.ts`, built from the scenario's sections) on
 * real UDP, and `luc live launch --scenario FILE --agents N` starts N of them on one machine,
 * scores their samples with the simulation's probes and writes one results folder in the format
 * of `luc run` (metrics.csv, summary.json, scenario.json), with the agents' files in `agents/`.
 *
 * With fewer agents than the scenario has hosts, agent i stands for host floor(i x H / N): hosts
 * are numbered PoP by PoP, so the agents are spread evenly over the backbone. The latency between
 * two agents is the true RTT between their hosts in the modelled backbone (the latency shim adds
 * it, RTT/2 per message), and the same RTTs are the ground truth of the scores.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenario, scenarioHash } from '../scenario/load.js';
import { agentOf } from '../scenario/run-scenario.js';
import { buildWorld } from '../scenario/build-world.js';
import { truthRttMs } from '../scenario/probes/overlay-probes.js';
import { type NodeSample, sampleNode } from '../scenario/live-samples.js';
import { scoreLive } from '../scenario/live-score.js';
import type { Scenario } from '../scenario/schema.js';
import { writeResults } from '../metrics/write-results.js';
import { type AgentReport, runAgent } from '../runtime/live/agent.js';
import type { LiveNode } from '../runtime/live/live-node.js';
import { CHORD, type ChordProtocol } from '../protocols/chord/index.js';
import { type AgentOptionsRaw, parseAgentOptions } from '../runtime/live/agent-config.js';
import { type AgentRestart, launchAgents } from '../runtime/live/launcher.js';
import { LiveConfigError } from '../runtime/live/live-errors.js';
import { integerOption, numberOption } from '../runtime/live/option-parsing.js';
import { codeVersion } from './provenance.js';
import { shellJoin } from './shell-quote.js';

/** Agents a launch may start on one machine. */
export const LAUNCH_AGENTS_MAX = 256;
/** After the run, how long agents get to report before SIGTERM, then before SIGKILL. */
const LAUNCH_GRACE_MS = 5_000;
const JOIN_POLL_MS = 20;
/** Time given to agent processes to load and bind before the run's time 0 (seen here: 1-4 s for a process on a loaded 2-core machine). */
const START_LEAD_MS = 2_000;
const START_LEAD_PER_AGENT_MS = 150;

export interface ScenarioAgentOptionsRaw extends AgentOptionsRaw {
  readonly scenario: string;
  readonly set?: readonly string[];
  readonly epochMs?: string;
  readonly samples?: string;
}

/**
 * The sections a live agent cannot run yet, with why; a scenario that has one is refused (exit 2)
 * rather than run without it.
 */
function checkRunsLive(scenario: Scenario, file: string): void {
  if (scenario.cloud !== undefined) {
    throw new LiveConfigError(file, 'cloud', 'a scenario whose sections all run live (hosts and VMs need a live hypervisor)', 'a cloud section');
  }
}

export async function scenarioAgentCommand(options: ScenarioAgentOptionsRaw): Promise<void> {
  const scenario = loadScenario(options.scenario, options.set ?? []);
  checkRunsLive(scenario, options.scenario);
  const config = parseAgentOptions({ ...options, seed: options.seed ?? String(scenario.seed), durationS: options.durationS ?? String(scenario.durationS) });
  const stack = agentOf(scenario, options.scenario, { hostCount: config.peers.length, constraints: null });
  const epochMs = options.epochMs === undefined ? Date.now() : integerOption(options.epochMs, '--epoch-ms', 0, Number.MAX_SAFE_INTEGER);
  const samplesFile = options.samples ?? config.reportFile.replace(/(\.json)?$/, '.samples.jsonl');
  mkdirSync(dirname(samplesFile), { recursive: true });
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const joining = new JoinWatch();
  await runAgent(config, stack, () => ({ scenario: scenario.name, samples: samplesFile, ...joining.stop() }), log, {
    onStarted: (node) => joining.start(node),
    epochMs,
    intervalMs: scenario.metrics.intervalS * 1000,
    onTick: (node, tickS) => {
      const sample = sampleNode(node.id, tickS, (name) => node.protocol(name), node.counters.entries());
      appendFileSync(samplesFile, `${JSON.stringify(sample)}\n`);
    },
  });
  process.exit(0); // the report is written; do not wait on anything a protocol left behind
}

/**
 * When this agent process started, first heard from a peer, and (with Chord) joined the ring, in
 * ms since 1970: after a restart, how long the deployment took to take it back. Polled every
 * JOIN_POLL_MS, so each time is late by at most that.
 */
class JoinWatch {
  private startedAtMs: number | null = null;
  private firstDeliveryAtMs: number | null = null;
  private chordJoinedAtMs: number | null = null;
  private timer: NodeJS.Timeout | undefined;

  start(node: LiveNode): void {
    this.startedAtMs = Date.now();
    const chord = node.protocol<ChordProtocol>(CHORD);
    this.timer = setInterval(() => {
      const now = Date.now();
      if (this.firstDeliveryAtMs === null && (node.counters.get('messages.delivered') ?? 0) > 0) this.firstDeliveryAtMs = now;
      if (this.chordJoinedAtMs === null && chord?.isJoined() === true) this.chordJoinedAtMs = now;
      if (this.firstDeliveryAtMs !== null && (chord === undefined || this.chordJoinedAtMs !== null)) clearInterval(this.timer);
    }, JOIN_POLL_MS);
  }

  stop(): { startedAtMs: number | null; firstDeliveryAtMs: number | null; chordJoinedAtMs: number | null } {
    clearInterval(this.timer);
    return { startedAtMs: this.startedAtMs, firstDeliveryAtMs: this.firstDeliveryAtMs, chordJoinedAtMs: this.chordJoinedAtMs };
  }
}

export interface ScenarioLaunchOptionsRaw {
  readonly scenario: string;
  readonly set?: readonly string[];
  readonly agents?: string;
  readonly durationS?: string;
  readonly out?: string;
  readonly seed?: string;
  readonly lossRate?: string;
  readonly host?: string;
  readonly restartsMax?: string;
}

/** Agent i stands for host floor(i x hostCount / agents): spread evenly over the hosts, PoP by PoP. */
export function liveHosts(hostCount: number, agents: number): number[] {
  return Array.from({ length: agents }, (_, i) => Math.floor((i * hostCount) / agents));
}

export async function scenarioLaunchCommand(options: ScenarioLaunchOptionsRaw, agentCommand: readonly string[], argv: readonly string[]): Promise<void> {
  const sets = [...(options.set ?? []), ...(options.seed === undefined ? [] : [`seed=${integerOption(options.seed, '--seed', 0, Number.MAX_SAFE_INTEGER)}`])];
  const scenario = loadScenario(options.scenario, sets);
  checkRunsLive(scenario, options.scenario);
  const world = buildWorld(scenario, options.scenario);
  const hostCount = world.network.hostCount;
  const agents = integerOption(options.agents ?? '16', '--agents', 2, Math.min(LAUNCH_AGENTS_MAX, hostCount));
  const durationS = numberOption(options.durationS ?? String(scenario.durationS), '--duration-s', 0.001, 86_400);
  const restartsMax = integerOption(options.restartsMax ?? '3', '--restarts-max', 0, 1000);
  const outDir = resolve(options.out ?? join(dirname(scenario.output.dir), `live-${agents}-seed-${scenario.seed}`));
  agentOf(scenario, options.scenario, { hostCount: agents, constraints: null }); // settings that do not fit N agents fail here, once

  const hosts = liveHosts(hostCount, agents);
  const truth = truthRttMs(world.network);
  const rttMs = (a: number, b: number): number => (a === b ? 0 : truth(hosts[a], hosts[b]));
  const work = join(dirname(outDir), `.${basename(outDir)}.agents`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const matrixFile = join(work, 'rtt-ms.tsv');
  writeFileSync(matrixFile, rttMatrixText(agents, rttMs, options.scenario));
  const skipped = [...(world.faults.length > 0 ? ['faults'] : []), ...(world.churn !== null ? ['churn'] : [])];
  if (skipped.length > 0) process.stderr.write(`note: the scenario's ${skipped.join(' and ')} are not applied live (the testbed of issue 12 applies them)\n`);

  // The run starts once every agent has had time to load and bind (they wait for the epoch).
  const epochMs = Date.now() + START_LEAD_MS + START_LEAD_PER_AGENT_MS * agents;
  const agentArgs = ['--scenario', options.scenario, ...sets.flatMap((set) => ['--set', set]), '--epoch-ms', String(epochMs), '--loss-rate', options.lossRate ?? '0'];
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stderr.write(`launching ${agents} agents of ${scenario.name} (${hostCount} hosts) on ${options.host ?? '127.0.0.1'} for ${durationS} s, seed ${scenario.seed}\n`);
  const wallStart = performance.now();
  const result = await launchAgents(
    { agents, host: options.host ?? '127.0.0.1', matrixFile, durationS, outDir: work, seed: scenario.seed, agentCommand: [...agentCommand], agentArgs, graceMs: LAUNCH_GRACE_MS, restartsMax, epochMs },
    abort.signal,
  );
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const wallTimeS = (performance.now() - wallStart) / 1000;

  const samples = hosts.flatMap((_, id) => readSamples(join(work, `agent-${id}.samples.jsonl`)));
  const series = scoreLive({ scenario, agents, rttMs, samples });
  const missing = result.reports.flatMap((report, id) => (report === null ? [id] : []));
  const summary = {
    scenario: scenario.name,
    seed: scenario.seed,
    scenarioHash: scenarioHash(scenario),
    code: codeVersion(),
    commandLine: shellJoin(argv),
    mode: 'live',
    hosts: hostCount,
    agents,
    agentHosts: hosts.map((h) => world.network.hostName(h)),
    durationS,
    notApplied: skipped,
    missingReports: missing,
    exits: result.exits,
    restarts: rejoins(result.restarts, result.reports, epochMs),
    wallTimeS: Number(wallTimeS.toFixed(3)),
    metrics: series.finalValues(),
  };
  const resolved = { ...scenario, output: { dir: relative(process.cwd(), outDir) || '.' } };
  writeResults(outDir, { rows: series.all(), summary, resolvedScenario: resolved, folders: [{ name: 'agents', from: work }] });
  const head = Object.entries(summary.metrics).filter(([name]) => /median_rel_error|lookup_success|recall_at|nodes\.up/.test(name));
  process.stdout.write(`${head.map(([k, v]) => `${k} ${Number(v.toFixed(4))}`).join(', ')}; wall ${wallTimeS.toFixed(1)} s; ${outDir}\n`);
  if (missing.length > 0) {
    process.stderr.write(`no report from agent(s) ${missing.join(', ')} (exits: ${result.exits.join(', ')}); scored the agents that sampled; see ${outDir}/agents/agent-<i>.log\n`);
    process.exit(1);
  }
}

/**
 * Each restart with how long the deployment took to take the agent back, in ms from its death:
 * until its new process ran, first heard from a peer, and joined the Chord ring (from the last
 * incarnation's report, so only for an agent's last restart; null when not known).
 */
function rejoins(restarts: readonly AgentRestart[], reports: readonly (AgentReport | null)[], epochMs: number) {
  const last = new Map(restarts.map((r) => [r.id, r]));
  const since = (r: AgentRestart, atMs: unknown): number | null => (typeof atMs === 'number' ? atMs - epochMs - r.diedAtMs : null);
  return restarts.map((r) => {
    const report = last.get(r.id) === r ? reports[r.id] : null;
    return { ...r, runningAfterMs: since(r, report?.startedAtMs), heardAfterMs: since(r, report?.firstDeliveryAtMs), chordJoinedAfterMs: since(r, report?.chordJoinedAtMs) };
  });
}

/** The agents' RTT matrix as the shim reads it (ms, tab-separated); a pair without a path is a scenario error. */
function rttMatrixText(agents: number, rttMs: (a: number, b: number) => number, scenarioFile: string): string {
  const lines: string[] = [];
  for (let a = 0; a < agents; a++) {
    const row: string[] = [];
    for (let b = 0; b < agents; b++) {
      const rtt = rttMs(a, b);
      if (!Number.isFinite(rtt)) throw new LiveConfigError(scenarioFile, 'topology', `a path between every pair of live agents' hosts (agents ${a} and ${b} have none)`);
      row.push(rtt.toFixed(6));
    }
    lines.push(row.join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/** An agent's samples; a line cut short by a kill (the last one) is skipped, not fatal. */
function readSamples(file: string): NodeSample[] {
  if (!existsSync(file)) return [];
  const out: NodeSample[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as NodeSample);
    } catch {
      // a partial last line
    }
  }
  return out;
}

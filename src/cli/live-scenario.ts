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
import { agentSchemas } from '../agent/agent-schemas.js';
import { buildWorld } from '../scenario/build-world.js';
import { truthRttMs } from '../scenario/probes/overlay-probes.js';
import { type NodeSample, sampleNode, VeOpCollector } from '../scenario/live-samples.js';
import { VE } from '../protocols/ve/ve-stack.js';
import { scoreLive } from '../scenario/live-score.js';
import { DetectorLeaves } from '../scenario/live-detector.js';
import { type ServicesNode, servicesNodeOf } from '../scenario/probes/services-probe.js';
import { liveHosts } from '../scenario/live-hosts.js';
import { liveCloudPlan } from '../scenario/live-cloud.js';
import { liveVmSchedule, withVmPlacement, withVmPlacementSchema } from '../scenario/live-vm-placement.js';
import { VM_SCHEDULE_MOVES_MAX, type VmSchedule } from '../scenario/vm-schedule.js';
import type { BackboneNetwork, NetworkModel } from '../platform/network.js';
import type { Scenario } from '../scenario/schema.js';
import { writeResults } from '../metrics/write-results.js';
import { type AgentReport, runAgent } from '../runtime/live/agent.js';
import type { LiveNode } from '../runtime/live/live-node.js';
import { CHORD, type ChordProtocol } from '../protocols/chord/index.js';
import { type AgentConfig, type AgentOptionsRaw, LIVE_MATRIX_MISSING, parseAgentOptions } from '../runtime/live/agent-config.js';
import { type AgentRestart, type LaunchControl, launchAgents } from '../runtime/live/launcher.js';
import { AGENT_READY_LINE, type AgentRunner } from '../runtime/live/agent-runner.js';
import type { PeerAddress } from '../runtime/live/peer-table.js';
import { LiveConfigError } from '../runtime/live/live-errors.js';
import { integerOption, numberOption, requireOption } from '../runtime/live/option-parsing.js';
import { Counters } from '../runtime/counters.js';
import { type LiveCloudAgent, startLiveCloud } from './live-cloud-agent.js';
import { codeVersion } from './provenance.js';
import { runBackboneTwin, runTwin } from './live-twin.js';
import { lucCommandLine } from './shell-quote.js';

/** Agents a launch may start on one machine. */
export const LAUNCH_AGENTS_MAX = 256;
/** After the run, how long agents get to report before SIGTERM, then before SIGKILL. */
const LAUNCH_GRACE_MS = 5_000;
const JOIN_POLL_MS = 20;
/** A launch's hypervisor by default: libvirt's test driver (no daemon; migrations emulated, loads injected). */
const DEFAULT_HYPERVISOR = 'test:///default';
/** Agents that are not ready (loaded) this long after the launch start without them. */
const BARRIER_TIMEOUT_MS = 120_000;
/** Once all are ready, time 0 is this much later (each agent polls for it every JOIN_POLL_MS). */
const BARRIER_LEAD_MS = 300;
/** An agent waits this long at most for the launch's epoch. */
const EPOCH_WAIT_MS_MAX = 600_000;

export interface ScenarioAgentOptionsRaw extends AgentOptionsRaw {
  readonly scenario: string;
  readonly set?: readonly string[];
  readonly epochMs?: string;
  readonly epochFile?: string;
  readonly samples?: string;
  /** --restarted: this process replaces one that died. */
  readonly restarted?: boolean;
  readonly hypervisor?: string;
}


export async function scenarioAgentCommand(options: ScenarioAgentOptionsRaw): Promise<void> {
  const scenario = loadScenario(options.scenario, options.set ?? []);
  const config = parseAgentOptions({ ...options, seed: options.seed ?? String(scenario.seed), durationS: options.durationS ?? String(scenario.durationS) });
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const hypervisorCounters = new Counters();
  const cloud = await cloudOf(scenario, options, config, hypervisorCounters, log);
  const detectorLeaves = new DetectorLeaves();
  const veOps = new VeOpCollector();
  let stack = agentOf(scenario, options.scenario, { hostCount: config.peers.length, constraints: cloud?.constraints ?? null, wrapDetector: detectorLeaves.wrap, observeVe: veOps.observe });
  let schemas = agentSchemas(scenario, config.peers.length);
  if (cloud !== null) {
    stack = cloud.withVeHooks(cloud.withTransfer(stack));
    schemas = cloud.withTransferSchema(schemas);
  }
  // The VM index's VMs: this agent's part of the schedule every agent and the launcher draw alike.
  const vmSchedule = liveVmSchedule(scenario, config.peers.length, config.durationMs / 1000);
  if (vmSchedule !== null) {
    stack = withVmPlacement(stack, vmSchedule);
    schemas = withVmPlacementSchema(schemas);
  }
  const epochMs = await epochOf(options, config.reportFile);
  const samplesFile = options.samples ?? config.reportFile.replace(/(\.json)?$/, '.samples.jsonl');
  mkdirSync(dirname(samplesFile), { recursive: true });
  const joining = new JoinWatch();
  const describe = () => ({ scenario: scenario.name, samples: samplesFile, ...joining.stop(), ...(cloud === null ? {} : { hypervisor: { alive: cloud.hypervisor.alive, operations: cloud.hypervisor.log() } }) });
  cloud?.startLoads(epochMs, config.durationMs);
  try {
    await runAgent(config, stack, schemas, describe, log, {
      onStarted: (node) => joining.start(node),
      epochMs,
      intervalMs: scenario.metrics.intervalS * 1000,
      onTick: (node, tickS) => {
        const counters = [...node.counters.entries(), ...hypervisorCounters.entries()];
        const sample = { ...sampleNode(node.id, tickS, (name) => node.protocol(name), counters, cloud?.sample(), detectorLeaves), ...(node.protocol(VE) === undefined ? {} : veOps.drain()), ...servicesSample(node, scenario) };
        appendFileSync(samplesFile, `${JSON.stringify(sample)}\n`);
      },
    }, cloud?.hypervisor);
  } finally {
    await cloud?.close();
  }
  process.exit(0); // the report is written; do not wait on anything a protocol left behind
}

/** The agent's demonstration services and supervisor restarts, when the scenario has a `services` section. */
function servicesSample(node: LiveNode, scenario: Scenario): { services?: ServicesNode } {
  const services = scenario.services === undefined ? undefined : servicesNodeOf((name) => node.protocol(name), node.id, scenario.services);
  return services === undefined ? {} : { services };
}

/** The agent's host when the scenario has a cloud: a libvirt hypervisor (--hypervisor), its VMs and their load. */
async function cloudOf(scenario: Scenario, options: ScenarioAgentOptionsRaw, config: AgentConfig, counters: Counters, log: (line: string) => void): Promise<LiveCloudAgent | null> {
  if (scenario.cloud === undefined) {
    if (options.hypervisor !== undefined) throw new LiveConfigError('arguments', '--hypervisor', 'a scenario with a cloud section (this one models no VMs)');
    return null;
  }
  const uri = requireOption(options.hypervisor, '--hypervisor', `a libvirt URI for the hosts and VMs of the scenario's cloud section (e.g. test:///default)`);
  // A restarted agent's host comes back empty (a crash takes its VMs). The launcher says which
  // starts are restarts: an agent merely late for the start barrier still deploys its VMs.
  const restarted = options.restarted === true;
  const targetUriOf = (to: number): string | undefined => config.peers[to]?.libvirt;
  return startLiveCloud({ scenario, scenarioFile: options.scenario, id: config.id, agents: config.peers.length, uri, targetUriOf, deployVms: !restarted, counters, log });
}

/**
 * The run's time 0: --epoch-ms, or the number the launcher writes to --epoch-file once every
 * agent is ready (this one says so by writing its ready file, beside its report), or now.
 */
async function epochOf(options: ScenarioAgentOptionsRaw, reportFile: string): Promise<number> {
  if (options.epochMs !== undefined) return integerOption(options.epochMs, '--epoch-ms', 0, Number.MAX_SAFE_INTEGER);
  const epochFile = options.epochFile;
  if (epochFile === undefined) return Date.now();
  mkdirSync(dirname(reportFile), { recursive: true });
  writeFileSync(reportFile.replace(/(\.json)?$/, '.ready'), `${process.pid}\n`);
  // Said on stderr too, for a launcher that reads this agent's output from afar (over ssh) rather than its files.
  process.stderr.write(`${AGENT_READY_LINE}\n`);
  const givenUpAt = Date.now() + EPOCH_WAIT_MS_MAX;
  while (!existsSync(epochFile)) {
    if (Date.now() > givenUpAt) throw new LiveConfigError(epochFile, '(file)', `the launch's epoch within ${EPOCH_WAIT_MS_MAX / 1000} s (is the launcher running?)`);
    await new Promise((resolve) => setTimeout(resolve, JOIN_POLL_MS));
  }
  return integerOption(readFileSync(epochFile, 'utf8').trim(), epochFile, 0, Number.MAX_SAFE_INTEGER);
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
  /** The option that gave `agents`, for messages (`--hosts` for the testbed); default --agents. */
  readonly agentsOption?: string;
  readonly durationS?: string;
  readonly out?: string;
  readonly seed?: string;
  readonly lossRate?: string;
  readonly host?: string;
  readonly restartsMax?: string;
  /** false (--no-twin): do not simulate the same agents beside the live run. */
  readonly twin?: boolean;
  readonly hypervisor?: string;
}

/**
 * Where a launch runs its agents when not on loopback (the testbed's namespaces): given the
 * agents' hosts it builds their network, says how to reach and start each agent and which of the
 * scenario's faults it applies (and so the twin's faults); after the run, what it did.
 */
export interface LaunchSite {
  /** summary.json's `mode`. */
  readonly mode: string;
  /** Aborts the launch as its own SIGINT does (a signal that came while the site was being built). */
  readonly signal?: AbortSignal;
  prepare(input: { readonly scenario: Scenario; readonly scenarioFile: string; readonly hosts: readonly number[]; readonly durationS: number }): LaunchSitePlan;
  /** Called once the agents have all exited: fields for summary.json. */
  finished(): Record<string, unknown>;
  /** After `finished`: whether agents a and b could reach each other at run time atMs. */
  reachable?(a: number, b: number, atMs: number): boolean;
}

export interface LaunchSitePlan {
  readonly peers: readonly PeerAddress[];
  readonly wrap: (id: number) => readonly string[];
  /** Where the agents run, when not as children of the launcher (`wrap` is then unused). */
  readonly runner?: AgentRunner;
  /** From all agents ready to time 0 (default BARRIER_LEAD_MS): time for the epoch to reach every agent. */
  readonly barrierLeadMs?: number;
  /** Whether the agents delay datagrams themselves (the shim, the default); false: the site applies the latency (netem), the agents get a matrix of zeros. */
  readonly latencyShim?: boolean;
  readonly onControl: (control: LaunchControl) => void;
  /** What of the scenario is not applied (e.g. stochastic faults, churn). */
  readonly notApplied: readonly string[];
  /** The faults the site applies, for the twin (host i = agent i). */
  readonly twinFaults: readonly Record<string, unknown>[];
}

export async function scenarioLaunchCommand(options: ScenarioLaunchOptionsRaw, agentCommand: readonly string[], argv: readonly string[], site?: LaunchSite): Promise<void> {
  const sets = launchSets(options);
  const scenario = loadScenario(options.scenario, sets);
  const world = buildWorld(scenario, options.scenario);
  const hostCount = world.network.hostCount;
  const agents = integerOption(options.agents ?? '16', options.agentsOption ?? '--agents', 2, Math.min(LAUNCH_AGENTS_MAX, hostCount));
  const durationS = numberOption(options.durationS ?? String(scenario.durationS), '--duration-s', 0.001, 86_400);
  // A run shorter than one metric interval takes no sample (and its simulated twin would be refused).
  if (durationS < scenario.metrics.intervalS) throw new LiveConfigError('arguments', '--duration-s', `at least the scenario's metrics.intervalS (${scenario.metrics.intervalS} s), or a shorter interval with --set metrics.intervalS=S`, String(durationS));
  const restartsMax = integerOption(options.restartsMax ?? '3', '--restarts-max', 0, 1000);
  const outDir = resolve(options.out ?? join(dirname(scenario.output.dir), `live-${agents}-seed-${scenario.seed}`));
  const hosts = liveHosts(hostCount, agents);
  // Settings that do not fit N agents (scheduler nodes, VEs over their hosts) fail here, once, not in N logs.
  const plan = scenario.cloud === undefined || world.backbone === null ? null : liveCloudPlan(scenario, options.scenario, world.backbone as BackboneNetwork, hosts);
  if (scenario.cloud !== undefined && plan === null) throw new LiveConfigError(options.scenario, 'topology', 'a backbone topology (graphml or generate) for a cloud section');
  agentOf(scenario, options.scenario, { hostCount: agents, constraints: plan?.constraints ?? null });
  const vmSchedule = vmScheduleOf(scenario, options.scenario, agents, durationS);

  const truth = truthRttMs(world.network);
  const rttMs = (a: number, b: number): number => (a === b ? 0 : truth(hosts[a], hosts[b]));
  const work = launchWorkDir(outDir);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const matrixFile = join(work, 'rtt-ms.tsv');
  const deliveryMs = (a: number, b: number): number => deliveryRttMs(world.network, hosts[a], hosts[b]);
  writeFileSync(matrixFile, rttMatrixText(agents, deliveryMs, options.scenario));
  const sitePlan = site?.prepare({ scenario, scenarioFile: options.scenario, hosts, durationS }) ?? null;
  // The site delays datagrams itself (netem): the agents' shim keeps only the pairs it leaves (unmeasured ones).
  if (sitePlan?.latencyShim === false) writeFileSync(matrixFile, rttMatrixText(agents, (a, b) => (Number.isNaN(deliveryMs(a, b)) ? NaN : 0), options.scenario));
  const skipped = sitePlan?.notApplied ?? [...(world.faults.length > 0 ? ['faults'] : []), ...(world.churn !== null ? ['churn'] : [])];
  if (skipped.length > 0) process.stderr.write(`note: not applied live: ${skipped.join('; ')}${site === undefined ? ' (`luc testbed run` applies faults)' : ''}\n`);

  // Each agent's host: its own connection to libvirt (the test driver's state is per connection).
  if (scenario.cloud === undefined && options.hypervisor !== undefined) throw new LiveConfigError('arguments', '--hypervisor', 'a scenario with a cloud section (this one models no VMs)');
  const hypervisorArgs = scenario.cloud === undefined ? [] : ['--hypervisor', options.hypervisor ?? DEFAULT_HYPERVISOR];
  // The run starts once every agent has loaded (a barrier): time 0 is the same for all, as in simulation.
  const epochFile = join(work, 'epoch');
  const barrier = { epochFile, readyFile: (id: number) => join(work, `agent-${id}.ready`), timeoutMs: BARRIER_TIMEOUT_MS, leadMs: sitePlan?.barrierLeadMs ?? BARRIER_LEAD_MS };
  const agentArgs = scenarioAgentArgs(options.scenario, sets, epochFile, options.lossRate ?? '0', hypervisorArgs);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  site?.signal?.addEventListener('abort', onSignal, { once: true });
  if (site?.signal?.aborted === true) abort.abort();
  const where = sitePlan === null ? (options.host ?? '127.0.0.1') : `${site?.mode} (${sitePlan.peers[0].host}..${sitePlan.peers[agents - 1].host})`;
  process.stderr.write(`launching ${agents} agents of ${scenario.name} (${hostCount} hosts) on ${where} for ${durationS} s, seed ${scenario.seed}\n`);
  const wallStart = performance.now();
  const result = await launchAgents(
    { agents, host: options.host ?? '127.0.0.1', matrixFile, durationS, outDir: work, seed: scenario.seed, agentCommand: [...agentCommand], agentArgs, graceMs: LAUNCH_GRACE_MS, restartsMax, barrier, ...(sitePlan === null ? {} : { peers: sitePlan.peers, wrap: sitePlan.wrap, onControl: sitePlan.onControl, ...(sitePlan.runner === undefined ? {} : { runner: sitePlan.runner }) }) },
    abort.signal,
  );
  const siteRecord = site?.finished() ?? null;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const wallTimeS = (performance.now() - wallStart) / 1000;

  const samples = hosts.flatMap((_, id) => readSamples(join(work, `agent-${id}.samples.jsonl`)));
  const restarts = rejoins(result.restarts, result.reports, result.epochMs ?? 0);
  // Down from the kill until the new process ran its node (known for an agent's last restart), else until it was spawned.
  const outages = restarts.map((r) => ({ id: r.id, downAtMs: r.diedAtMs, upAtMs: r.diedAtMs + (r.runningAfterMs ?? r.restartedAtMs - r.diedAtMs) }));
  const series = scoreLive({ scenario, agents, rttMs, samples, vmCount: scenario.cloud === undefined ? 0 : agents * scenario.cloud.vm.perHost, outages, ...(vmSchedule === null ? {} : { vmPlacement: vmSchedule }), veMembers: plan?.veMembers, reachable: site?.reachable?.bind(site) });
  const twinDir = join(dirname(outDir), `.${basename(outDir)}.twin`);
  // A site applying faults needs the backbone in its twin (cut links and PoPs); a plain launch, only the RTTs.
  const twinFaults = sitePlan?.twinFaults ?? [];
  // A testbed run stopped by a signal wants its namespaces gone soon, not a simulation first.
  const twin =
    options.twin === false || site?.signal?.aborted === true
      ? null
      : scenario.cloud === undefined && (sitePlan === null || world.backbone === null)
        ? runTwin(options.scenario, sets, matrixFile, durationS, twinDir, twinFaults)
        : runBackboneTwin(scenario, world.backbone as BackboneNetwork, hosts, durationS, join(work, 'twin-scenario.json'), twinDir, twinFaults, { file: options.scenario, sets });
  // An agent a fault kept down to the end wrote no report, rightly.
  const missing = result.reports.flatMap((report, id) => (report === null && !String(result.exits[id]).startsWith('held down') ? [id] : []));
  const summary = {
    scenario: scenario.name,
    seed: scenario.seed,
    scenarioHash: scenarioHash(scenario),
    code: codeVersion(),
    commandLine: lucCommandLine(argv),
    mode: site?.mode ?? 'live',
    hosts: hostCount,
    agents,
    agentHosts: hosts.map((h) => world.network.hostName(h)),
    durationS,
    notApplied: skipped,
    ...(vmSchedule === null ? {} : { vmPlacement: `a schedule played by the agents (${vmSchedule.vmCount} VMs, ${vmSchedule.moves.length} moves; VMs of a killed agent stay on it)` }),
    ...(siteRecord === null ? {} : { [site?.mode ?? 'site']: siteRecord }),
    ...(scenario.cloud === undefined ? {} : { hypervisor: options.hypervisor ?? DEFAULT_HYPERVISOR, migrations: (options.hypervisor ?? DEFAULT_HYPERVISOR).startsWith('test:') ? 'emulated (libvirt test driver)' : 'virsh migrate --live', load: (options.hypervisor ?? DEFAULT_HYPERVISOR).startsWith('test:') ? 'injected from the scenario workload' : 'measured (domstats)' }),
    missingReports: missing,
    exits: result.exits,
    restarts,
    wallTimeS: Number(wallTimeS.toFixed(3)),
    metrics: series.finalValues(),
    ...(twin === null ? {} : { twin: { folder: 'twin', metrics: sideBySide(series.finalValues(), twin.metrics) } }),
  };
  const resolved = { ...scenario, output: { dir: relative(process.cwd(), outDir) || '.' } };
  const folders = [{ name: 'agents', from: work }, ...(twin === null ? [] : [{ name: 'twin', from: twin.dir }])];
  writeResults(outDir, { rows: series.all(), summary, resolvedScenario: resolved, folders });
  const key = (name: string): boolean => /median_rel_error|lookup_success$|recall_at|vmindex\.success_share$|nodes\.up|^routing\.success$|^cloud\.(violations_resolved|resolve_s_mean)$|^ve\.\w+\.ok_share$/.test(name);
  const simOf = (name: string): string => (twin === null || !(name in twin.metrics) ? '' : ` (simulated twin ${round(twin.metrics[name])})`);
  const head = Object.entries(summary.metrics).filter(([name]) => key(name));
  process.stdout.write(`${head.map(([k, v]) => `${k} ${round(v)}${simOf(k)}`).join(', ')}; wall ${wallTimeS.toFixed(1)} s; ${outDir}\n`);
  if (missing.length > 0) {
    process.stderr.write(`no report from agent(s) ${missing.join(', ')} (exits: ${result.exits.join(', ')}); scored the agents that sampled; see ${outDir}/agents/agent-<i>.log\n`);
    process.exitCode = 1;
  }
}

/** The launch's `--set` overrides, `--seed` last as `seed=S`. */
export function launchSets(options: { readonly set?: readonly string[]; readonly seed?: string }): string[] {
  return [...(options.set ?? []), ...(options.seed === undefined ? [] : [`seed=${integerOption(options.seed, '--seed', 0, Number.MAX_SAFE_INTEGER)}`])];
}

/** Where a launch keeps its agents' files while it runs (moved into the results folder's agents/ at the end). */
export function launchWorkDir(outDir: string): string {
  return join(dirname(outDir), `.${basename(outDir)}.agents`);
}

/** What every agent of a scenario launch gets after the launcher's own arguments (`launcher.ts`'s `agentArgs`). */
export function scenarioAgentArgs(scenarioFile: string, sets: readonly string[], epochFile: string, lossRate: string, hypervisorArgs: readonly string[]): string[] {
  return ['--scenario', scenarioFile, ...sets.flatMap((set) => ['--set', set]), '--epoch-file', epochFile, '--loss-rate', lossRate, ...hypervisorArgs];
}

/** The VM index's schedule for the launch (the ground truth of its locates); a bound exceeded is the scenario's error. */
function vmScheduleOf(scenario: Scenario, scenarioFile: string, agents: number, durationS: number): VmSchedule | null {
  try {
    return liveVmSchedule(scenario, agents, durationS);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new LiveConfigError(scenarioFile, 'protocols.vmIndex.movesPerS', `at most ${VM_SCHEDULE_MOVES_MAX} VM moves over the live run (movesPerS x duration)`, error.message);
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

/** The final value of each metric both runs have, live beside simulated (sorted by name). */
function sideBySide(live: Record<string, number>, sim: Record<string, number>): Record<string, { live: number; sim: number }> {
  const out: Record<string, { live: number; sim: number }> = {};
  for (const name of Object.keys(live).sort()) if (name in sim) out[name] = { live: live[name], sim: sim[name] };
  return out;
}

/**
 * Twice the one-way delay from host a to host b, in ms: the shim halves it, so each direction
 * keeps its own delay (on a backbone both are equal: the true RTT). NaN for a pair the scenario's
 * matrix did not measure: the agents and the twin fill it alike, and score it nowhere.
 */
export function deliveryRttMs(network: NetworkModel, a: number, b: number): number {
  if (a === b) return 0;
  if (!network.isMeasuredPair(a, b)) return NaN;
  const oneWayUs = network.latencyUs(a, b);
  return oneWayUs < 0 ? Infinity : (2 * oneWayUs) / 1000;
}

/** The agents' RTT matrix as the shim reads it (ms, tab-separated, NaN unmeasured); a pair without a path is a scenario error. */
function rttMatrixText(agents: number, rttMs: (a: number, b: number) => number, scenarioFile: string): string {
  const lines: string[] = [];
  for (let a = 0; a < agents; a++) {
    const row: string[] = [];
    for (let b = 0; b < agents; b++) {
      const rtt = rttMs(a, b);
      if (rtt === Infinity || rtt < 0) throw new LiveConfigError(scenarioFile, 'topology', `a path between every pair of live agents' hosts (agents ${a} and ${b} have none)`);
      row.push(Number.isNaN(rtt) ? LIVE_MATRIX_MISSING[0] : rtt.toFixed(6));
    }
    lines.push(row.join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

function round(value: number): number {
  return Number(value.toFixed(4));
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

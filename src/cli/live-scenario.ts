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
import { agentOf, runScenario } from '../scenario/run-scenario.js';
import { agentSchemas } from '../agent/agent-schemas.js';
import { readScenarioSource } from '../scenario/source.js';
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
import { type AgentRestart, launchAgents } from '../runtime/live/launcher.js';
import { LiveConfigError } from '../runtime/live/live-errors.js';
import { integerOption, numberOption, requireOption } from '../runtime/live/option-parsing.js';
import { Counters } from '../runtime/counters.js';
import { type LiveCloudAgent, startLiveCloud } from './live-cloud-agent.js';
import { codeVersion } from './provenance.js';
import { shellJoin } from './shell-quote.js';

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


export async function scenarioLaunchCommand(options: ScenarioLaunchOptionsRaw, agentCommand: readonly string[], argv: readonly string[]): Promise<void> {
  const sets = [...(options.set ?? []), ...(options.seed === undefined ? [] : [`seed=${integerOption(options.seed, '--seed', 0, Number.MAX_SAFE_INTEGER)}`])];
  const scenario = loadScenario(options.scenario, sets);
  const world = buildWorld(scenario, options.scenario);
  const hostCount = world.network.hostCount;
  const agents = integerOption(options.agents ?? '16', '--agents', 2, Math.min(LAUNCH_AGENTS_MAX, hostCount));
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
  const work = join(dirname(outDir), `.${basename(outDir)}.agents`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const matrixFile = join(work, 'rtt-ms.tsv');
  writeFileSync(matrixFile, rttMatrixText(agents, (a, b) => deliveryRttMs(world.network, hosts[a], hosts[b]), options.scenario));
  const skipped = [...(world.faults.length > 0 ? ['faults'] : []), ...(world.churn !== null ? ['churn'] : [])];
  if (skipped.length > 0) process.stderr.write(`note: the scenario's ${skipped.join(' and ')} are not applied live (the testbed of issue 12 applies them)\n`);

  // Each agent's host: its own connection to libvirt (the test driver's state is per connection).
  if (scenario.cloud === undefined && options.hypervisor !== undefined) throw new LiveConfigError('arguments', '--hypervisor', 'a scenario with a cloud section (this one models no VMs)');
  const hypervisorArgs = scenario.cloud === undefined ? [] : ['--hypervisor', options.hypervisor ?? DEFAULT_HYPERVISOR];
  // The run starts once every agent has loaded (a barrier): time 0 is the same for all, as in simulation.
  const epochFile = join(work, 'epoch');
  const barrier = { epochFile, readyFile: (id: number) => join(work, `agent-${id}.ready`), timeoutMs: BARRIER_TIMEOUT_MS, leadMs: BARRIER_LEAD_MS };
  const agentArgs = ['--scenario', options.scenario, ...sets.flatMap((set) => ['--set', set]), '--epoch-file', epochFile, '--loss-rate', options.lossRate ?? '0', ...hypervisorArgs];
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stderr.write(`launching ${agents} agents of ${scenario.name} (${hostCount} hosts) on ${options.host ?? '127.0.0.1'} for ${durationS} s, seed ${scenario.seed}\n`);
  const wallStart = performance.now();
  const result = await launchAgents(
    { agents, host: options.host ?? '127.0.0.1', matrixFile, durationS, outDir: work, seed: scenario.seed, agentCommand: [...agentCommand], agentArgs, graceMs: LAUNCH_GRACE_MS, restartsMax, barrier },
    abort.signal,
  );
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const wallTimeS = (performance.now() - wallStart) / 1000;

  const samples = hosts.flatMap((_, id) => readSamples(join(work, `agent-${id}.samples.jsonl`)));
  const restarts = rejoins(result.restarts, result.reports, result.epochMs ?? 0);
  // Down from the kill until the new process ran its node (known for an agent's last restart), else until it was spawned.
  const outages = restarts.map((r) => ({ id: r.id, downAtMs: r.diedAtMs, upAtMs: r.diedAtMs + (r.runningAfterMs ?? r.restartedAtMs - r.diedAtMs) }));
  const series = scoreLive({ scenario, agents, rttMs, samples, vmCount: scenario.cloud === undefined ? 0 : agents * scenario.cloud.vm.perHost, outages, ...(vmSchedule === null ? {} : { vmPlacement: vmSchedule }), veMembers: plan?.veMembers });
  const twinDir = join(dirname(outDir), `.${basename(outDir)}.twin`);
  const twin =
    options.twin === false
      ? null
      : scenario.cloud === undefined
        ? runTwin(options.scenario, sets, matrixFile, durationS, twinDir)
        : runCloudTwin(scenario, world.backbone as BackboneNetwork, hosts, durationS, join(work, 'twin-scenario.json'), twinDir);
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
    ...(vmSchedule === null ? {} : { vmPlacement: `a schedule played by the agents (${vmSchedule.vmCount} VMs, ${vmSchedule.moves.length} moves; VMs of a killed agent stay on it)` }),
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
    process.exit(1);
  }
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

/**
 * The simulated twin of a live launch: the same scenario on the same agents (a matrix topology
 * of the RTTs the shim applied, one host per row), the same duration and seed, without the faults
 * and churn the live run does not apply either. Its results go to `dir` (a `luc run` folder).
 */
function runTwin(scenarioFile: string, sets: readonly string[], matrixFile: string, durationS: number, dir: string): { dir: string; metrics: Record<string, number> } {
  const data = JSON.parse(JSON.stringify(readScenarioSource(scenarioFile).data)) as Record<string, unknown>;
  for (const section of ['hosts', 'faults', 'churn']) delete data[section];
  const twinFile = join(dirname(matrixFile), 'twin-scenario.json');
  writeFileSync(twinFile, `${JSON.stringify({ ...data, durationS, topology: { kind: 'matrix', file: matrixFile, unit: 'ms', missing: [...LIVE_MATRIX_MISSING] } }, null, 2)}\n`);
  const twin = loadScenario(twinFile, sets);
  const outcome = runScenario(twin, twinFile);
  const metrics = outcome.series.finalValues();
  const summary = { scenario: twin.name, seed: twin.seed, mode: 'simulated twin of the live run', hosts: outcome.hostCount, virtualTimeS: outcome.virtualTimeS, eventsProcessed: outcome.eventsProcessed, metrics };
  writeResults(dir, { rows: outcome.series.all(), summary, resolvedScenario: twin });
  return { dir, metrics };
}

/**
 * The simulated twin of a live launch with a cloud: migrations cross the backbone's links, so the
 * twin keeps the backbone and holds exactly the agents' hosts (`hosts.perPop` as a list of the
 * agents per PoP). Hosts are numbered PoP by PoP in both, so twin host i is agent i, and the
 * cloud (VMs, VEs, loads) is laid out as the live plan lays it (`live-cloud.ts`). Null, with a
 * note, when two PoPs share a name (a list by name cannot say which).
 */
function runCloudTwin(scenario: Scenario, network: BackboneNetwork, agentHosts: readonly number[], durationS: number, twinFile: string, dir: string): { dir: string; metrics: Record<string, number> } | null {
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
  const data = { ...scenario, durationS, hosts: { ...scenario.hosts, perPop: { rule: 'list', counts, default: 0 } }, faults: [], churn: undefined };
  writeFileSync(twinFile, `${JSON.stringify(data, null, 2)}\n`);
  const twin = loadScenario(twinFile);
  const outcome = runScenario(twin, twinFile);
  const metrics = outcome.series.finalValues();
  const summary = { scenario: twin.name, seed: twin.seed, mode: 'simulated twin of the live run', hosts: outcome.hostCount, virtualTimeS: outcome.virtualTimeS, eventsProcessed: outcome.eventsProcessed, metrics };
  writeResults(dir, { rows: outcome.series.all(), summary, resolvedScenario: twin });
  return { dir, metrics };
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
function deliveryRttMs(network: NetworkModel, a: number, b: number): number {
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

/**
 * `luc live agent` and `luc live launch`: the Vivaldi stack (gossip + Vivaldi) on the live
 * runtime. Thin: options are parsed here, the work is in src/runtime/live/.
 *
 * This file also runs by itself (`node dist/cli/live.js live agent ...`), so the launcher and the
 * tests can start agents whether or not the `luc` entry point registers these commands.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, type CommanderError } from 'commander';
import { loadRttMatrix } from '../platform/rtt-matrix.js';
import type { RttMatrix } from '../platform/types.js';
import { EXIT_BAD_INPUT, isBadInput, printable } from './exit-codes.js';
import { defaultGossipConfig, type GossipProtocol } from '../protocols/gossip/index.js';
import { GOSSIP, VIVALDI, type VivaldiStackConfig, vivaldiStack, vivaldiStackSchemas } from '../protocols/stack.js';
import { type Coordinate, defaultVivaldiConfig, distanceMs, type VivaldiProtocol } from '../protocols/vivaldi/index.js';
import { type AgentReport, runAgent } from '../runtime/live/agent.js';
import { type AgentOptionsRaw, parseAgentOptions } from '../runtime/live/agent-config.js';
import { medianRelativeError } from '../runtime/live/coordinate-error.js';
import { launchAgents } from '../runtime/live/launcher.js';
import { LiveConfigError } from '../runtime/live/live-errors.js';
import type { LiveNode } from '../runtime/live/live-node.js';
import { integerOption, numberOption, requireOption } from '../runtime/live/option-parsing.js';
import { resolveScenarioArg } from './bundled-scenarios.js';
import { LAUNCH_AGENTS_MAX, type ScenarioAgentOptionsRaw, type ScenarioLaunchOptionsRaw, scenarioAgentCommand, scenarioLaunchCommand } from './live-scenario.js';

/** After the run, how long agents get to report before SIGTERM, then before SIGKILL. */
const LAUNCH_GRACE_MS = 5_000;

interface ProtocolOptionsRaw {
  readonly vivaldiPeriodMs?: string;
  readonly gossipPeriodMs?: string;
  readonly dimensions?: string;
}

/** A coordinate as an agent reports it (JSON: a plain array, not a Float64Array). */
export interface ReportedCoordinate {
  readonly vec: readonly number[];
  readonly heightMs: number;
}

export function registerLiveCommands(program: Command): void {
  const live = program
    .command('live')
    .description("run a scenario's agent (or, without --scenario, the Vivaldi stack) on real UDP sockets, between OS processes or machines")
    // Bad arguments exit 2 (help and version still exit 0).
    .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : EXIT_BAD_INPUT));

  addProtocolOptions(
    live
      .command('agent')
      .description('run one agent until --duration-s has passed or SIGTERM, then write its report (JSON)')
      .option('--scenario <file>', "run this scenario's agent (its protocols, detector and services) instead of the Vivaldi stack")
      .option('--set <path=value>', 'with --scenario: override a scenario field (repeatable)', collect, [])
      .option('--epoch-ms <ms>', 'with --scenario: the run start (ms since 1970); metric ticks fall at epoch + k x metrics.intervalS')
      .option('--epoch-file <file>', 'with --scenario: write <report>.ready, wait for this file and read the run start from it (the launcher writes it once all agents are ready)')
      .option('--hypervisor <uri>', "with a scenario's cloud section: this host's libvirt (e.g. test:///default, qemu:///system)")
      .option('--restarted', 'with --scenario: this process replaces one that died (the launcher says so): its host comes back empty, as a crash leaves it')
      .option('--samples <file>', 'with --scenario: where the samples go (JSON lines; default: the report file with .samples.jsonl)')
      .option('--id <n>', "this agent's id (its entry in the peers file; matrix row n)")
      .option('--peers <file>', 'peers file: JSON [{"id": 0, "host": "127.0.0.1", "port": 40000}, ...], ids 0..n-1')
      .option('--matrix <file>', 'RTT matrix (ms, tab/space separated, row i = peer i): emulate its latency (RTT/2 per message)')
      .option('--loss-rate <r>', 'with --matrix: drop each message with this probability', '0')
      .option('--seed <s>', 'root seed of the random streams (default 1; with --scenario, its seed)')
      .option('--duration-s <d>', 'stop after this many seconds (at most 86400; with --scenario, default its durationS)')
      .option('--report <file>', 'where to write the final report')
      .option('--bootstrap-count <k>', 'introducers drawn from the seed', '3')
      .option('--bind <host>', "address to bind instead of the peers file's (e.g. 0.0.0.0)")
      .option('--key <file>', 'cluster key file (hex, at least 64 digits): every datagram is authenticated with it')
      .option('--insecure', 'run without a key: datagrams are not authenticated (message schemas are still checked)'),
  ).action((options: AgentOptionsRaw & ProtocolOptionsRaw & Partial<ScenarioAgentOptionsRaw>) =>
    exitOnConfigError(() => {
      if (options.scenario === undefined) return agentCommand(options);
      refuseStackOptions(options);
      return scenarioAgentCommand(options as ScenarioAgentOptionsRaw);
    }),
  );

  addProtocolOptions(
    live
      .command('launch')
      .description('start N local agents on free loopback ports, wait, and score them against ground truth')
      .option('--scenario <file>', "run this scenario's agent on N agents standing for hosts spread over its backbone, latency from its topology; results as luc run writes them")
      .option('--set <path=value>', 'with --scenario: override a scenario field (repeatable)', collect, [])
      .option('--agents <n>', 'number of agents (without --scenario: peer i = matrix row i; default 8, with --scenario 16)')
      .option('--matrix <file>', 'without --scenario: RTT matrix (ms), emulated latency and ground truth')
      .option('--duration-s <d>', 'run length in seconds (default 20; with --scenario, its durationS)')
      .option('--out <dir>', 'results folder (without --scenario: peers.json, cluster.key (fresh, mode 0600), agent-<i>.json, agent-<i>.log and summary.json)')
      .option('--seed <s>', 'root seed (default 1; with --scenario, its seed)')
      .option('--hypervisor <uri>', "with a scenario's cloud section: each agent's libvirt URI (default test:///default: migrations emulated, loads injected)")
      .option('--no-twin', 'with --scenario: do not also simulate the same agents (matrix of their RTTs, same duration and seed) for a side-by-side')
      .option('--restarts-max <n>', 'with --scenario: restart an agent that dies before the end at most n times (default 3)')
      .option('--loss-rate <r>', 'drop each message with this probability', '0')
      .option('--host <addr>', 'address of every agent', '127.0.0.1'),
  ).action((options: LaunchOptionsRaw & Partial<ScenarioLaunchOptionsRaw>) =>
    exitOnConfigError(() => {
      if (options.scenario === undefined) return launchCommand(options);
      refuseStackOptions(options);
      if (options.matrix !== undefined) throw new LiveConfigError('arguments', '--matrix', 'no matrix with --scenario (the latency comes from its topology)');
      return scenarioLaunchCommand({ ...(options as ScenarioLaunchOptionsRaw), scenario: resolveScenarioArg(options.scenario) }, agentCommandLine(), process.argv);
    }),
  );
}

function addProtocolOptions(command: Command): Command {
  return command
    .option('--vivaldi-period-ms <ms>', `without --scenario: one Vivaldi ping per period (default ${defaultVivaldiConfig.periodMs})`)
    .option('--gossip-period-ms <ms>', `without --scenario: one gossip shuffle per period (default ${defaultGossipConfig.periodMs})`)
    .option('--dimensions <n>', `without --scenario: Vivaldi coordinate dimensions, plus a height (default ${defaultVivaldiConfig.dimensions})`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** With --scenario, the scenario sets the protocols: the Vivaldi stack's options would be silently ignored. */
function refuseStackOptions(options: ProtocolOptionsRaw): void {
  const given = (['vivaldiPeriodMs', 'gossipPeriodMs', 'dimensions'] as const).filter((key) => options[key] !== undefined);
  if (given.length > 0) throw new LiveConfigError('arguments', '--scenario', `no Vivaldi-stack option with it (set the scenario's fields with --set, e.g. protocols.vivaldi.periodMs=500)`, given.join(', '));
}

function stackConfigOf(options: ProtocolOptionsRaw): VivaldiStackConfig {
  return {
    gossip: { ...defaultGossipConfig, periodMs: numberOption(options.gossipPeriodMs ?? String(defaultGossipConfig.periodMs), '--gossip-period-ms', 1, 3_600_000) },
    vivaldi: {
      ...defaultVivaldiConfig,
      periodMs: numberOption(options.vivaldiPeriodMs ?? String(defaultVivaldiConfig.periodMs), '--vivaldi-period-ms', 1, 3_600_000),
      dimensions: integerOption(options.dimensions ?? String(defaultVivaldiConfig.dimensions), '--dimensions', 1, 64),
    },
  };
}

async function agentCommand(options: AgentOptionsRaw & ProtocolOptionsRaw): Promise<void> {
  const config = parseAgentOptions(options);
  const stackConfig = stackConfigOf(options);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  await runAgent(config, vivaldiStack(stackConfig), vivaldiStackSchemas(stackConfig, config.peers.length), describeVivaldiNode, log);
  process.exit(0); // the report is written; do not wait on anything a protocol left behind
}

/** The agent's state worth reporting: its coordinate, error estimate and overlay. */
function describeVivaldiNode(node: LiveNode): Record<string, unknown> {
  const vivaldi = node.protocol<VivaldiProtocol>(VIVALDI);
  const gossip = node.protocol<GossipProtocol>(GOSSIP);
  if (vivaldi === undefined) return { coordinate: null };
  const coord = vivaldi.coordinate();
  const coordinate: ReportedCoordinate = { vec: Array.from(coord.vec), heightMs: coord.heightMs };
  return { coordinate, errorEstimate: vivaldi.errorEstimate(), neighbours: vivaldi.neighbourPeers(), gossipPeers: gossip?.peers() ?? [] };
}

/**
 * Median relative error of the reported coordinates against the matrix, over all pairs of agents
 * that reported (an agent that never reported is left out, not a reason to score nothing).
 */
export function coordinateMedianRelativeError(matrix: RttMatrix, reports: readonly (AgentReport | null)[]): number {
  const ids: number[] = [];
  const coords: Coordinate[] = [];
  reports.forEach((report, id) => {
    const c = report?.coordinate as ReportedCoordinate | null | undefined;
    if (report === null || c === null || c === undefined) return;
    if (report.id !== id) throw new Error(`report ${id} is agent ${report.id}'s`);
    ids.push(id);
    coords.push({ vec: [...c.vec], heightMs: c.heightMs });
  });
  const rttUs = new Float64Array(ids.length * ids.length);
  ids.forEach((a, i) => ids.forEach((b, j) => (rttUs[i * ids.length + j] = matrix.rttUs[a * matrix.n + b])));
  const sub: RttMatrix = { name: matrix.name, n: ids.length, labels: ids.map((id) => matrix.labels[id] ?? String(id)), rttUs };
  return medianRelativeError(sub, coords.length, (i, j) => distanceMs(coords[i], coords[j]));
}

interface LaunchOptionsRaw extends ProtocolOptionsRaw {
  readonly agents?: string;
  readonly matrix?: string;
  readonly durationS?: string;
  readonly out?: string;
  readonly seed?: string;
  readonly lossRate?: string;
  readonly host?: string;
}

async function launchCommand(options: LaunchOptionsRaw): Promise<void> {
  const matrixFile = requireOption(options.matrix, '--matrix', 'an RTT matrix file');
  const matrix = loadRttMatrix(matrixFile, { unit: 'ms' });
  const agents = integerOption(options.agents ?? '8', '--agents', 2, Math.min(LAUNCH_AGENTS_MAX, matrix.n));
  const durationS = numberOption(options.durationS ?? '20', '--duration-s', 0.001, 86_400);
  const outDir = requireOption(options.out, '--out', 'an output directory');
  const seed = integerOption(options.seed ?? '1', '--seed', 0, Number.MAX_SAFE_INTEGER);
  stackConfigOf(options); // check the protocol options here, not in N agents' logs
  const agentArgs = [
    '--loss-rate', options.lossRate ?? '0',
    ...(options.vivaldiPeriodMs === undefined ? [] : ['--vivaldi-period-ms', options.vivaldiPeriodMs]),
    ...(options.gossipPeriodMs === undefined ? [] : ['--gossip-period-ms', options.gossipPeriodMs]),
    ...(options.dimensions === undefined ? [] : ['--dimensions', options.dimensions]),
  ];
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stderr.write(`launching ${agents} agents on ${options.host} for ${durationS} s, seed ${seed}, matrix ${matrixFile}\n`);
  const result = await launchAgents(
    { agents, host: options.host ?? '127.0.0.1', matrixFile, durationS, outDir, seed, agentCommand: agentCommandLine(), agentArgs, graceMs: LAUNCH_GRACE_MS },
    abort.signal,
  );
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const missing = result.reports.flatMap((report, id) => (report === null ? [id] : []));
  const medianError = result.reports.length - missing.length >= 2 ? coordinateMedianRelativeError(matrix, result.reports) : null;
  const summary = { agents, seed, durationS, matrix: matrixFile, medianRelativeError: medianError, missingReports: missing, exits: result.exits, wallMs: Math.round(result.wallMs) };
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (missing.length > 0) process.stderr.write(`no report from agent(s) ${missing.join(', ')} (exits: ${result.exits.join(', ')}); scored the others; see ${outDir}/agent-<i>.log\n`);
  if (medianError === null || missing.length > 0) process.exit(1);
  process.stdout.write(`median relative error ${(100 * medianError).toFixed(1)}% over ${((agents - missing.length) * (agents - missing.length - 1)) / 2} pairs; wall ${(result.wallMs / 1000).toFixed(1)} s; ${outDir}/summary.json\n`);
}

/** How to start one agent: this very file, run by this Node with its flags (tsx loaders too). */
export function agentCommandLine(): string[] {
  return [process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), 'live', 'agent'];
}

function exitOnConfigError(action: () => Promise<void>): Promise<void> {
  // Through a promise, so an error thrown before the action's first await is caught too.
  return Promise.resolve().then(action).catch((error: unknown) => {
    if (!(error instanceof LiveConfigError || isBadInput(error))) throw error;
    process.stderr.write(`error: ${printable(error.message)}\n`);
    process.exit(EXIT_BAD_INPUT);
  });
}

function runDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (runDirectly()) {
  const program = new Command('luc');
  registerLiveCommands(program);
  await program.parseAsync(process.argv);
}

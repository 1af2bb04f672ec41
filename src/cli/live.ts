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
import { EXIT_BAD_INPUT, isBadInput } from './exit-codes.js';
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

/** Agents a launch may start on one machine. */
const LAUNCH_AGENTS_MAX = 256;
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
    .description('run the Vivaldi stack on real UDP sockets, between OS processes or machines')
    // Bad arguments exit 2 (help and version still exit 0).
    .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : EXIT_BAD_INPUT));

  addProtocolOptions(
    live
      .command('agent')
      .description('run one agent until --duration-s has passed or SIGTERM, then write its report (JSON)')
      .option('--id <n>', "this agent's id (its entry in the peers file; matrix row n)")
      .option('--peers <file>', 'peers file: JSON [{"id": 0, "host": "127.0.0.1", "port": 40000}, ...], ids 0..n-1')
      .option('--matrix <file>', 'RTT matrix (ms, tab/space separated, row i = peer i): emulate its latency (RTT/2 per message)')
      .option('--loss-rate <r>', 'with --matrix: drop each message with this probability', '0')
      .option('--seed <s>', 'root seed of the random streams', '1')
      .option('--duration-s <d>', 'stop after this many seconds (at most 86400)')
      .option('--report <file>', 'where to write the final report')
      .option('--bootstrap-count <k>', 'introducers drawn from the seed', '3')
      .option('--bind <host>', "address to bind instead of the peers file's (e.g. 0.0.0.0)")
      .option('--key <file>', 'cluster key file (hex, at least 64 digits): every datagram is authenticated with it')
      .option('--insecure', 'run without a key: datagrams are not authenticated (message schemas are still checked)'),
  ).action((options: AgentOptionsRaw & ProtocolOptionsRaw) => exitOnConfigError(() => agentCommand(options)));

  addProtocolOptions(
    live
      .command('launch')
      .description('start N local agents on free loopback ports, wait, and score their coordinates against the matrix')
      .option('--agents <n>', 'number of agents (peer i = matrix row i)', '8')
      .option('--matrix <file>', 'RTT matrix (ms): emulated latency and ground truth')
      .option('--duration-s <d>', 'run length in seconds', '20')
      .option('--out <dir>', 'directory for peers.json, cluster.key (fresh, mode 0600), agent-<i>.json, agent-<i>.log and summary.json')
      .option('--seed <s>', 'root seed', '1')
      .option('--loss-rate <r>', 'drop each message with this probability', '0')
      .option('--host <addr>', 'address of every agent', '127.0.0.1'),
  ).action((options: LaunchOptionsRaw) => exitOnConfigError(() => launchCommand(options)));
}

function addProtocolOptions(command: Command): Command {
  return command
    .option('--vivaldi-period-ms <ms>', 'one Vivaldi ping per period', String(defaultVivaldiConfig.periodMs))
    .option('--gossip-period-ms <ms>', 'one gossip shuffle per period', String(defaultGossipConfig.periodMs))
    .option('--dimensions <n>', 'Vivaldi coordinate dimensions (plus a height)', String(defaultVivaldiConfig.dimensions));
}

function stackConfigOf(options: ProtocolOptionsRaw): VivaldiStackConfig {
  return {
    gossip: { ...defaultGossipConfig, periodMs: numberOption(options.gossipPeriodMs ?? '', '--gossip-period-ms', 1, 3_600_000) },
    vivaldi: {
      ...defaultVivaldiConfig,
      periodMs: numberOption(options.vivaldiPeriodMs ?? '', '--vivaldi-period-ms', 1, 3_600_000),
      dimensions: integerOption(options.dimensions ?? '', '--dimensions', 1, 64),
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

/** Median relative error of the reported coordinates against the matrix, over all pairs. */
export function coordinateMedianRelativeError(matrix: RttMatrix, reports: readonly AgentReport[]): number {
  const coords: Coordinate[] = reports.map((report, id) => {
    const c = report.coordinate as ReportedCoordinate | null | undefined;
    if (report.id !== id || c === null || c === undefined) throw new Error(`report ${id} has no coordinate`);
    return { vec: [...c.vec], heightMs: c.heightMs };
  });
  return medianRelativeError(matrix, coords.length, (i, j) => distanceMs(coords[i], coords[j]));
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
  const agents = integerOption(options.agents ?? '', '--agents', 2, Math.min(LAUNCH_AGENTS_MAX, matrix.n));
  const durationS = numberOption(options.durationS ?? '', '--duration-s', 0.001, 86_400);
  const outDir = requireOption(options.out, '--out', 'an output directory');
  const seed = integerOption(options.seed ?? '', '--seed', 0, Number.MAX_SAFE_INTEGER);
  stackConfigOf(options); // check the protocol options here, not in N agents' logs
  const agentArgs = [
    '--loss-rate', options.lossRate ?? '0',
    '--vivaldi-period-ms', options.vivaldiPeriodMs ?? '',
    '--gossip-period-ms', options.gossipPeriodMs ?? '',
    '--dimensions', options.dimensions ?? '',
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
  const medianError = missing.length === 0 ? coordinateMedianRelativeError(matrix, result.reports as AgentReport[]) : null;
  const summary = { agents, seed, durationS, matrix: matrixFile, medianRelativeError: medianError, missingReports: missing, exits: result.exits, wallMs: Math.round(result.wallMs) };
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (medianError === null) {
    process.stderr.write(`no report from agent(s) ${missing.join(', ')} (exits: ${result.exits.join(', ')}); see ${outDir}/agent-<i>.log\n`);
    process.exit(1);
  }
  process.stdout.write(`median relative error ${(100 * medianError).toFixed(1)}% over ${(agents * (agents - 1)) / 2} pairs; wall ${(result.wallMs / 1000).toFixed(1)} s; ${outDir}/summary.json\n`);
}

/** How to start one agent: this very file, run by this Node with its flags (tsx loaders too). */
export function agentCommandLine(): string[] {
  return [process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), 'live', 'agent'];
}

function exitOnConfigError(action: () => Promise<void>): Promise<void> {
  return action().catch((error: unknown) => {
    if (!(error instanceof LiveConfigError || isBadInput(error))) throw error;
    process.stderr.write(`error: ${error.message}\n`);
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

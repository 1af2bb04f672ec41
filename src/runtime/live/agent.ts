/**
 * One agent process: a LiveNode running a stack until `durationMs` has passed or a SIGTERM /
 * SIGINT arrives, then a final report written as JSON. Which protocols run is the caller's choice
 * (the CLI wires the Vivaldi stack); `describe` adds their state (e.g. the coordinate) to the report.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay, type RecordableHistogram } from 'node:perf_hooks';
import type { Hypervisor, MessageSchemas, StackBuilder } from '../context.js';
import type { AgentConfig } from './agent-config.js';
import { drawBootstrapPeers } from './bootstrap-peers.js';
import { LiveNode } from './live-node.js';
import { DATAGRAM_BYTES_MAX } from './wire-codec.js';

/** What every agent reports; `describe` adds protocol-specific fields beside these. */
export interface AgentReport {
  readonly id: number;
  readonly seed: number;
  readonly host: string;
  readonly port: number;
  /** Wall time the node ran, in ms. */
  readonly ranMs: number;
  readonly stoppedBy: 'duration' | 'signal';
  readonly counters: Readonly<Record<string, number>>;
  /**
   * How late this process ran what was due, in ms (percentiles p50, p90, p99 and max): `eventLoop`,
   * the event loop's delay sampled every 20 ms (a timer, a datagram waits this long behind other
   * work); `shim`, how late held-back messages left after their due time; and the CPU the process
   * used (s). Timer jitter and CPU contention, measured.
   */
  readonly timing: AgentTiming;
  readonly [field: string]: unknown;
}

export interface LatenessMs {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface AgentTiming {
  readonly eventLoopMs: LatenessMs;
  readonly shimMs: LatenessMs | null;
  readonly cpuS: number;
}

const REPORT_FIELDS = ['id', 'seed', 'host', 'port', 'ranMs', 'stoppedBy', 'counters', 'timing'] as const;

/** Percentiles of a histogram, converted to ms by `toMs`. */
function latenessOf(histogram: IntervalHistogram | RecordableHistogram, toMs: (value: number) => number): LatenessMs {
  const at = (p: number): number => Number(toMs(histogram.count === 0 ? 0 : histogram.percentile(p)).toFixed(3));
  return { count: histogram.count, p50: at(50), p90: at(90), p99: at(99), max: Number(toMs(histogram.count === 0 ? 0 : histogram.max).toFixed(3)) };
}

/**
 * The clock shared by every agent of a launch: protocols start at epochMs, metric ticks fall at
 * epochMs + k x intervalMs (wall clock, so agents started at different moments, or restarted,
 * sample at the same instants), and once more at the run's end, epochMs + durationMs, when the
 * agents stop together.
 */
export interface AgentTicks {
  /** The launch's start, in ms since 1970 (Date.now() of the launcher). */
  readonly epochMs: number;
  readonly intervalMs: number;
  /** Called at each tick with its time in seconds since the epoch. */
  onTick(node: LiveNode, tickS: number): void;
  /** Called once the node runs (its protocols started), before the first tick. */
  onStarted?(node: LiveNode): void;
}

/**
 * The event loop's delay is sampled every this many ms: each sample wakes the process, and at 1 ms
 * 16 agents on 2 cores woke 16,000 times a second, which cost CPU the measurement then showed.
 */
const LOOP_DELAY_RESOLUTION_MS = 20;

/** Messages held back by the shim at once, per agent (a bound, not a tuning knob). */
const SHIM_PENDING_MAX = 100_000;

export async function runAgent(
  config: AgentConfig,
  stack: StackBuilder,
  schemas: MessageSchemas,
  describe: (node: LiveNode) => Record<string, unknown>,
  log: (line: string) => void,
  ticks?: AgentTicks,
  hypervisor?: Hypervisor,
): Promise<AgentReport> {
  const { id, peers, seed, matrix } = config;
  // With ticks, every agent starts its protocols at the epoch (as every simulated host starts at
  // time 0); one that comes later (slow to load, or restarted) starts at once.
  if (ticks !== undefined && Date.now() < ticks.epochMs) await new Promise((resolve) => setTimeout(resolve, ticks.epochMs - Date.now()));
  const node = await LiveNode.start({
    id,
    peers,
    seed,
    stack,
    schemas,
    key: config.key,
    bootstrapPeers: drawBootstrapPeers(seed, id, peers.length, config.bootstrapCount),
    shim: matrix === null ? null : { matrix, lossRate: config.lossRate, pendingMax: SHIM_PENDING_MAX },
    bindHost: config.bindHost,
    datagramBytesMax: DATAGRAM_BYTES_MAX,
    warn: log,
    hypervisor,
    clockOriginMs: ticks?.epochMs,
  });
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  const cpuStart = process.cpuUsage();
  const shimNote = matrix === null ? 'no latency shim' : `shim ${matrix.name} loss ${config.lossRate}`;
  const authNote = config.key === null ? 'INSECURE: datagrams not authenticated' : 'datagrams authenticated';
  log(`agent ${id} on ${peers[id].host}:${peers[id].port}, ${peers.length} peers, seed ${seed}, ${config.durationMs} ms, ${shimNote}, ${authNote}`);

  // With ticks, the run ends at the launch's end (epoch + duration), not this process's.
  const endMs = ticks === undefined ? config.durationMs : Math.max(0, ticks.epochMs + config.durationMs - Date.now());
  ticks?.onStarted?.(node);
  const tickTimer = ticks === undefined ? null : scheduleTicks(node, ticks, config.durationMs, log);
  const stoppedBy = await new Promise<'duration' | 'signal'>((resolve) => {
    const timer = setTimeout(() => finish('duration'), endMs);
    const onSignal = (): void => finish('signal');
    function finish(reason: 'duration' | 'signal'): void {
      clearTimeout(timer);
      tickTimer?.stop();
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(reason);
    }
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  const ranMs = node.nowMs();
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuStart);
  const shimLate = node.shimLateness();
  // The loop's delay is in ns, counted from the sampling period; the shim's in us + 1.
  const timing: AgentTiming = {
    eventLoopMs: latenessOf(loopDelay, (ns) => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS)),
    shimMs: shimLate === null ? null : latenessOf(shimLate, (us) => (us - 1) / 1000),
    cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
  };
  if (ticks !== undefined && stoppedBy === 'duration') tick(node, ticks, config.durationMs / 1000, log);
  // Describe before stopping: onStop may clear state the report wants.
  const extra = describe(node);
  await node.stop();
  for (const field of REPORT_FIELDS) if (field in extra) throw new Error(`describe() must not set the report's own field '${field}'`);
  const report: AgentReport = {
    id,
    seed,
    host: peers[id].host,
    port: peers[id].port,
    ranMs: Math.round(ranMs),
    stoppedBy,
    ...extra,
    counters: Object.fromEntries(node.counters.entries()),
    timing,
  };
  writeReport(config.reportFile, report);
  log(`agent ${id} stopped by ${stoppedBy} after ${Math.round(ranMs)} ms; report ${config.reportFile}`);
  return report;
}

/** Ticks after now, up to (not including) the run's end; the end's own tick is taken at stop. */
function scheduleTicks(node: LiveNode, ticks: AgentTicks, durationMs: number, log: (line: string) => void): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let k = Math.floor((Date.now() - ticks.epochMs) / ticks.intervalMs) + 1;
  const next = (): void => {
    if (k * ticks.intervalMs >= durationMs) return;
    timer = setTimeout(() => {
      tick(node, ticks, (k * ticks.intervalMs) / 1000, log);
      k++;
      next();
    }, Math.max(0, ticks.epochMs + k * ticks.intervalMs - Date.now()));
  };
  next();
  return { stop: () => clearTimeout(timer) };
}

/** A sampling error is reported, not fatal: the agent keeps running and the tick is missing. */
function tick(node: LiveNode, ticks: AgentTicks, tickS: number, log: (line: string) => void): void {
  try {
    ticks.onTick(node, tickS);
  } catch (error) {
    node.counters.count('live.tick.errors');
    log(`tick at ${tickS} s failed: ${(error as Error).stack ?? error}`);
  }
}

/** Write then rename, so a reader never sees half a report. */
function writeReport(file: string, report: AgentReport): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmp, file);
}

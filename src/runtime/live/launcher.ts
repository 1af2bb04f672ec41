/**
 * Starts N agent processes on one host (loopback by default), each on a free UDP port, waits for
 * them to stop by themselves, and reads their reports. Bounded: an agent still running `graceMs`
 * after the run's end gets SIGTERM (it then reports), and SIGKILL after another `graceMs`. An
 * abort (the caller's signal) does the same at once, so no agent outlives a failed test.
 *
 * A supervisor: an agent that dies before the run's end (a crash, kill -9) is started again on
 * its port, with the same arguments, `restartDelayMs` later and at most `restartsMax` times; its
 * log is appended to, its pid file rewritten (`agent-<i>.pid`), and each restart recorded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AgentReport } from './agent.js';
import { writeClusterKey } from './cluster-key.js';
import { findFreeUdpPorts } from './free-ports.js';
import { formatPeerTable, type PeerAddress } from './peer-table.js';

/** How often the launcher looks for agents that are ready. */
const BARRIER_POLL_MS = 50;

export interface LaunchConfig {
  readonly agents: number;
  readonly host: string;
  readonly matrixFile: string;
  readonly durationS: number;
  readonly outDir: string;
  readonly seed: number;
  /** The command that runs one agent, before its own arguments: [node, script, 'live', 'agent']. */
  readonly agentCommand: readonly string[];
  /** Arguments given to every agent after the common ones (protocol options, --loss-rate ...). */
  readonly agentArgs: readonly string[];
  readonly graceMs: number;
  /** Restarts per agent at most (0: none). */
  readonly restartsMax?: number;
  readonly restartDelayMs?: number;
  /** The run's time 0 (Date.now() units; the run ends durationS after it, restart times count from it); default: now. */
  readonly epochMs?: number;
  /**
   * A start barrier instead of a fixed epoch: each agent writes `readyFile(id)` once loaded and
   * waits for `epochFile`; once all are ready (or after `timeoutMs`, with those that are) the
   * launcher writes it, the epoch being `leadMs` later. So slow-loading agents all start together.
   */
  readonly barrier?: { readonly epochFile: string; readonly readyFile: (id: number) => string; readonly timeoutMs: number; readonly leadMs: number };
}

/** One restart of an agent: when its process died (ms since the launch), how, and when the new one started. */
export interface AgentRestart {
  readonly id: number;
  readonly diedAtMs: number;
  readonly exit: number | string;
  readonly restartedAtMs: number;
}

export interface LaunchResult {
  readonly peersFile: string;
  /** The cluster key every agent was given (mode 0600). */
  readonly keyFile: string;
  /** By agent id; null when the agent left no readable report. */
  readonly reports: readonly (AgentReport | null)[];
  /** By agent id: the exit code, or the signal that ended it (its last process). */
  readonly exits: readonly (number | string)[];
  readonly restarts: readonly AgentRestart[];
  /** The run's time 0 (Date.now() units): the given epoch, or the one the barrier set (null if the run ended before). */
  readonly epochMs: number | null;
  readonly wallMs: number;
}

export async function launchAgents(config: LaunchConfig, signal?: AbortSignal): Promise<LaunchResult> {
  const startMs = performance.now();
  mkdirSync(config.outDir, { recursive: true });
  const ports = await findFreeUdpPorts(config.host, config.agents);
  const peers: PeerAddress[] = ports.map((port, id) => ({ id, host: config.host, port }));
  const peersFile = join(config.outDir, 'peers.json');
  writeFileSync(peersFile, formatPeerTable(peers));
  // A fresh cluster key per launch: only these agents can talk to each other.
  const keyFile = join(config.outDir, 'cluster.key');
  writeClusterKey(keyFile);

  const reportFile = (id: number): string => join(config.outDir, `agent-${id}.json`);
  const spawnOne = (id: number, append: boolean): ChildProcess => spawnAgent(config, id, peersFile, keyFile, reportFile(id), append);
  const { exits, restarts, epochMs } = await supervise(peers.length, spawnOne, config, signal);
  const reports = peers.map(({ id }) => readReport(reportFile(id)));
  return { peersFile, keyFile, reports, exits, restarts, epochMs, wallMs: performance.now() - startMs };
}

function spawnAgent(config: LaunchConfig, id: number, peersFile: string, keyFile: string, reportFile: string, append: boolean): ChildProcess {
  const [command, ...prefix] = config.agentCommand;
  const args = [
    ...prefix,
    '--id', String(id),
    '--peers', peersFile,
    '--key', keyFile,
    '--matrix', config.matrixFile,
    '--seed', String(config.seed),
    '--duration-s', String(config.durationS),
    '--report', reportFile,
    ...config.agentArgs,
    // A restart (not a first start that is merely late): a scenario's agent then comes back with an empty host.
    ...(append && config.agentArgs.includes('--scenario') ? ['--restarted'] : []),
  ];
  const logFd = openSync(join(config.outDir, `agent-${id}.log`), append ? 'a' : 'w');
  try {
    const child = spawn(command, args, { stdio: ['ignore', logFd, logFd] });
    if (child.pid !== undefined) writeFileSync(join(config.outDir, `agent-${id}.pid`), `${child.pid}\n`);
    return child;
  } finally {
    closeSync(logFd); // the child has its own copy
  }
}

/**
 * Runs the agents to the end: restarts those that die before the run's end (up to restartsMax
 * each), then resolves with each agent's last exit once all have exited. After the deadline (or
 * on abort) the living ones get SIGTERM, and SIGKILL `graceMs` later; nothing is restarted then.
 */
function supervise(
  count: number,
  spawnOne: (id: number, append: boolean) => ChildProcess,
  config: LaunchConfig,
  signal?: AbortSignal,
): Promise<{ exits: (number | string)[]; restarts: AgentRestart[]; epochMs: number | null }> {
  const runEndMs = config.durationS * 1000;
  const restartsMax = config.restartsMax ?? 0;
  const restartDelayMs = config.restartDelayMs ?? 200;
  return new Promise((resolve) => {
    const children: (ChildProcess | null)[] = new Array(count).fill(null);
    const exits: (number | string | undefined)[] = new Array(count).fill(undefined);
    const restartsOf = new Array<number>(count).fill(0);
    const restarts: AgentRestart[] = [];
    const pendingRestarts = new Set<NodeJS.Timeout>();
    let left = count;
    let ending = false;
    let killTimer: NodeJS.Timeout | undefined;
    const { barrier } = config;
    let epochMs: number | null = barrier === undefined ? (config.epochMs ?? Date.now()) : null;
    const elapsedMs = (): number => Date.now() - (epochMs ?? Date.now());
    const living = (): ChildProcess[] => children.filter((c): c is ChildProcess => c !== null && c.exitCode === null && c.signalCode === null);
    const terminate = (): void => {
      clearTimeout(termTimer);
      clearInterval(barrierPoll);
      ending = true;
      for (const timer of pendingRestarts) clearTimeout(timer);
      for (const id of pendingIds) settle(id, 'not restarted: run over');
      pendingIds.clear();
      if (killTimer !== undefined) return;
      for (const child of living()) child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        for (const child of living()) child.kill('SIGKILL');
      }, config.graceMs);
    };
    const pendingIds = new Set<number>();
    const settle = (id: number, exit: number | string): void => {
      if (exits[id] !== undefined) return;
      exits[id] = exit;
      if (--left > 0) return;
      clearTimeout(termTimer);
      clearTimeout(killTimer);
      clearInterval(barrierPoll);
      signal?.removeEventListener('abort', terminate);
      resolve({ exits: exits as (number | string)[], restarts, epochMs });
    };
    const start = (id: number, append: boolean): void => {
      const child = spawnOne(id, append);
      children[id] = child;
      let done = false;
      const exited = (exit: number | string, crashed: boolean): void => {
        if (done) return;
        done = true;
        const diedAtMs = elapsedMs();
        // A crash before the run's end is restarted; a clean exit, or anything once the run ends, is final.
        if (crashed && !ending && diedAtMs < runEndMs && restartsOf[id] < restartsMax) {
          restartsOf[id]++;
          pendingIds.add(id);
          const timer = setTimeout(() => {
            pendingRestarts.delete(timer);
            pendingIds.delete(id);
            restarts.push({ id, diedAtMs: Math.round(diedAtMs), exit, restartedAtMs: Math.round(elapsedMs()) });
            start(id, true);
          }, restartDelayMs);
          pendingRestarts.add(timer);
          return;
        }
        settle(id, exit);
      };
      // Exit 2 is bad input: starting the same command again cannot help.
      child.once('exit', (code, sig) => exited(code ?? sig ?? 'unknown', code !== 0 && code !== 2));
      child.once('error', (error) => exited(`spawn error: ${error.message}`, false));
    };
    let termTimer: NodeJS.Timeout | undefined;
    let barrierPoll: NodeJS.Timeout | undefined;
    const armEnd = (epoch: number): void => {
      clearTimeout(termTimer);
      termTimer = setTimeout(terminate, Math.max(0, epoch + runEndMs + config.graceMs - Date.now()));
    };
    if (epochMs !== null) armEnd(epochMs);
    else if (barrier !== undefined) {
      const openedMs = Date.now();
      armEnd(openedMs + barrier.timeoutMs + barrier.leadMs);
      barrierPoll = setInterval(() => {
        const ready = children.filter((_, id) => existsSync(barrier.readyFile(id))).length;
        if (ready < count && Date.now() - openedMs < barrier.timeoutMs) return;
        clearInterval(barrierPoll);
        epochMs = Date.now() + barrier.leadMs;
        const tmp = `${barrier.epochFile}.tmp`;
        writeFileSync(tmp, `${epochMs}\n`);
        renameSync(tmp, barrier.epochFile); // agents never read half a number
        armEnd(epochMs);
      }, BARRIER_POLL_MS);
    }
    signal?.addEventListener('abort', terminate, { once: true });
    for (let id = 0; id < count; id++) start(id, false);
    if (signal?.aborted) terminate();
  });
}

function readReport(file: string): AgentReport | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AgentReport;
  } catch {
    return null;
  }
}

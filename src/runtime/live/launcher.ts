/**
 * Starts N agent processes on one host (loopback by default), each on a free UDP port, waits for
 * them to stop by themselves, and reads their reports. Bounded: an agent still running `graceMs`
 * after the run's end gets SIGTERM (it then reports), and SIGKILL after another `graceMs`. An
 * abort (the caller's signal) does the same at once, so no agent outlives a failed test.
 *
 * A supervisor: an agent that dies before the run's end (a crash, kill -9) is started again on
 * its port, with the same arguments, `restartDelayMs` later and at most `restartsMax` times; its
 * log is appended to, its pid file rewritten (`agent-<i>.pid`), and each restart recorded.
 *
 * Where agents run is the caller's: by default on free ports of `host`; with `peers` at given
 * addresses (e.g. one network namespace each), each command prefixed by `wrap(id)` (`ip netns
 * exec NS`), or by a `runner` of the caller's (another machine, over ssh). A caller that applies faults gets a `LaunchControl` (`onControl`): it may crash an
 * agent on purpose, which is then held down until a given run time instead of restarted at once.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AgentReport } from './agent.js';
import { type AgentRunner, localRunner } from './agent-runner.js';
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
  /** Every agent's address (entry i is agent i's), instead of free ports on `host`. */
  readonly peers?: readonly PeerAddress[];
  /** A command prefix for agent `id` (e.g. ['ip', 'netns', 'exec', 'ns-3']); default none. */
  readonly wrap?: (id: number) => readonly string[];
  /** Where agents run (default: here, as children, with `wrap`); `agentCommand` and `wrap` are then the runner's business. */
  readonly runner?: AgentRunner;
  /** Called once, at the launch's start, with the means to crash agents on purpose. */
  readonly onControl?: (control: LaunchControl) => void;
}

/** What a caller applying faults may do to a running launch. */
export interface LaunchControl {
  /** The run's time 0 once set (Date.now() units), or null before the barrier opens. */
  epochMs(): number | null;
  /** Called with the epoch when it is set (at once if it is already). */
  onEpoch(listener: (epochMs: number) => void): void;
  /**
   * SIGKILL agent `id` now and start it again at run time `upAtMs` (ms since the epoch; null:
   * never), not before: a crash of the scenario, not one the supervisor repairs. It does not count
   * against restartsMax. Returns false when the agent was not running (already down, run over).
   */
  crash(id: number, upAtMs: number | null): boolean;
}

/** One restart of an agent: when its process died (ms since the launch), how, and when the new one started. */
export interface AgentRestart {
  readonly id: number;
  readonly diedAtMs: number;
  readonly exit: number | string;
  readonly restartedAtMs: number;
  /** True for a crash on purpose (LaunchControl.crash), held down until its time. */
  readonly heldDown?: true;
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
  const peers: readonly PeerAddress[] = config.peers ?? (await findFreeUdpPorts(config.host, config.agents)).map((port, id) => ({ id, host: config.host, port }));
  if (peers.length !== config.agents) throw new RangeError(`${peers.length} peer addresses for ${config.agents} agents`);
  const peersFile = join(config.outDir, 'peers.json');
  writeFileSync(peersFile, formatPeerTable(peers));
  // A fresh cluster key per launch: only these agents can talk to each other.
  const keyFile = join(config.outDir, 'cluster.key');
  writeClusterKey(keyFile);

  const runner = config.runner ?? localRunner(config.agentCommand, config.wrap);
  await runner.stage([peersFile, keyFile, config.matrixFile]);
  const reportFile = (id: number): string => join(config.outDir, `agent-${id}.json`);
  const spawnOne = (id: number, append: boolean): ChildProcess => {
    const child = runner.spawn(id, agentArgs(config, id, peersFile, keyFile, reportFile(id), append), join(config.outDir, `agent-${id}.log`), append);
    if (child.pid !== undefined) writeFileSync(join(config.outDir, `agent-${id}.pid`), `${child.pid}\n`);
    return child;
  };
  const { exits, restarts, epochMs } = await supervise(peers.length, spawnOne, runner, config, signal);
  await runner.collect();
  const reports = peers.map(({ id }) => readReport(reportFile(id)));
  return { peersFile, keyFile, reports, exits, restarts, epochMs, wallMs: performance.now() - startMs };
}

/** Agent `id`'s arguments after the agent command (paths as the launcher sees them). */
export function agentArgs(config: Pick<LaunchConfig, 'matrixFile' | 'seed' | 'durationS' | 'agentArgs'>, id: number, peersFile: string, keyFile: string, reportFile: string, restarted: boolean): string[] {
  return [
    '--id', String(id),
    '--peers', peersFile,
    '--key', keyFile,
    '--matrix', config.matrixFile,
    '--seed', String(config.seed),
    '--duration-s', String(config.durationS),
    '--report', reportFile,
    ...config.agentArgs,
    // A restart (not a first start that is merely late): a scenario's agent then comes back with an empty host.
    ...(restarted && config.agentArgs.includes('--scenario') ? ['--restarted'] : []),
  ];
}

/**
 * Runs the agents to the end: restarts those that die before the run's end (up to restartsMax
 * each), then resolves with each agent's last exit once all have exited. After the deadline (or
 * on abort) the living ones get SIGTERM, and SIGKILL `graceMs` later; nothing is restarted then.
 */
function supervise(
  count: number,
  spawnOne: (id: number, append: boolean) => ChildProcess,
  runner: AgentRunner,
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
    const epochListeners: ((epochMs: number) => void)[] = [];
    const setEpoch = (epoch: number): void => {
      epochMs = epoch;
      for (const listener of epochListeners) listener(epoch);
    };
    // Agents crashed on purpose and not yet dead: when each may come back (run time, null: never).
    const held = new Map<number, number | null>();
    const alive = (child: ChildProcess | null): child is ChildProcess => child !== null && child.exitCode === null && child.signalCode === null;
    const terminate = (): void => {
      clearTimeout(termTimer);
      clearInterval(barrierPoll);
      ending = true;
      for (const timer of pendingRestarts) clearTimeout(timer);
      for (const id of pendingIds) settle(id, 'not restarted: run over');
      pendingIds.clear();
      if (killTimer !== undefined) return;
      const signalLiving = (sig: 'SIGTERM' | 'SIGKILL'): void => children.forEach((child, id) => alive(child) && runner.signal(id, child, sig));
      signalLiving('SIGTERM');
      killTimer = setTimeout(() => signalLiving('SIGKILL'), config.graceMs);
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
        if (held.has(id)) {
          const upAtMs = held.get(id) ?? null;
          held.delete(id);
          if (upAtMs !== null && !ending && upAtMs < runEndMs) {
            pendingIds.add(id);
            const timer = setTimeout(() => {
              pendingRestarts.delete(timer);
              pendingIds.delete(id);
              restarts.push({ id, diedAtMs: Math.round(diedAtMs), exit, restartedAtMs: Math.round(elapsedMs()), heldDown: true });
              start(id, true);
            }, Math.max(0, upAtMs - elapsedMs()));
            pendingRestarts.add(timer);
            return;
          }
          settle(id, `held down (${exit})`);
          return;
        }
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
        const ready = children.filter((_, id) => runner.isReady(id, barrier.readyFile(id))).length;
        if (ready < count && Date.now() - openedMs < barrier.timeoutMs) return;
        clearInterval(barrierPoll);
        const epoch = Date.now() + barrier.leadMs;
        runner.publishEpoch(barrier.epochFile, epoch);
        armEnd(epoch);
        setEpoch(epoch);
      }, BARRIER_POLL_MS);
    }
    config.onControl?.({
      epochMs: () => epochMs,
      onEpoch: (listener) => (epochMs === null ? epochListeners.push(listener) : listener(epochMs)),
      crash: (id, upAtMs) => {
        const child = children[id];
        if (ending || !alive(child) || held.has(id)) return false;
        held.set(id, upAtMs);
        runner.signal(id, child, 'SIGKILL');
        return true;
      },
    });
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

/**
 * Starts N agent processes on one host (loopback by default), each on a free UDP port, waits for
 * them to stop by themselves, and reads their reports. Bounded: an agent still running `graceMs`
 * after the run's end gets SIGTERM (it then reports), and SIGKILL after another `graceMs`. An
 * abort (the caller's signal) does the same at once, so no agent outlives a failed test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AgentReport } from './agent.js';
import { writeClusterKey } from './cluster-key.js';
import { findFreeUdpPorts } from './free-ports.js';
import { formatPeerTable, type PeerAddress } from './peer-table.js';

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
}

export interface LaunchResult {
  readonly peersFile: string;
  /** The cluster key every agent was given (mode 0600). */
  readonly keyFile: string;
  /** By agent id; null when the agent left no readable report. */
  readonly reports: readonly (AgentReport | null)[];
  /** By agent id: the exit code, or the signal that ended it. */
  readonly exits: readonly (number | string)[];
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
  const children = peers.map(({ id }) => spawnAgent(config, id, peersFile, keyFile, reportFile(id)));
  const exits = await waitAll(children, config.durationS * 1000 + config.graceMs, config.graceMs, signal);
  const reports = peers.map(({ id }) => readReport(reportFile(id)));
  return { peersFile, keyFile, reports, exits, wallMs: performance.now() - startMs };
}

function spawnAgent(config: LaunchConfig, id: number, peersFile: string, keyFile: string, reportFile: string): ChildProcess {
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
  ];
  const logFd = openSync(join(config.outDir, `agent-${id}.log`), 'w');
  try {
    return spawn(command, args, { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd); // the child has its own copy
  }
}

/**
 * Resolve with every child's exit once all have exited. After `deadlineMs` (or on abort) the
 * living ones get SIGTERM, and SIGKILL `graceMs` later.
 */
function waitAll(children: readonly ChildProcess[], deadlineMs: number, graceMs: number, signal?: AbortSignal): Promise<(number | string)[]> {
  return new Promise((resolve) => {
    const exits: (number | string | undefined)[] = children.map(() => undefined);
    let left = children.length;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = (): void => {
      clearTimeout(termTimer);
      if (killTimer !== undefined) return;
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, graceMs);
    };
    const termTimer = setTimeout(terminate, deadlineMs);
    signal?.addEventListener('abort', terminate, { once: true });
    if (signal?.aborted) terminate();
    children.forEach((child, id) => {
      const settle = (exit: number | string): void => {
        if (exits[id] !== undefined) return;
        exits[id] = exit;
        if (--left > 0) return;
        clearTimeout(termTimer);
        clearTimeout(killTimer);
        signal?.removeEventListener('abort', terminate);
        resolve(exits as (number | string)[]);
      };
      child.once('exit', (code, sig) => settle(code ?? sig ?? 'unknown'));
      child.once('error', (error) => settle(`spawn error: ${error.message}`));
    });
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

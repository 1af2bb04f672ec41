/**
 * A launch's agents on other machines, over ssh: each agent is the remote command of an ssh
 * session (the launcher supervises the session; the agent's output is its log), signalled by
 * `kill` over another ssh, seen ready when its log says so, given the epoch by a file written on
 * every machine, and cut from other groups by iptables rules (the `GroupCutter` of the fault
 * player). After the run, the agents' reports and samples come back into the launch folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AgentRunner } from '../../runtime/live/agent-runner.js';
import { AGENT_READY_LINE } from '../../runtime/live/agent-runner.js';
import type { GroupCutter } from '../testbed-faults.js';
import { type DeployCommands, remoteArgs } from './deploy-plan.js';
import { COMMAND_TIMEOUT_MS, execCommand, oneLine, onEveryMachine } from './ssh-exec.js';

/**
 * How early a cut is sent to the machines (they wait for its time): ssh sessions took up to 10 s
 * to start here on a loaded node whose shell start-up file is slow. Each waiting cut holds a
 * session of the machine's master connection (sshd's MaxSessions: 10 by default).
 */
export const CUT_LEAD_MS = 30_000;
/** After a remote SIGKILL, how long the local ssh session may linger before it is killed too. */
const SESSION_KILL_AFTER_MS = 5_000;

export interface SshRunnerTimes {
  /** When the launch's files were staged on every machine, the first agent session started, all were ready, and results fetched (ms since 1970). */
  stagedAtMs: number | null;
  firstSpawnAtMs: number | null;
  readyAtMs: number | null;
  collectS: number | null;
}

export class SshRunner implements AgentRunner, GroupCutter {
  private readonly logs = new Map<number, string>();
  private readonly ready = new Set<number>();
  readonly times: SshRunnerTimes = { stagedAtMs: null, firstSpawnAtMs: null, readyAtMs: null, collectS: null };
  /** Cut steps applied (the teardown then removes the chain). */
  cuts = false;

  constructor(
    private readonly commands: DeployCommands,
    private readonly localScenario: string,
    private readonly remoteScenario: string,
    private readonly log: (line: string) => void,
  ) {}

  async stage(files: readonly string[]): Promise<void> {
    const work = dirname(files[0]);
    const stageTar = join(work, 'stage.tar');
    const tar = await execCommand(stageCommand(work, files));
    if (tar.status !== 0) throw new Error(`tar of the launch's files failed: ${oneLine(tar.stderr)}`);
    await onEveryMachine(this.commands.plan.machines, 'staging the peers file, cluster key and RTT matrix', (m) => this.commands.stage(m, stageTar));
    this.times.stagedAtMs = Date.now();
  }

  spawn(id: number, args: readonly string[], logFile: string, append: boolean): ChildProcess {
    this.logs.set(id, logFile);
    const work = dirname(logFile);
    const { argv } = this.commands.agent(id, remoteArgs(args, work, this.localScenario, this.remoteScenario));
    this.times.firstSpawnAtMs ??= Date.now();
    const logFd = openSync(logFile, append ? 'a' : 'w');
    try {
      return spawn(argv[0], argv.slice(1), { stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
  }

  signal(id: number, child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): void {
    void execCommand(this.commands.signal(id, signal)).then((result) => {
      if (result.status !== 0) this.log(`deploy: ${signal} of agent ${id} on ${this.machineOf(id)}: exit ${result.status}: ${oneLine(result.stderr)}`);
    });
    if (signal !== 'SIGKILL') return;
    // The session ends with its agent; one that outlives it (a machine gone silent) is ended here.
    const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), SESSION_KILL_AFTER_MS);
    child.once('exit', () => clearTimeout(timer));
  }

  /** The agent said so in its log (its output crosses the ssh session); its ready file is on its machine. */
  isReady(id: number): boolean {
    if (this.ready.has(id)) return true;
    const logFile = this.logs.get(id);
    if (logFile === undefined || !existsSync(logFile) || !readFileSync(logFile, 'utf8').includes(AGENT_READY_LINE)) return false;
    this.ready.add(id);
    if (this.ready.size === this.commands.plan.peers.length) this.times.readyAtMs = Date.now();
    return true;
  }

  publishEpoch(_epochFile: string, epochMs: number): void {
    void onEveryMachine(this.commands.plan.machines, 'publishing the epoch', (m) => this.commands.epoch(m, epochMs)).catch((error: Error) => this.log(`deploy: ${error.message}`));
  }

  async collect(): Promise<void> {
    const startMs = Date.now();
    const work = dirname([...this.logs.values()][0] ?? '.');
    try {
      await onEveryMachine(this.commands.plan.machines, 'fetching reports and samples', (m) => this.commands.collect(m, work));
    } catch (error) {
      // Scored with what came back; the missing reports say which agents are missing.
      this.log(`deploy: ${(error as Error).message}`);
    }
    this.times.collectS = (Date.now() - startMs) / 1000;
  }

  /** Cuts are sent this early and wait on the machines for their time: ssh's latency (seconds on a loaded node) does not delay them. */
  readonly cutLeadMs = CUT_LEAD_MS;

  /** When the cut was in place on every machine (their clocks, as the agents' epoch assumes them in step). */
  async setGroups(groups: readonly number[], atMs: number, step: number): Promise<number> {
    this.cuts = true;
    const results = await onEveryMachine(this.commands.plan.machines, 'applying the cut (iptables)', (m) => this.commands.cut(m, groups, atMs, step), CUT_LEAD_MS + COMMAND_TIMEOUT_MS);
    const times = results.map((r) => r.stdout.trim());
    if (times.includes('superseded')) throw new Error(`step ${step} arrived after a later one on ${results.flatMap((r, m) => (r.stdout.trim() === 'superseded' ? [this.commands.plan.machines[m].target] : [])).join(', ')}`);
    return Math.max(...times.map(Number));
  }

  private machineOf(id: number): string {
    return this.commands.plan.machines[this.commands.plan.machineOf[id]].target;
  }
}

/** The local tar of the launch's files (peers file, cluster key, matrix), beside them. */
export function stageCommand(work: string, files: readonly string[]): { argv: string[] } {
  return { argv: ['tar', 'cf', join(work, 'stage.tar'), '-C', work, ...files.map((f) => basename(f))] };
}

/**
 * A launch's agents on other machines, over ssh: each agent is the remote command of an ssh
 * session (the launcher supervises the session; the agent's output is its log), signalled by
 * `kill` over another ssh, seen ready when its log says so, given the epoch by a file written on
 * every machine, and cut from other groups by iptables rules, every step handed to the machines
 * before time 0 (the `StagedGroupCutter` of the fault player). After the run, the agents' reports and samples come back into the launch folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { AgentRunner } from '../../runtime/live/agent-runner.js';
import { AGENT_READY_LINE } from '../../runtime/live/agent-runner.js';
import type { StagedGroupCutter } from '../testbed-faults.js';
import { type DeployCommand, type DeployCommands, remoteArgs } from './deploy-plan.js';
import { execCommand, oneLine, onEveryMachine } from './ssh-exec.js';

/** After a remote SIGKILL, how long the local ssh session may linger before it is killed too. */
const SESSION_KILL_AFTER_MS = 5_000;

export interface SshRunnerTimes {
  /** When the launch's files were staged on every machine, the first agent session started, all were ready, and results fetched (ms since 1970). */
  stagedAtMs: number | null;
  firstSpawnAtMs: number | null;
  readyAtMs: number | null;
  collectS: number | null;
}

export class SshRunner implements AgentRunner, StagedGroupCutter {
  private readonly logs = new Map<number, string>();
  private readonly ready = new Set<number>();
  readonly times: SshRunnerTimes = { stagedAtMs: null, firstSpawnAtMs: null, readyAtMs: null, collectS: null };
  /** Cut steps staged (the teardown then removes the chain). */
  cuts = false;
  private readonly cutSessions: CutSession[] = [];

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

  /**
   * Every step handed over before time 0: one session per machine waits there for the epoch and
   * cuts at each step's time (`DeployCommands.cuts`), printing when each step was in. Nothing is
   * staged when no step cuts (crashes alone).
   */
  stageSteps(steps: readonly { readonly groups: readonly number[]; readonly atMs: number }[]): void {
    this.cuts = steps.some((step) => new Set(step.groups.filter((g) => g >= 0)).size > 1);
    if (!this.cuts) return;
    for (const machine of this.commands.plan.machines) this.cutSessions.push(new CutSession(this.commands.cuts(machine.index, steps), machine.target));
  }

  /** When step k was in place on every machine (their clocks, as the agents' epoch assumes them in step); null when nothing was staged. */
  async inPlace(step: number): Promise<number | null> {
    if (this.cutSessions.length === 0) return null;
    return Math.max(...(await Promise.all(this.cutSessions.map((session) => session.inPlace(step)))));
  }

  /** The cut sessions end with the run (the teardown also kills what is left of them on the machines). */
  endCutSessions(): void {
    for (const session of this.cutSessions) session.end();
  }

  private machineOf(id: number): string {
    return this.commands.plan.machines[this.commands.plan.machineOf[id]].target;
  }
}

/** The local tar of the launch's files (peers file, cluster key, matrix), beside them. */
export function stageCommand(work: string, files: readonly string[]): { argv: string[] } {
  return { argv: ['tar', 'cf', join(work, 'stage.tar'), '-C', work, ...files.map((f) => basename(f))] };
}

/** A machine's cut session (`DeployCommands.cuts`): the steps it reports in place, by their `STEP WALL_MS` lines. */
class CutSession {
  private readonly child: ChildProcess;
  private readonly times = new Map<number, number>();
  private readonly waiting = new Map<number, { resolve: (ms: number) => void; reject: (error: Error) => void }[]>();
  private ended: string | null = null;
  private stderr = '';

  constructor(
    command: DeployCommand,
    private readonly target: string,
  ) {
    this.child = spawn(command.argv[0], command.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout as Readable }).on('line', (line) => {
      const [step, ms] = line.trim().split(' ').map(Number);
      if (!Number.isInteger(step) || !Number.isFinite(ms)) return;
      this.times.set(step, ms);
      for (const waiter of this.waiting.get(step) ?? []) waiter.resolve(ms);
      this.waiting.delete(step);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => void (this.stderr += chunk.toString()));
    this.child.once('error', (error) => this.fail(error.message));
    this.child.once('close', (code, signal) => this.fail(`exit ${code ?? signal}: ${oneLine(this.stderr)}`));
  }

  inPlace(step: number): Promise<number> {
    const ms = this.times.get(step);
    if (ms !== undefined) return Promise.resolve(ms);
    if (this.ended !== null) return Promise.reject(new Error(`the cut session on ${this.target} ended before step ${step} (${this.ended})`));
    return new Promise((resolve, reject) => this.waiting.set(step, [...(this.waiting.get(step) ?? []), { resolve, reject }]));
  }

  end(): void {
    if (this.ended === null) this.child.kill('SIGKILL');
  }

  private fail(why: string): void {
    this.ended ??= why;
    for (const [step, waiters] of this.waiting) for (const waiter of waiters) waiter.reject(new Error(`the cut session on ${this.target} ended before step ${step} (${this.ended})`));
    this.waiting.clear();
  }
}

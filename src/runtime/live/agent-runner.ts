/**
 * Where a launch's agents run: the launcher (`launcher.ts`) supervises agent processes, and an
 * `AgentRunner` says how one is started, signalled, seen ready for the start barrier, and how
 * the barrier's epoch and the agents' files cross between the launcher and the agents. The
 * default runs them here (loopback, or one network namespace each with `wrap`: the testbed);
 * `luc deploy` runs them on other machines over ssh (`cli/deploy/ssh-runner.ts`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync, writeFileSync } from 'node:fs';

/** What a scenario's agent says on stderr once loaded, waiting for the epoch (its ready file written). */
export const AGENT_READY_LINE = 'agent ready: waiting for the epoch';

export interface AgentRunner {
  /** Before any agent starts: the launch's shared files (peers, cluster key, RTT matrix) are written; put them where agents read them. */
  stage(files: readonly string[]): Promise<void>;
  /** Start agent `id` with `args` (local paths of the launch folder), its output to `logFile` (appended to on a restart). */
  spawn(id: number, args: readonly string[], logFile: string, append: boolean): ChildProcess;
  /** Signal agent `id`, whose last process is `child`. */
  signal(id: number, child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): void;
  /** Whether agent `id` has loaded and waits for the epoch (it writes `readyFile` where it runs). */
  isReady(id: number, readyFile: string): boolean;
  /** Give every agent the run's time 0 (`epochFile` where they run). */
  publishEpoch(epochFile: string, epochMs: number): void;
  /** Once every agent has exited: bring their reports and samples into the launch folder. */
  collect(): Promise<void>;
}

/** Agents as child processes of the launcher, each command prefixed by `wrap(id)` (e.g. `ip netns exec NS`). */
export function localRunner(agentCommand: readonly string[], wrap?: (id: number) => readonly string[]): AgentRunner {
  return {
    stage: () => Promise.resolve(),
    spawn: (id, args, logFile, append) => {
      const [command, ...prefix] = [...(wrap?.(id) ?? []), ...agentCommand];
      const logFd = openSync(logFile, append ? 'a' : 'w');
      try {
        return spawn(command, [...prefix, ...args], { stdio: ['ignore', logFd, logFd] });
      } finally {
        closeSync(logFd); // the child has its own copy
      }
    },
    signal: (_id, child, signal) => void child.kill(signal),
    isReady: (_id, readyFile) => existsSync(readyFile),
    publishEpoch: (epochFile, epochMs) => {
      const tmp = `${epochFile}.tmp`;
      writeFileSync(tmp, `${epochMs}\n`);
      renameSync(tmp, epochFile); // agents never read half a number
    },
    collect: () => Promise.resolve(),
  };
}

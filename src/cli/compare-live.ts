/**
 * Where `luc compare` runs the live side: on this machine's network namespaces (`testbed`, root),
 * as processes on loopback (`loopback`, `luc live launch`), or on the machines of an ssh cluster
 * (`deploy`, `luc deploy`: Grid'5000 under OAR, or a nodes file). Each writes a launch's results folder: metrics.csv,
 * summary.json, scenario.json, `agents/` (with `twin-scenario.json`) and `twin/`, the same agents
 * simulated with the live run's seed. A deployment plugs in by adding its `LiveSide` here.
 */
import { agentCommandLine } from './live.js';
import { scenarioLaunchCommand } from './live-scenario.js';
import { testbedRun } from './testbed-command.js';
import { deploy, type DeployTargetOptions, machineList } from './deploy-command.js';
import { UsageError } from './exit-codes.js';

export const LIVE_KINDS = ['testbed', 'loopback', 'deploy'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export interface LiveRequest {
  readonly scenarioFile: string;
  /** The `--set` overrides, passed on as given (the seed apart). */
  readonly sets: readonly string[];
  readonly seed: number;
  readonly agents: number;
  /** --duration-s as given, or undefined for the scenario's. */
  readonly durationS: string | undefined;
  /** The launch's results folder (created by the launch). */
  readonly outDir: string;
  /** The command line, for summary.json. */
  readonly argv: readonly string[];
}

export interface LiveSide {
  readonly kind: LiveKind;
  /** For the comparison's notes, e.g. "16 network namespaces of this machine". */
  describe(agents: number): string;
  run(request: LiveRequest): Promise<void>;
}

const testbed: LiveSide = {
  kind: 'testbed',
  describe: (agents) => `${agents} network namespaces of this machine (luc testbed run)`,
  run: (r) => testbedRun(r.scenarioFile, { set: r.sets, seed: String(r.seed), hosts: String(r.agents), durationS: r.durationS, out: r.outDir }),
};

const loopback: LiveSide = {
  kind: 'loopback',
  describe: (agents) => `${agents} processes on loopback (luc live launch)`,
  run: (r) => scenarioLaunchCommand({ scenario: r.scenarioFile, set: r.sets, seed: String(r.seed), agents: String(r.agents), durationS: r.durationS, out: r.outDir }, agentCommandLine(), r.argv),
};

/** `luc deploy` on the machines of `target`, read (and so checked) before anything runs. */
function deploySide(target: DeployTargetOptions): LiveSide {
  const machines = machineList(target).length;
  return {
    kind: 'deploy',
    describe: (agents) => `${Math.min(machines, agents)} machine(s) over ${target.ssh} (luc deploy)`,
    run: (r) => deploy(r.scenarioFile, { ...target, set: r.sets, seed: String(r.seed), agents: String(r.agents), durationS: r.durationS, out: r.outDir }),
  };
}

/** The live side of a `--live` value; bad input (exit 2) for an unknown one, and for `deploy` without its machines. */
export function liveSideOf(kind: string, target: DeployTargetOptions): LiveSide {
  if (kind === 'testbed') return testbed;
  if (kind === 'loopback') return loopback;
  if (kind === 'deploy') return deploySide(target);
  throw new UsageError(`--live: expected one of ${LIVE_KINDS.join(', ')}, got '${kind}'`);
}

/** testbed when root (each agent its own namespace and address), loopback otherwise. */
export function defaultLiveKind(): LiveKind {
  return process.getuid?.() === 0 ? 'testbed' : 'loopback';
}

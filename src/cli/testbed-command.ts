/**
 * `luc testbed run SCENARIO --hosts N` and `luc testbed down`: a scenario's agents on N hosts of
 * one machine, each in its own network namespace with its own address (`runtime/live/netns/`),
 * started, scored and compared with a simulated twin by the very launch of `luc live launch`
 * (`live-scenario.ts`, given this site), with the scenario's faults applied for real at their
 * times (`testbed-faults.ts`). Latency is the live runtime's shim (this kernel has no netem);
 * each host's NIC rate is a tbf qdisc. Everything built is removed at the end, after a failure
 * or a signal too; `down` removes what a killed run left behind.
 */
import { resolveScenarioArg } from './bundled-scenarios.js';
import type { Command } from 'commander';
import { planTestbedFaults, twinFaults } from '../scenario/testbed-plan.js';
import type { Scenario } from '../scenario/schema.js';
import { TestbedError } from '../runtime/live/netns/ip-command.js';
import { listTestbedObjects, removeLeftovers } from '../runtime/live/netns/leftovers.js';
import { freshPrefix, TESTBED_PREFIX, testbedNames } from '../runtime/live/netns/names.js';
import { NetnsTestbed } from '../runtime/live/netns/netns-testbed.js';
import { checkTestbedEnvironment } from '../runtime/live/netns/preflight.js';
import { LiveConfigError } from '../runtime/live/live-errors.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, isBadInput } from './exit-codes.js';
import { agentCommandLine } from './live.js';
import { type LaunchSite, type LaunchSitePlan, type ScenarioLaunchOptionsRaw, scenarioLaunchCommand } from './live-scenario.js';
import { DeployError } from './deploy/ssh-exec.js';
import { faultRecords, reachableAt, TestbedFaultPlayer } from './testbed-faults.js';

/** Every agent's UDP port: each namespace has its own port space. */
const AGENT_PORT = 40_000;
/** Exit code after SIGINT / SIGTERM (128 + SIGINT), once everything is removed. */
const EXIT_INTERRUPTED = 130;

export interface TestbedRunOptions extends Omit<ScenarioLaunchOptionsRaw, 'scenario' | 'agents'> {
  readonly hosts?: string;
}

export function registerTestbedCommands(program: Command): void {
  const testbed = program.command('testbed').description("a scenario's agents on N network namespaces of this machine (root), faults applied for real");
  testbed
    .command('run')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--hosts <n>', 'namespaces, one agent each, standing for hosts spread over the backbone', '8')
    .option('--out <dir>', 'results folder (as luc live launch writes it; summary.json has a testbed section)')
    .option('--duration-s <d>', "run length in seconds (default: the scenario's durationS)")
    .option('--set <path=value>', 'override a scenario field (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--seed <s>', "root seed (default: the scenario's)")
    .option('--restarts-max <n>', 'restart an agent that dies on its own at most n times (default 3; fault crashes do not count)')
    .option('--no-twin', 'do not also simulate the same agents and faults for a side-by-side')
    .description('build N namespaces (veths, a bridge), run one agent in each, apply the faults, score, remove everything')
    .action((scenarioFile: string, options: TestbedRunOptions) => exitCodeOf(() => testbedRun(resolveScenarioArg(scenarioFile), options)));
  testbed
    .command('down')
    .option('--prefix <p>', `remove the objects of this run (e.g. ${TESTBED_PREFIX}3fa2), even while its process lives`)
    .description(`remove the namespaces, veths and bridges of testbed runs whose process is gone (names ${TESTBED_PREFIX}*)`)
    .action((options: { prefix?: string }) =>
      exitCodeOf(async () => {
        checkTestbedEnvironment();
        if (options.prefix !== undefined && !options.prefix.startsWith(TESTBED_PREFIX)) throw new LiveConfigError('arguments', '--prefix', `a testbed run prefix (${TESTBED_PREFIX} and 4 hex digits)`, options.prefix);
        const { removed, alive, objects } = removeLeftovers(options.prefix ?? TESTBED_PREFIX, options.prefix !== undefined);
        process.stdout.write(`removed ${objects} namespace(s) and link(s) of ${removed.length} run(s)${removed.length > 0 ? ` (${removed.join(', ')})` : ''}${alive.length > 0 ? `; left ${alive.join(', ')} alone (their process runs)` : ''}\n`);
      }),
    );
}

/** The run of `luc testbed run` (also the live side of `luc compare --live testbed`). */
export async function testbedRun(scenarioFile: string, options: TestbedRunOptions): Promise<void> {
  checkTestbedEnvironment();
  const names = testbedNames(freshPrefix());
  const clash = listTestbedObjects(names.prefix);
  if (clash.namespaces.length + clash.links.length > 0) throw new TestbedError(`run prefix ${names.prefix} is taken (${[...clash.namespaces, ...clash.links].join(', ')}): run again, or luc testbed down`);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  // Signals are ours for the whole run: a Ctrl-C during the setup, the run or the scoring still ends in the teardown.
  const interrupted = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let built: NetnsTestbed | null = null;
  let player: TestbedFaultPlayer | null = null;
  let setupMs = 0;
  let hostCount = 0;
  let scenarioFaults: Scenario['faults'] = [];
  const site: LaunchSite = {
    mode: 'testbed',
    signal: interrupted.signal,
    prepare: ({ scenario, scenarioFile: file, hosts, durationS }): LaunchSitePlan => {
      const plan = planTestbedFaults(scenario, file, hosts, durationS);
      hostCount = hosts.length;
      scenarioFaults = scenario.faults;
      const created = NetnsTestbed.create({ names, hosts: hosts.length, nicRateBps: scenario.hosts.nicBandwidthBps });
      built = created.testbed;
      setupMs = created.setupMs;
      log(`testbed ${names.prefix}: ${hosts.length} namespaces, veths and bridge ${names.bridge(0)} in ${(setupMs / 1000).toFixed(2)} s`);
      const faults = new TestbedFaultPlayer(plan, created.testbed, log);
      player = faults;
      return {
        peers: hosts.map((_, id) => ({ id, host: names.address(id), port: AGENT_PORT })),
        wrap: (id) => ['ip', 'netns', 'exec', names.namespace(id)],
        onControl: (control) => faults.attach(control),
        notApplied: [...plan.notApplied, ...(scenario.faults.some((f, i) => plan.applied.includes(i) && f.kind !== 'host-crash') ? ['the new RTT of a pair rerouted around a cut (the shim keeps the intact backbone\'s)'] : [])],
        twinFaults: twinFaults(scenario.faults.filter((_, i) => plan.applied.includes(i)), hosts),
      };
    },
    // The groups in place at atMs, from when each step really was (a leave across a cut is a cut-off leave).
    reachable: (a, b, atMs) => reachableAt((player as TestbedFaultPlayer | null)?.record() ?? [], a, b, atMs),
    finished: () => {
      const faults = player as TestbedFaultPlayer | null;
      faults?.stop();
      const steps = faults?.record() ?? [];
      return {
        prefix: names.prefix,
        namespaces: hostCount,
        addresses: `${names.address(0)}/16 and up, port ${AGENT_PORT}`,
        bridge: names.bridge(0),
        latency: 'user-space shim: RTT/2 of the modelled backbone per datagram (no netem in this kernel)',
        nicRate: 'tbf on both ends of each veth at hosts.nicBandwidthBps',
        setupS: Number((setupMs / 1000).toFixed(3)),
        faults: faultRecords(steps, scenarioFaults),
        steps,
      };
    },
  };
  try {
    await scenarioLaunchCommand({ ...options, scenario: scenarioFile, agents: options.hosts ?? '8', agentsOption: '--hosts' }, agentCommandLine(), process.argv, site);
  } finally {
    const testbed = built as NetnsTestbed | null;
    if (testbed !== null) {
      // Never throws: an error here must not hide the run's own.
      try {
        const { teardownMs, remaining } = testbed.remove();
        log(`testbed ${names.prefix}: removed in ${(teardownMs / 1000).toFixed(2)} s${remaining.length > 0 ? `; LEFT: ${remaining.join(', ')} (luc testbed down --prefix ${names.prefix})` : ''}`);
        if (remaining.length > 0) process.exitCode = EXIT_INTERNAL;
      } catch (error) {
        log(`testbed ${names.prefix}: removal failed: ${(error as Error).message} (luc testbed down --prefix ${names.prefix})`);
        process.exitCode = EXIT_INTERNAL;
      }
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (interrupted.signal.aborted) {
    log('testbed: interrupted; results of the run so far written, every namespace removed');
    process.exitCode = EXIT_INTERRUPTED;
  }
}

/** Bad input and a wrong environment: the message and exit 2; a bug: its stack and exit 1. */
export function exitCodeOf(action: () => Promise<void>): Promise<void> {
  return Promise.resolve()
    .then(action)
    .catch((error: unknown) => {
      if (error instanceof TestbedError || error instanceof LiveConfigError || error instanceof DeployError || isBadInput(error)) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT_INTERNAL;
    });
}

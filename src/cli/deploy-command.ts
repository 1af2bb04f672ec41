/**
 * `luc deploy SCENARIO (--nodes FILE | --oar)`: a scenario's agents on the machines of an ssh
 * cluster (Grid'5000 under OAR, or any list of machines), started, scored and compared with a
 * simulated twin by the very launch of `luc live launch` (`live-scenario.ts`, given a site whose
 * agents run over ssh: `deploy/ssh-runner.ts`). The build is shipped once per machine as a
 * tarball; latency is tc netem on the machines when their kernel has it, else the agents' shim;
 * host crashes are kills over ssh, cuts iptables rules; everything is torn down at the end, after
 * a failure too. `--dry-run` prints every command instead (`deploy/deploy-plan.ts`), and
 * `--emit-oar` writes the OAR submission script.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { buildWorld } from '../scenario/build-world.js';
import { liveHosts } from '../scenario/live-hosts.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { planTestbedFaults, type TestbedFaultPlan, twinFaults } from '../scenario/testbed-plan.js';
import { agentArgs } from '../runtime/live/launcher.js';
import { LiveConfigError } from '../runtime/live/live-errors.js';
import { integerOption, numberOption } from '../runtime/live/option-parsing.js';
import { agentCommandLine } from './live.js';
import { deliveryRttMs, LAUNCH_AGENTS_MAX, launchSets, launchWorkDir, type LaunchSite, scenarioAgentArgs, scenarioLaunchCommand, type ScenarioLaunchOptionsRaw } from './live-scenario.js';
import { faultRecords, reachableAt, TestbedFaultPlayer } from './testbed-faults.js';
import { exitCodeOf } from './testbed-command.js';
import { PACKAGE_ROOT } from './provenance.js';
import { prepareShipDir, productionPackages, remoteScenarioPath, scenarioFiles, tarballCommand } from './deploy/build-tarball.js';
import { packagesImportedBy } from './deploy/import-graph.js';
import { AGENT_ENTRY, commandText, type DeployCommand, DeployCommands, type DeployPlan, type DeploySettings, planDeploy, remoteArgs } from './deploy/deploy-plan.js';
import { parseNodeList } from './deploy/node-list.js';
import { oarScript } from './deploy/oar-script.js';
import { DeployError, execCommand, oneLine, onEveryMachine } from './deploy/ssh-exec.js';
import { SshRunner, stageCommand } from './deploy/ssh-runner.js';

/** From every agent ready to time 0: time for the epoch file to reach every machine over ssh. */
const DEPLOY_BARRIER_LEAD_MS = 3_000;
/** Machines an emitted OAR script asks for when --machines is not given (one per agent up to this). */
const OAR_MACHINES_DEFAULT_MAX = 16;
const LATENCY_MODES = ['auto', 'netem', 'shim'] as const;
type LatencyMode = (typeof LATENCY_MODES)[number];

/** Where a deployment runs and how it reaches the machines (`luc deploy`'s and `luc compare --live deploy`'s options). */
export interface DeployTargetOptions {
  readonly nodes?: string;
  readonly oar?: boolean;
  readonly ssh: string;
  readonly sshOption: string[];
  readonly identity?: string;
  readonly remoteNode: string;
  readonly remoteDir: string;
  readonly port: string;
  readonly latency: string;
}

export interface DeployOptions extends Omit<ScenarioLaunchOptionsRaw, 'scenario' | 'agentsOption'>, DeployTargetOptions {
  readonly dryRun?: boolean;
  readonly emitOar?: string | boolean;
  readonly machines?: string;
}

/** The options of `DeployTargetOptions`, on `luc deploy` and on `luc compare`. */
export function addDeployTargetOptions(command: Command): Command {
  return command
    .option('--nodes <file>', 'the machines, one per line (host or user@host; duplicates dropped)')
    .option('--oar', "inside an OAR job: the machines of $OAR_NODEFILE (one line per core, deduplicated)")
    .option('--ssh <command>', 'how to reach the machines: ssh, or oarsh between the nodes of a Grid\'5000 job', 'ssh')
    .option('--ssh-option <option>', 'an ssh -o option (repeatable), e.g. StrictHostKeyChecking=no', (value: string, previous: string[]) => [...previous, value], [])
    .option('--identity <file>', 'ssh private key (-i)')
    .option('--remote-node <path>', 'the node binary on the machines (Node 20 or later)', 'node')
    .option('--remote-dir <dir>', 'where run folders go on the machines', '/tmp')
    .option('--port <p>', "first agent port on each machine (a machine's k-th agent listens on p + k)", '40000')
    .option('--latency <mode>', 'auto (netem where every machine has it, else the shim), netem, or shim (the agents delay datagrams themselves)', 'auto');
}

export function registerDeployCommand(program: Command): void {
  addDeployTargetOptions(program.command('deploy').argument('<scenario>', 'scenario file (YAML or JSON)'))
    .option('--agents <n>', `agents (default: one per scenario host, at most ${LAUNCH_AGENTS_MAX}); agent i runs on machine floor(i x M / N)`)
    .option('--dry-run', 'print every command it would run, in order, and exit')
    .option('--emit-oar [file]', 'write the OAR submission script of this deployment (default: stdout) and exit')
    .option('--machines <n>', `with --emit-oar: machines to reserve (default: one per agent, at most ${OAR_MACHINES_DEFAULT_MAX})`)
    .option('--out <dir>', 'results folder (as luc live launch writes it; summary.json has a deploy section)')
    .option('--duration-s <d>', "run length in seconds (default: the scenario's durationS)")
    .option('--set <path=value>', 'override a scenario field (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--seed <s>', "root seed (default: the scenario's)")
    .option('--restarts-max <n>', 'restart an agent that dies on its own at most n times (default 3; fault crashes do not count)')
    .option('--no-twin', 'do not also simulate the same agents and faults for a side-by-side')
    .description('run a scenario\'s agents on the machines of an ssh cluster (Grid\'5000 under OAR), apply its latencies and faults, collect, tear down')
    .action((scenarioFile: string, options: DeployOptions) => exitCodeOf(() => deploy(scenarioFile, options)));
}

interface Prepared {
  readonly scenario: Scenario;
  readonly sets: readonly string[];
  readonly hosts: readonly number[];
  readonly durationS: number;
  readonly outDir: string;
  readonly faultPlan: TestbedFaultPlan;
  readonly oneWayMs: (a: number, b: number) => number;
}

export async function deploy(scenarioFile: string, options: DeployOptions): Promise<void> {
  const latency = LATENCY_MODES.find((m) => m === options.latency);
  if (latency === undefined) throw new LiveConfigError('arguments', '--latency', LATENCY_MODES.join(', '), options.latency);
  const sets = launchSets(options);
  const scenario = loadScenario(scenarioFile, sets);
  const world = buildWorld(scenario, scenarioFile);
  const hostCount = world.network.hostCount;
  if (hostCount < 2) throw new LiveConfigError(scenarioFile, 'hosts', 'a scenario with 2 hosts at least (one agent each)', String(hostCount));
  const agents = integerOption(options.agents ?? String(Math.min(hostCount, LAUNCH_AGENTS_MAX)), '--agents', 2, Math.min(LAUNCH_AGENTS_MAX, hostCount));
  const durationS = numberOption(options.durationS ?? String(scenario.durationS), '--duration-s', 0.001, 86_400);
  const outDir = resolve(options.out ?? join(dirname(scenario.output.dir), `deploy-${agents}-seed-${scenario.seed}`));
  if (options.emitOar !== undefined && options.emitOar !== false) return emitOar(scenarioFile, scenario, agents, durationS, options);
  const machines = machineList(options);
  const settings: DeploySettings = {
    ssh: { command: options.ssh, options: options.sshOption, identity: options.identity ?? null },
    remoteNode: options.remoteNode,
    remoteBase: options.remoteDir,
    portBase: integerOption(options.port, '--port', 1024, 65_000),
  };
  const plan = planDeploy(machines, agents, scenario.name, scenario.seed, settings);
  const hosts = liveHosts(hostCount, agents);
  const prepared: Prepared = {
    scenario,
    sets,
    hosts,
    durationS,
    outDir,
    faultPlan: planTestbedFaults(scenario, scenarioFile, hosts, durationS),
    oneWayMs: (a, b) => deliveryRttMs(world.network, hosts[a], hosts[b]) / 2,
  };
  const commands = new DeployCommands(plan, settings);
  if (options.dryRun === true) return void process.stdout.write(dryRun(scenarioFile, prepared, commands, latency, options));
  await deployRun(scenarioFile, prepared, commands, latency, options);
}

/** The machines: the nodes file, or OAR's; exactly one of --nodes and --oar. */
export function machineList(options: DeployTargetOptions): string[] {
  if ((options.nodes === undefined) === (options.oar !== true)) throw new LiveConfigError('arguments', '--nodes / --oar', 'exactly one of --nodes FILE and --oar (inside an OAR job)');
  const file = options.nodes ?? process.env.OAR_NODEFILE;
  if (file === undefined || file === '') throw new LiveConfigError('environment', 'OAR_NODEFILE', 'the nodes file of the OAR job (--oar runs inside a job; elsewhere give --nodes FILE)');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LiveConfigError(file, '(file)', 'a readable nodes file', (error as Error).message);
  }
  return parseNodeList(text, file);
}

function emitOar(scenarioFile: string, scenario: Scenario, agents: number, durationS: number, options: DeployOptions): void {
  const machines = integerOption(options.machines ?? String(Math.min(agents, OAR_MACHINES_DEFAULT_MAX)), '--machines', 1, 10_000);
  const passOn = [
    ...(options.out === undefined ? [] : ['--out', options.out]),
    ...(options.durationS === undefined ? [] : ['--duration-s', options.durationS]),
    ...(options.set ?? []).flatMap((s) => ['--set', s]),
    ...(options.seed === undefined ? [] : ['--seed', options.seed]),
    ...(options.latency === 'auto' ? [] : ['--latency', options.latency]),
  ];
  const script = oarScript({ scenarioName: scenario.name, scenarioFile, machines, agents, durationS, workDir: process.cwd(), lucCommand: `node ${join(PACKAGE_ROOT, 'dist/cli/main.js')}`, deployArgs: passOn });
  if (typeof options.emitOar === 'string') {
    writeFileSync(options.emitOar, script, { mode: 0o755 });
    process.stderr.write(`wrote ${options.emitOar}: oarsub -S ./${basename(options.emitOar)}\n`);
  } else process.stdout.write(script);
}

/** Local paths as printed: relative to where luc runs, so a dry run prints the same on any checkout. */
function shown(path: string): string {
  return relative(process.cwd(), path) || '.';
}

function shownCommand(command: DeployCommand): string {
  return commandText({ ...command, ...(command.stdinFile === undefined ? {} : { stdinFile: shown(command.stdinFile) }), ...(command.pipeTo === undefined ? {} : { pipeTo: command.pipeTo.map((a) => (a.startsWith('/') ? shown(a) : a)) }) });
}

/** Local folders of a deployment: the launch's (as `luc live launch` has it) and the build's. */
function localDirs(outDir: string): { work: string; deployDir: string; shipDir: string; tarball: string } {
  const deployDir = join(dirname(outDir), `.${basename(outDir)}.deploy`);
  return { work: launchWorkDir(outDir), deployDir, shipDir: join(deployDir, 'ship'), tarball: join(deployDir, 'luc-build.tgz') };
}

/** Every command of the deployment, in order, as `--dry-run` prints it. */
function dryRun(scenarioFile: string, p: Prepared, commands: DeployCommands, latency: LatencyMode, options: DeployOptions): string {
  const { plan } = commands;
  const { work, shipDir, tarball } = localDirs(p.outDir);
  const files = scenarioFiles(scenarioFile, p.scenario);
  const remoteScenario = remoteScenarioPath(files);
  const each = (what: (m: number) => DeployCommand): string[] => plan.machines.map((m) => shownCommand(what(m.index)));
  const epochFile = join(work, 'epoch');
  const hypervisorArgs = p.scenario.cloud === undefined ? [] : ['--hypervisor', options.hypervisor ?? 'test:///default'];
  const launchArgs = scenarioAgentArgs(scenarioFile, p.sets, epochFile, options.lossRate ?? '0', hypervisorArgs);
  const agentLine = (i: number, restarted: boolean): string => {
    const args = agentArgs({ matrixFile: join(work, 'rtt-ms.tsv'), seed: p.scenario.seed, durationS: p.durationS, agentArgs: launchArgs }, i, join(work, 'peers.json'), join(work, 'cluster.key'), join(work, `agent-${i}.json`), restarted);
    return `${shownCommand(commands.agent(i, remoteArgs(args, work, scenarioFile, remoteScenario)))} > ${shown(join(work, `agent-${i}.log`))} 2>&1 &`;
  };
  const out: string[] = [
    `# luc deploy ${p.scenario.name} (seed ${p.scenario.seed}): ${plan.peers.length} agents on ${plan.machines.length} machines for ${p.durationS} s; run ${plan.runId}`,
    ...plan.machines.map((m) => `# machine ${m.index} ${m.target}: agents ${m.agents.join(',')} (ports ${m.agents.map((i) => plan.peers[i].port).join(',')}), folder ${m.dir}`),
    '# 1. reach every machine',
    ...each((m) => commands.reach(m)),
    `# 2. ship the build: ${shown(shipDir)}/luc/ links to the project's dist, package.json and packages, scenario/ holds copies of the scenario's files`,
    shownCommandArgv(tarballCommand(shown(shipDir), shown(tarball), files, null)),
    ...each((m) => commands.ship(m, tarball)),
    ...latencyLines(p, commands, latency),
    "# 4. stage the launch's peers file, cluster key (fresh) and RTT matrix",
    shownCommandArgv(stageCommand(shown(work), [join(work, 'peers.json'), join(work, 'cluster.key'), join(work, 'rtt-ms.tsv')]).argv),
    ...each((m) => commands.stage(m, join(work, 'stage.tar'))),
    '# 5. start every agent: one ssh session each, its output the agent log (restarted if it dies: --restarts-max)',
    ...plan.peers.map((_, i) => agentLine(i, false)),
    ...cutLines(p, commands),
    `# 6. once every agent's log says it is ready: time 0 is ${DEPLOY_BARRIER_LEAD_MS / 1000} s later ($EPOCH_MS, ms since 1970)`,
    ...each((m) => commands.epoch(m, '$EPOCH_MS')),
    ...faultLines(p, commands, agentLine),
    `# 8. at ${p.durationS} s the agents report and exit; any still running 5 s later gets SIGTERM, then SIGKILL 5 s after`,
    ...plan.peers.map((_, i) => `${shownCommand(commands.signal(i, 'SIGTERM'))}    # agent ${i}, if still running`),
    '# 9. fetch the reports and samples (the logs came over the sessions), then score them as luc live launch does',
    ...each((m) => commands.collect(m, work)),
    '# 10. tear down: kill what is left, remove rules and qdiscs, delete the run folder',
    ...each((m) => commands.teardown(m, { cuts: p.faultPlan.steps.some((s) => new Set(s.groups.filter((g) => g >= 0)).size > 1), netem: latency !== 'shim' })),
    `# 11. close the ssh master connections (one per machine, in ${commands.controlDir}, shared by every command above)`,
    ...each((m) => commands.closeConnection(m)),
    `# not applied: ${p.faultPlan.notApplied.length === 0 ? 'nothing' : p.faultPlan.notApplied.join('; ')}`,
    '',
  ];
  return out.join('\n');
}

function shownCommandArgv(argv: readonly string[]): string {
  return commandText({ argv });
}

function latencyLines(p: Prepared, commands: DeployCommands, latency: LatencyMode): string[] {
  const each = (what: (m: number) => DeployCommand): string[] => commands.plan.machines.map((m) => shownCommand(what(m.index)));
  if (latency === 'shim') return ["# 3. latency: the agents' shim (--latency shim): each datagram delayed by RTT/2 of the modelled backbone"];
  return [
    ...(latency === 'auto' ? ['# 3. latency: probe netem on every machine', ...each((m) => commands.probeNetem(m)), "# if every machine has netem (else the agents' shim delays each datagram by RTT/2, and nothing below runs):"] : ['# 3. latency: netem (--latency netem)']),
    ...each((m) => commands.netem(m, p.oneWayMs)),
  ];
}

/** The cuts, handed to the machines before time 0 (one session each, for the whole run). */
function cutLines(p: Prepared, commands: DeployCommands): string[] {
  const { steps } = p.faultPlan;
  if (!steps.some((step) => new Set(step.groups.filter((g) => g >= 0)).size > 1)) return [];
  return [
    "# 5b. every cut handed to the machines now (a session each, in the background): each waits for the epoch file, puts a step's iptables rules in at its time and prints when",
    ...commands.plan.machines.map((m) => `${shownCommand(commands.cuts(m.index, steps))} &`),
  ];
}

function faultLines(p: Prepared, commands: DeployCommands, agentLine: (i: number, restarted: boolean) => string): string[] {
  const { steps, downs } = p.faultPlan;
  if (steps.length === 0) return ['# 7. faults: none applied'];
  const lines = ['# 7. faults, at their times after time 0: crashed agents killed (their cuts are already on the machines, 5b)'];
  steps.forEach((step, k) => {
    const groups = new Set(step.groups.filter((g) => g >= 0)).size;
    lines.push(`# at ${step.atMs / 1000} s: faults ${[...step.starts.map((i) => `[${i}] starts`), ...step.ends.map((i) => `[${i}] ends`)].join(', ')}: ${groups} group(s)`);
    const previous = k === 0 ? null : steps[k - 1].groups;
    step.groups.forEach((g, id) => {
      const down = downs.find((d) => d.id === id && d.fromMs === step.atMs);
      if (g < 0 && down !== undefined) lines.push(`${shownCommand(commands.signal(id, 'SIGKILL'))}    # agent ${id} down until ${down.untilMs === null ? 'the end' : `${down.untilMs / 1000} s`}`);
      if (g >= 0 && previous !== null && previous[id] < 0) lines.push(agentLine(id, true));
    });
  });
  return lines;
}

/** The real run: every command over ssh master connections made for the run (closed at the end, even after a failure). */
async function deployRun(scenarioFile: string, p: Prepared, commands: DeployCommands, latency: LatencyMode, options: DeployOptions): Promise<void> {
  const { plan } = commands;
  mkdirSync(commands.controlDir, { recursive: true, mode: 0o700 });
  try {
    await deployOverSsh(scenarioFile, p, commands, latency, options);
  } finally {
    await Promise.all(plan.machines.map((m) => execCommand(commands.closeConnection(m.index), 10_000)));
    rmSync(commands.controlDir, { recursive: true, force: true });
  }
}

async function deployOverSsh(scenarioFile: string, p: Prepared, commands: DeployCommands, latency: LatencyMode, options: DeployOptions): Promise<void> {
  const { plan } = commands;
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const { work, deployDir, shipDir, tarball } = localDirs(p.outDir);
  const files = scenarioFiles(scenarioFile, p.scenario);
  // Only what an agent can load: the CLI's plotting and PDF packages stay home.
  const packages = productionPackages(PACKAGE_ROOT, packagesImportedBy(join(PACKAGE_ROOT, AGENT_ENTRY)));
  const startMs = performance.now();
  // Unreachable machines first, before anything is started anywhere.
  await onEveryMachine(plan.machines, 'ssh', (m) => commands.reach(m)).catch((error: Error) => {
    throw new DeployError(`a machine is unreachable: ${error.message}`);
  });
  const reachS = (performance.now() - startMs) / 1000;
  let shipped = false;
  let netem = false;
  let runner: SshRunner | null = null;
  let player: TestbedFaultPlayer | null = null;
  const times: Record<string, number | null> = { reachS: round(reachS) };
  try {
    rmSync(deployDir, { recursive: true, force: true });
    prepareShipDir(shipDir, PACKAGE_ROOT, packages, files);
    const shipStart = performance.now();
    const tar = await execCommand({ argv: tarballCommand(shipDir, tarball, files, packages.map((pkg) => pkg.path)) });
    if (tar.status !== 0) throw new Error(`tar of the build failed: ${oneLine(tar.stderr)}`);
    shipped = true; // from here on, machines may hold a run folder
    await onEveryMachine(plan.machines, 'shipping the build', (m) => commands.ship(m, tarball));
    times.shipS = round((performance.now() - shipStart) / 1000);
    times.tarballBytes = readFileSync(tarball).length;
    log(`deploy ${plan.runId}: build (${(times.tarballBytes / 1e6).toFixed(1)} MB) shipped to ${plan.machines.length} machine(s) in ${times.shipS} s`);
    if (latency !== 'shim') {
      const probes = await Promise.all(plan.machines.map((m) => execCommand(commands.probeNetem(m.index))));
      const lacking = probes.flatMap((r, m) => (r.status === 0 ? [] : [plan.machines[m].target]));
      if (lacking.length > 0 && latency === 'netem') throw new DeployError(`--latency netem: no netem on ${lacking.join(', ')} (tc qdisc add ... netem failed)`);
      netem = lacking.length === 0;
      if (netem) await onEveryMachine(plan.machines, 'applying the latencies (tc netem)', (m) => commands.netem(m, p.oneWayMs));
      log(`deploy ${plan.runId}: latency by ${netem ? 'tc netem on the machines' : `the agents' shim (no netem on ${lacking.join(', ')})`}`);
    }
    const sshRunner = new SshRunner(commands, scenarioFile, remoteScenarioPath(files), log);
    runner = sshRunner;
    const site: LaunchSite = {
      mode: 'deploy',
      prepare: ({ scenario }): ReturnType<LaunchSite['prepare']> => {
        const faults = new TestbedFaultPlayer(p.faultPlan, sshRunner, log);
        player = faults;
        return {
          peers: plan.peers,
          wrap: () => [],
          runner: sshRunner,
          barrierLeadMs: DEPLOY_BARRIER_LEAD_MS,
          latencyShim: !netem,
          onControl: (control) => faults.attach(control),
          notApplied: [...p.faultPlan.notApplied, ...(scenario.faults.some((f, i) => p.faultPlan.applied.includes(i) && f.kind !== 'host-crash') ? ["the new RTT of a pair rerouted around a cut (the latency keeps the intact backbone's)"] : [])],
          twinFaults: twinFaults(scenario.faults.filter((_, i) => p.faultPlan.applied.includes(i)), p.hosts),
        };
      },
      reachable: (a, b, atMs) => reachableAt((player as TestbedFaultPlayer | null)?.record() ?? [], a, b, atMs),
      finished: () => {
        const faults = player as TestbedFaultPlayer | null;
        faults?.stop();
        sshRunner.endCutSessions();
        const steps = faults?.record() ?? [];
        const t = sshRunner.times;
        return {
          runId: plan.runId,
          machines: plan.machines.map((m) => ({ target: m.target, dir: m.dir, agents: m.agents })),
          mapping: 'agent i on machine floor(i x M / N), port base + its rank on the machine',
          ssh: options.ssh,
          latency: netem ? 'tc netem on the machines: RTT/2 per agent pair (htb class, netem qdisc, u32 filter on address and ports)' : "user-space shim: RTT/2 of the modelled backbone per datagram (no netem on the machines, or --latency shim)",
          cuts: 'iptables DROP rules on a chain of the run, per agent pair across groups',
          ...times,
          startS: t.firstSpawnAtMs === null || t.readyAtMs === null ? null : round((t.readyAtMs - t.firstSpawnAtMs) / 1000),
          collectS: t.collectS === null ? null : round(t.collectS),
          faults: faultRecords(steps, p.scenario.faults),
          steps,
        };
      },
    };
    await scenarioLaunchCommand({ ...options, scenario: scenarioFile, agents: String(plan.peers.length), out: p.outDir, set: options.set, agentsOption: '--agents' }, agentCommandLine(), process.argv.slice(1), site);
  } finally {
    (runner as SshRunner | null)?.endCutSessions();
    if (shipped) {
      const teardownStart = performance.now();
      const cuts = (runner as SshRunner | null)?.cuts ?? false;
      try {
        await onEveryMachine(plan.machines, 'teardown', (m) => commands.teardown(m, { cuts, netem }));
      } catch (error) {
        log(`deploy ${plan.runId}: ${(error as Error).message}; run folders may be left (${plan.machines[0].dir} ...)`);
        process.exitCode = 1;
      }
      const teardownS = round((performance.now() - teardownStart) / 1000);
      log(`deploy ${plan.runId}: torn down on ${plan.machines.length} machine(s) in ${teardownS} s`);
      addTeardownTime(p.outDir, teardownS);
    }
    rmSync(deployDir, { recursive: true, force: true });
    rmSync(join(work, 'stage.tar'), { force: true });
  }
}

/** The teardown comes after the results are written: its time goes into summary.json's deploy section then. */
function addTeardownTime(outDir: string, teardownS: number): void {
  const file = join(outDir, 'summary.json');
  try {
    const summary = JSON.parse(readFileSync(file, 'utf8')) as { deploy?: Record<string, unknown> };
    if (summary.deploy === undefined) return;
    summary.deploy.teardownS = teardownS;
    writeFileSync(`${file}.tmp`, `${JSON.stringify(summary, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  } catch {
    // no results (the run failed before writing them)
  }
}

function round(value: number): number {
  return Number(value.toFixed(3));
}


/**
 * Run a validated scenario in simulation: build the world, start the protocols on every host,
 * inject the faults and the churn, sample the metrics every interval against ground truth, and
 * return the rows. Pure with respect to the host machine: no wall clock, no files written here.
 */
import { Simulator } from '../kernel/simulator.js';
import { randomStream } from '../kernel/random.js';
import { sToUs } from '../kernel/time.js';
import { Counters } from '../runtime/counters.js';
import { MetricSeries } from '../metrics/series.js';
import { samplePairs } from '../metrics/pair-sample.js';
import { median } from '../metrics/stats.js';
import { SimRuntime } from '../runtime/sim/sim-runtime.js';
import { FaultInjector } from '../faults/fault-injector.js';
import { ChurnDriver, startingDown } from '../faults/churn-driver.js';
import { DetectorProbe, ObservedDetector } from './probes/detector-probe.js';
import type { VivaldiProtocol } from '../protocols/vivaldi/index.js';
import { newRoutingTotals, recordRoutingRequests } from './probes/routing-probe.js';
import { VmPlacement } from './vm-placement.js';
import { VmIndexProbe } from './probes/vm-index-probe.js';
import { CloudVmHistory } from './probes/cloud-vm-history.js';
import { vmIndexCloud } from './vm-index-cloud.js';
import { recordServices } from './probes/services-probe.js';
import { VIVALDI } from '../protocols/stack.js';
import { newChordScored, recordVivaldiError, recordCanLookups, recordChordLookups, recordChordUnderChurn, recordSpiralSearches, scoreChordLookups, truthRttMs } from './probes/overlay-probes.js';
import type { NodeContext, StackBuilder } from '../runtime/context.js';
import type { FailureDetector } from '../actors/failure-detector.js';
import { agentStack, type AgentStackInput } from '../agent/agent-stack.js';
import { buildWorld, type SetupPhase, type World } from './build-world.js';
import { setUpCloud, type CloudSetup } from './cloud-setup.js';
import { PolicyProbe } from './probes/policy-probe.js';
import { CloudProbe } from './probes/cloud-probe.js';
import { RecoveryProbe } from './probes/recovery-probe.js';
import { AvailabilityProbe } from './probes/availability-probe.js';
import { setUpRecovery } from './recovery-setup.js';
import { setUpSnapshots } from './snapshot-setup.js';
import { setUpReplication } from './replication-setup.js';
import type { VmReplication } from './vm-replication.js';
import { recordReplication } from './probes/replication-probe.js';
import { type ImageServices, setUpImages } from './image-setup.js';
import { recordImages } from './probes/image-probe.js';
import { PartitionProbe } from './probes/partition-probe.js';
import { VeLifecycle } from './ve-lifecycle.js';
import type { VeResult } from '../protocols/ve/ve-protocol.js';
import { DVMS, SchedulerNodeError, schedulerProtocolName } from '../agent/scheduler-stack.js';
import { veViolations } from './probes/ve-check.js';
import type { BackboneNetwork } from '../platform/network.js';
import { ScenarioError, scenarioIssue } from './errors.js';
import { EventTrace } from './event-trace.js';
import { FailureTruth } from './probes/failure-truth.js';
import { StoreProbe } from './probes/store-probe.js';
import { StoreRing } from '../protocols/store/index.js';
import { HOST_COLUMNS, HostSeries, VM_COLUMNS, type Cell } from './probes/host-series.js';
import type { Scenario } from './schema.js';

export interface RunProgress {
  readonly virtualS: number;
  readonly events: number;
}

export interface RunOptions {
  /** Called after every metric interval (the CLI draws its progress line from it). */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Called as each set-up phase begins (the CLI shows them on a terminal); 'agents' ends when `run()` starts them. */
  readonly onPhase?: (phase: SetupPhase) => void;
  /** Called once the world is built, before the first event (`luc torture` installs its checks). */
  readonly instrument?: (run: RunInstruments) => void;
}

/** The simulated state of a run, for checks that watch it event by event. */
export interface RunInstruments {
  readonly scenario: Scenario;
  readonly sim: Simulator;
  readonly runtime: SimRuntime;
  readonly world: World;
  readonly cloud: CloudSetup | null;
  /** The store's history checker, when the scenario runs the store. */
  readonly store: StoreProbe | null;
  /** The image store and boots, with `cloud.images`. */
  readonly images: ImageServices | null;
  /** The replicas and their watcher, with `cloud.replication`. */
  readonly replication: VmReplication | null;
}

/** A node's final Vivaldi coordinate, as its protocol holds it at the end of the run. */
export interface NodeCoordinate {
  readonly node: string;
  readonly vec: readonly number[];
  readonly heightMs: number;
  readonly errorEstimate: number;
}

export interface RunOutcome {
  readonly series: MetricSeries;
  /** Final coordinates of the nodes that run Vivaldi and are up at the end; empty otherwise. */
  readonly coordinates: readonly NodeCoordinate[];
  readonly eventsProcessed: number;
  readonly hostCount: number;
  readonly virtualTimeS: number;
  /** The event trace as JSON lines (the scenario's `trace` section), or null without one. */
  readonly trace: string | null;
  /** Tables of their own (hosts.csv, vms.csv from `metrics.perHost` / `perVm`), in file order. */
  readonly tables: readonly ResultTable[];
}

export interface ResultTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/** Peers each node's own error is measured against at the end (per-node metric). */
const NODE_PEERS_MAX = 64;
/** Under churn, Chord lookups are scored this often: against the ring at most this long after they finished. */
const CHORD_SCORE_STEP_US = 1_000_000;

/** A run with everything built (world, faults, churn, cloud, traces, agents) and no event run yet. */
export interface PreparedRun {
  readonly hostCount: number;
  /** What the topology loader dropped or changed (self-loops, unplaceable PoPs), one sentence each. */
  readonly warnings: readonly string[];
  /** Runs the events to the end and scores them; call once. */
  run(): RunOutcome;
}

export function runScenario(scenario: Scenario, scenarioFile: string, options: RunOptions = {}): RunOutcome {
  return prepareScenario(scenario, scenarioFile, options).run();
}

/**
 * Builds what a run needs, so that every error of the input (targets of faults, host counts,
 * trace rows, cloud placement) is thrown here, before any event. `luc validate` calls this and
 * stops; `luc run` then calls `run()`: the two check the same things by construction.
 */
export function prepareScenario(scenario: Scenario, scenarioFile: string, options: RunOptions = {}): PreparedRun {
  const world = buildWorld(scenario, scenarioFile, options.onPhase);
  const sim = new Simulator(scenario.limits.pendingEventsMax);
  const counters = new Counters();
  if (scenario.cloud !== undefined) options.onPhase?.('cloud');
  const detectorProbe = scenario.detector === undefined ? null : new DetectorProbe(scenario.detector.timeoutMs);
  const vmIndex = scenario.protocols.vmIndex;
  const cloud = cloudOf(scenario, scenarioFile, world, sim, counters, vmIndex?.vmCount ?? 0);
  // The VM index's VMs live in the cloud model: the scenario's, or one of their own (issue 13).
  const indexCloud = vmIndex === undefined ? null : (cloud ?? vmIndexCloud({ sim, counters, network: world.network, backbone: world.backbone, vmCount: vmIndex.vmCount, seed: scenario.seed, durationS: scenario.durationS, scenarioFile }));
  const hypervisors = indexCloud?.hypervisors ?? cloud?.hypervisors ?? null;
  const lifecycleSection = scenario.cloud?.lifecycle;
  const wrapDetector = detectorProbe === null ? undefined : (detector: FailureDetector, ctx: NodeContext) => new ObservedDetector(detector, ctx, detectorProbe);
  // The lifecycle scorer needs the runtime, built from this stack: bound once both exist.
  let lifecycle: VeLifecycle | null = null;
  // The trace hooks into the runtime once it exists, and into the hypervisors and the VE observer now.
  let trace: EventTrace | null = null;
  const observeVe = lifecycleSection === undefined ? undefined : (node: number, result: VeResult) => {
    lifecycle?.observe(node, result);
    trace?.veObserved(node, result);
  };
  const store = storeProbeOf(scenario, scenarioFile, world, sim);
  options.onPhase?.('agents');
  // `cloud.snapshots`: the hypervisors' snapshot model, and the static facts the recovery agent plans with.
  const snapshots = cloud === null || scenario.cloud === undefined ? null : setUpSnapshots(scenario.cloud, cloud, world.backbone as BackboneNetwork);
  let stack = agentOf(scenario, scenarioFile, { hostCount: world.network.hostCount, constraints: cloud?.constraints ?? null, policies: cloud?.policyFacts ?? null, wrapDetector, observeVe, observeStore: store?.probe, recovery: snapshots ?? undefined });
  if (world.churn !== null) stack = startingDown(stack, world.churn.startDown);
  const runtime = new SimRuntime({
    sim,
    network: world.network,
    seed: scenario.seed,
    stack,
    bootstrapCount: 3,
    counters,
    hypervisorOf: hypervisors === null ? undefined : (id) => hypervisors.of(id),
    onHostUp: hypervisors === null ? undefined : (id, up) => hypervisors.setHostUp(id, up), // a crash takes the host's VMs
  });
  if (store !== null) {
    const previous = runtime.onUpChange;
    runtime.onUpChange = (node, up, agent, machine) => {
      previous?.(node, up, agent, machine);
      if (agent) store.truth.hostChanged(node, up);
    };
  }
  trace = scenario.trace === undefined ? null : new EventTrace({ section: scenario.trace, sim, runtime, hostName: (h) => world.network.hostName(h), dvms: scenario.scheduler?.kind === 'dvms' ? DVMS : null });
  if (trace !== null) cloud?.hypervisors.onMigrationEnded(trace.migrationEnded);
  lifecycle = lifecycleSection === undefined || cloud === null ? null : new VeLifecycle({ sim, runtime, cloud: cloud.cloud, hypervisors: cloud.hypervisors, counters, configureAtS: lifecycleSection.configureAtS });
  const partitionProbe = scenario.scheduler?.kind === 'dvms' ? new PartitionProbe(world.network.hostCount, DVMS) : null;
  const policyProbe = cloud === null || cloud.policies.length === 0 ? null : new PolicyProbe({ cloud: cloud.cloud, vmCount: cloud.cloud.vmCount, hostPop: (world.backbone as BackboneNetwork).hostPop, popCountries: (world.backbone as BackboneNetwork).backbone.pops.map((pop) => pop.country), popOperator: cloud.operators?.popOperator ?? null, policies: cloud.policies, veTenant: cloud.veTenant });
  const cloudProbe = cloud === null || scenario.cloud === undefined ? null : new CloudProbe(sim, cloud.cloud, cloud.hypervisors, scenario.cloud.host, cloud.hostPue, schedulerOf(scenario), hostsMayCrash(world), lifecycleSection !== undefined);
  // `cloud.replication`: backups in another PoP kept by checkpoint streams, failed over by a watcher (set up first: the recovery service and the image boots leave it those VMs).
  const replication = cloud === null || scenario.cloud === undefined ? null : setUpReplication(scenario.cloud, cloud, sim, world.backbone as BackboneNetwork, scenarioFile, scenario.detector?.timeoutMs ?? null);
  const isFailingOver = (vm: number): boolean => replication?.isFailingOver(vm) ?? false;
  // `cloud.images`: the deduplicating image store, boots and the fetches of moved VMs.
  const images = cloud === null || scenario.cloud === undefined ? null : setUpImages(scenario.cloud, cloud, sim, world.backbone as BackboneNetwork, scenario.seed, isFailingOver);
  // Lost VMs without a snapshot booted afresh from their images (those with a replica left to the watcher); the recovery agent restarts those with one.
  const recovery = cloud === null || scenario.cloud === undefined ? null : setUpRecovery(scenario.cloud, cloud, sim, world.backbone as BackboneNetwork, images?.store ?? null, (vm) => replication?.willFailOver(vm) ?? false);
  const recoveryProbe = cloud === null || (recovery === null && snapshots === null) ? null : new RecoveryProbe({ sim, hypervisors: cloud.hypervisors, recovery, vmCount: cloud.cloud.vmCount, snapshots: snapshots !== null, boots: images?.boots ?? null, isFailover: isFailingOver });
  // VM-time lost over VM-time, from the placement events, whenever a run can lose VMs (with or without recovery).
  const availability = cloud === null || !hostsMayCrash(world) ? null : new AvailabilityProbe({ nowUs: () => sim.nowUs(), onVmPlaced: (listener) => cloud.hypervisors.onVmPlaced(listener), vmCount: cloud.cloud.vmCount, boots: images === null ? null : { onBooted: (listener) => images.boots.onBooted(listener), vmCount: images.store.vmCount }, isFailingOver });
  const { perHost, perVm } = scenario.metrics;
  const hostSeries =
    cloud === null || scenario.cloud === undefined || (perHost === undefined && perVm === undefined)
      ? null
      : new HostSeries({ cloud: cloud.cloud, power: scenario.cloud.host, hostName: (h) => world.network.hostName(h), isMigrating: (vm) => cloud.hypervisors.isMigrating(vm), hostsMax: perHost?.hostsMax ?? null, vmsMax: perVm?.vmsMax ?? null });
  detectorProbe?.attach(runtime, world.network);
  const churn = world.churn === null ? null : new ChurnDriver({ sim, runtime, counters }, world.churn);
  const vmPlacement = vmIndex === undefined || indexCloud === null ? null : new VmPlacement({ sim, runtime, counters, cloud: indexCloud.cloud, hypervisors: indexCloud.hypervisors }, { seed: scenario.seed, vmCount: vmIndex.vmCount, movesPerS: vmIndex.movesPerS });
  // Judged against the cloud model's record; the index's VMs come after the cloud section's own.
  const vmIndexProbe = vmIndex === undefined || indexCloud === null ? null : new VmIndexProbe(new CloudVmHistory(sim, indexCloud.hypervisors, indexCloud.cloud.vmCount, vmIndex.vmCount));
  new FaultInjector({ sim, seed: scenario.seed, runtime, network: world.network, backbone: world.backbone, counters, onNetworkChange: store === null ? undefined : () => store.truth.networkChanged() }).schedule(world.faults);

  const series = new MetricSeries();
  const n = world.network.hostCount;
  const pairs = samplePairs(n, scenario.metrics.pairSampleMax, randomStream(scenario.seed, 'metrics.pairs'));
  const vivaldiOn = scenario.protocols.vivaldi !== undefined || scenario.protocols.spiral !== undefined || scenario.protocols.routing !== undefined;
  const spiral = scenario.protocols.spiral;
  const routingOn = scenario.protocols.routing !== undefined;
  const routingTotals = newRoutingTotals();
  const canOn = scenario.protocols.can !== undefined;
  const canTotals = { lookups: 0, correct: 0 };
  const chordOn = scenario.protocols.chord !== undefined;
  const spiralTotals = { searches: 0 };
  const chordTotals = { lookups: 0, correct: 0 };
  const chordScored = newChordScored();
  const churnStartS = scenario.churn?.startS ?? Infinity;
  let chordAtChurn: { lookups: number; correct: number } | null = null;
  const sample = (timeS: number): void => {
    if (vivaldiOn) recordVivaldiError(series, timeS, pairs, estimateRttMs(runtime), truthRttMs(world.network));
    if (spiral !== undefined) recordSpiralSearches(series, timeS, runtime, truthRttMs(world.network), spiral.resultSize, spiralTotals);
    if (chordOn) recordChordLookups(series, timeS, runtime, chordTotals, chordScored);
    if (chordOn && chordAtChurn !== null) recordChordUnderChurn(series, timeS, chordTotals, chordAtChurn);
    if (chordOn && chordAtChurn === null && timeS >= churnStartS) chordAtChurn = { ...chordTotals };
    if (canOn) recordCanLookups(series, timeS, runtime, canTotals);
    if (routingOn) recordRoutingRequests(series, timeS, runtime, truthRttMs(world.network), routingTotals);
    vmIndexProbe?.record(series, timeS, runtime);
    store?.probe.record(series, timeS, runtime);
    if (scenario.services !== undefined) recordServices(series, timeS, runtime, world.network, scenario.services);
    if (cloud !== null && cloudProbe !== null) {
      cloudProbe.record(series, timeS, runtime);
      recoveryProbe?.record(series, timeS);
      availability?.record(series, timeS);
      if (replication !== null) recordReplication(series, timeS, replication, cloud.cloud);
      if (images !== null) recordImages(series, timeS, images);
      hostSeries?.record(timeS);
      lifecycle?.record(series, timeS);
      const veBroken = veViolations({ cloud: cloud.cloud, constraints: cloud.constraints, hostPop: (world.backbone as BackboneNetwork).hostPop, hostCountry: cloud.hostCountry, isMigrating: (vm) => cloud.hypervisors.isMigrating(vm) });
      if (cloud.constraints.length > 0) series.record(timeS, 'cloud.ve_violations', veBroken.length);
      policyProbe?.record(series, timeS);
      const heldS = partitionProbe?.record(series, timeS, runtime) ?? 0;
      const heldMaxS = scenario.cloud?.partitionHeldMaxS ?? Infinity;
      const stuck = heldS > heldMaxS ? [`a DVMS partition has held nodes for ${heldS} s (> cloud.partitionHeldMaxS = ${heldMaxS} s)`] : [];
      if (scenario.cloud?.checkInvariants === true) checkCloud(cloud, timeS, scenario.seed, [...veBroken, ...stuck]);
    }
    let up = 0;
    for (let id = 0; id < n; id++) if (runtime.isUp(id)) up++;
    series.record(timeS, 'nodes.up', up);
    detectorProbe?.record(series, timeS);
    series.record(timeS, 'sim.events', sim.eventsProcessed);
    for (const [name, value] of counters.entries()) series.count(timeS, name, value);
  };

  const run = (): RunOutcome => {
    options.instrument?.({ scenario, sim, runtime, world, cloud, store: store?.probe ?? null, images, replication });
    trace?.start();
    runtime.startAll();
    churn?.start();
    vmPlacement?.start(); // on the hosts up once churn has taken down those that start down
    cloud?.loads.start();
    replication?.start();
    images?.start();
    lifecycle?.start();
    const endUs = sToUs(scenario.durationS);
    const intervalUs = sToUs(scenario.metrics.intervalS);
    const limits = { endUs: 0, eventsMax: scenario.limits.eventsMax };
    const scoreStepUs = chordOn && world.churn !== null ? CHORD_SCORE_STEP_US : 0;
    const runTo = (untilUs: number): void => {
      if (scoreStepUs > 0) {
        for (let t = (Math.floor(sim.nowUs() / scoreStepUs) + 1) * scoreStepUs; t < untilUs; t += scoreStepUs) {
          sim.run({ ...limits, endUs: t });
          scoreChordLookups(runtime, chordScored);
        }
      }
      sim.run({ ...limits, endUs: untilUs });
    };
    sample(0);
    for (let tUs = intervalUs; ; tUs += intervalUs) {
      const stepEndUs = Math.min(tUs, endUs);
      runTo(stepEndUs);
      sample(stepEndUs / 1e6);
      options.onProgress?.({ virtualS: stepEndUs / 1e6, events: sim.eventsProcessed });
      if (stepEndUs >= endUs) break;
    }
    if (vivaldiOn) recordNodeErrors(series, scenario.durationS, world, runtime, scenario.seed);
    const coordinates = vivaldiOn ? finalCoordinates(world, runtime) : [];
    return { series, coordinates, eventsProcessed: sim.eventsProcessed, hostCount: n, virtualTimeS: scenario.durationS, trace: trace?.finish(scenario.durationS) ?? null, tables: tablesOf(hostSeries, perHost !== undefined, perVm !== undefined) };
  };
  return { hostCount: n, warnings: world.warnings, run };
}

function tablesOf(series: HostSeries | null, hosts: boolean, vms: boolean): ResultTable[] {
  if (series === null) return [];
  return [...(hosts ? [{ name: 'hosts.csv', columns: HOST_COLUMNS, rows: series.hostRows }] : []), ...(vms ? [{ name: 'vms.csv', columns: VM_COLUMNS, rows: series.vmRows }] : [])];
}

function cloudOf(scenario: Scenario, scenarioFile: string, world: World, sim: Simulator, counters: Counters, extraVms: number): CloudSetup | null {
  if (scenario.cloud === undefined) return null;
  if (world.backbone === null) {
    throw new ScenarioError(scenarioFile, [scenarioIssue('cloud', 'a backbone topology (graphml or generate): migrations need links to cross', `a cloud section with a ${scenario.topology.kind} topology`)]);
  }
  return setUpCloud({ section: scenario.cloud, scenarioFile, seed: scenario.seed, durationS: scenario.durationS, sim, counters, network: world.backbone, extraVms, operators: scenario.operators, policies: scenario.policies });
}

/**
 * The store's probe and the failures it is judged against, when the scenario runs the store;
 * N and the clients may not exceed the hosts (an error naming the field).
 */
function storeProbeOf(scenario: Scenario, scenarioFile: string, world: World, sim: Simulator): { probe: StoreProbe; truth: FailureTruth } | null {
  const section = scenario.protocols.store;
  if (section === undefined) return null;
  const hosts = world.network.hostCount;
  for (const field of ['replicas', 'clients'] as const) {
    if (section[field] > hosts) throw new ScenarioError(scenarioFile, [scenarioIssue(`protocols.store.${field}`, `an integer <= the hosts of the run (${hosts})`, String(section[field]))]);
  }
  const backbone = world.backbone;
  const reach = backbone === null ? null : { popCount: backbone.backbone.pops.length, hostPop: (h: number) => backbone.hostPop[h], reaches: (a: number, b: number) => backbone.popLatencyUs(a, b) >= 0 };
  const truth = new FailureTruth(() => sim.nowUs() / 1000, hosts, reach);
  const probe = new StoreProbe({ ring: new StoreRing(hosts, section.clients), replicas: section.replicas, readQuorum: section.readQuorum, writeQuorum: section.writeQuorum, truth });
  return { probe, truth };
}

/** Whether a fault or churn may take a host down in this run. */
function hostsMayCrash(world: World): boolean {
  return world.churn !== null || world.faults.some((f) => f.kind === 'hosts-down' || f.kind === 'pops-down' || (f.kind === 'stochastic' && f.target !== 'links'));
}

/** The VM scheduler protocol the scenario runs on every node, if any. */
function schedulerOf(scenario: Scenario): string | null {
  return scenario.scheduler === undefined ? null : schedulerProtocolName(scenario.scheduler);
}

/**
 * The agent every host runs (`agent/agent-stack.ts`), with a scheduler setting that does not fit
 * the hosts reported as a scenario error naming the field.
 */
export function agentOf(scenario: Scenario, scenarioFile: string, input: Omit<AgentStackInput, 'scenario'>): StackBuilder {
  try {
    return agentStack({ scenario, ...input });
  } catch (error) {
    if (!(error instanceof SchedulerNodeError)) throw error;
    throw new ScenarioError(scenarioFile, [scenarioIssue(`scheduler.${error.field}`, error.expected, String(error.node))]);
  }
}

/** The `checkInvariants` run option: a broken model is a bug, reported with the time and seed. */
function checkCloud(cloud: CloudSetup, timeS: number, seed: number, veBroken: readonly string[]): void {
  const problems = [...cloud.cloud.checkInvariants(), ...veBroken];
  if (problems.length > 0) throw new Error(`cloud invariants broken at ${timeS} s (seed ${seed}): ${problems.slice(0, 5).join('; ')}`);
}

function estimateRttMs(runtime: SimRuntime): (a: number, b: number) => number {
  return (a, b) => {
    const va = runtime.protocolOf<VivaldiProtocol>(a, VIVALDI);
    const vb = runtime.protocolOf<VivaldiProtocol>(b, VIVALDI);
    return va === undefined || vb === undefined ? NaN : va.estimateRttMs(vb.coordinate());
  };
}


function finalCoordinates(world: World, runtime: SimRuntime): NodeCoordinate[] {
  const out: NodeCoordinate[] = [];
  for (let id = 0; id < world.network.hostCount; id++) {
    const vivaldi = runtime.protocolOf<VivaldiProtocol>(id, VIVALDI);
    if (vivaldi === undefined) continue;
    const { vec, heightMs } = vivaldi.coordinate();
    out.push({ node: world.network.hostName(id), vec, heightMs, errorEstimate: vivaldi.errorEstimate() });
  }
  return out;
}

/** Each node's median relative error against up to NODE_PEERS_MAX fixed random peers. */
function recordNodeErrors(series: MetricSeries, timeS: number, world: World, runtime: SimRuntime, seed: number): void {
  const n = world.network.hostCount;
  const estimate = estimateRttMs(runtime);
  const truth = truthRttMs(world.network);
  const peers = Math.min(NODE_PEERS_MAX, n - 1);
  const errors: number[] = [];
  for (let a = 0; a < n; a++) {
    const rng = randomStream(seed, 'metrics.node-peers', a);
    errors.length = 0;
    for (let k = 0; k < peers; k++) {
      let b = rng.int(n - 1);
      if (b >= a) b++;
      const t = truth(a, b);
      const e = estimate(a, b);
      if (t > 0 && Number.isFinite(e)) errors.push(Math.abs(e - t) / t);
    }
    series.record(timeS, 'vivaldi.node_median_rel_error', errors.length > 0 ? median(errors) : NaN, a);
  }
}

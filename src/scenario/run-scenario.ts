/**
 * Run a validated scenario in simulation: build the world, start the protocols on every host,
 * inject the faults, sample the metrics every interval against ground truth, and return the
 * rows. Pure with respect to the host machine: no wall clock, no files written here.
 */
import { Simulator } from '../kernel/simulator.js';
import { randomStream } from '../kernel/random.js';
import { sToUs } from '../kernel/time.js';
import { Counters } from '../runtime/counters.js';
import { MetricSeries } from '../metrics/series.js';
import { samplePairs, type PairSample } from '../metrics/pair-sample.js';
import { relativeErrors, summariseErrors } from '../metrics/pairwise-error.js';
import { median } from '../metrics/stats.js';
import { SimRuntime } from '../runtime/sim/sim-runtime.js';
import { FaultInjector } from '../faults/fault-injector.js';
import { GossipProtocol, defaultGossipConfig } from '../protocols/gossip/index.js';
import { VivaldiProtocol, defaultVivaldiConfig, rememberingPeerCoordinates } from '../protocols/vivaldi/index.js';
import { SPIRAL, SPIRAL_PEER_COORDINATES_MIN, SpiralProtocol } from '../protocols/spiral/index.js';
import { CAN, CanProtocol } from '../protocols/can/index.js';
import { CHORD, CHORD_PEER_COORDINATES_MIN, ChordProtocol, VivaldiCoordinateSource } from '../protocols/chord/index.js';
import { GOSSIP, VIVALDI } from '../protocols/stack.js';
import { recordCanLookups, recordChordLookups, recordSpiralSearches, truthRttMs } from './probes/overlay-probes.js';
import type { Protocol, StackBuilder } from '../runtime/context.js';
import { buildWorld, type World } from './build-world.js';
import type { Scenario } from './schema.js';

export interface RunProgress {
  readonly virtualS: number;
  readonly events: number;
}

export interface RunOptions {
  /** Called after every metric interval (the CLI draws its progress line from it). */
  readonly onProgress?: (progress: RunProgress) => void;
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
}

/** Peers each node's own error is measured against at the end (per-node metric). */
const NODE_PEERS_MAX = 64;

export function runScenario(scenario: Scenario, scenarioFile: string, options: RunOptions = {}): RunOutcome {
  const world = buildWorld(scenario, scenarioFile);
  const sim = new Simulator(scenario.limits.pendingEventsMax);
  const counters = new Counters();
  const runtime = new SimRuntime({
    sim,
    network: world.network,
    seed: scenario.seed,
    stack: stackFor(scenario),
    bootstrapCount: 3,
    counters,
  });
  new FaultInjector({ sim, seed: scenario.seed, runtime, network: world.network, backbone: world.backbone, counters }).schedule(world.faults);

  const series = new MetricSeries();
  const n = world.network.hostCount;
  const pairs = samplePairs(n, scenario.metrics.pairSampleMax, randomStream(scenario.seed, 'metrics.pairs'));
  const vivaldiOn = scenario.protocols.vivaldi !== undefined || scenario.protocols.spiral !== undefined;
  const spiral = scenario.protocols.spiral;
  const canOn = scenario.protocols.can !== undefined;
  const canTotals = { lookups: 0, correct: 0 };
  const chordOn = scenario.protocols.chord !== undefined;
  const spiralTotals = { searches: 0 };
  const chordTotals = { lookups: 0, correct: 0 };
  const sample = (timeS: number): void => {
    if (vivaldiOn) recordVivaldiError(series, timeS, world, runtime, pairs);
    if (spiral !== undefined) recordSpiralSearches(series, timeS, runtime, world.network, spiral.resultSize, spiralTotals);
    if (chordOn) recordChordLookups(series, timeS, runtime, chordTotals);
    if (canOn) recordCanLookups(series, timeS, runtime, canTotals);
    let up = 0;
    for (let id = 0; id < n; id++) if (runtime.isUp(id)) up++;
    series.record(timeS, 'nodes.up', up);
    series.record(timeS, 'sim.events', sim.eventsProcessed);
    for (const [name, value] of counters.entries()) series.record(timeS, name, value);
  };

  runtime.startAll();
  const endUs = sToUs(scenario.durationS);
  const intervalUs = sToUs(scenario.metrics.intervalS);
  const limits = { endUs: 0, eventsMax: scenario.limits.eventsMax };
  sample(0);
  for (let tUs = intervalUs; ; tUs += intervalUs) {
    const stepEndUs = Math.min(tUs, endUs);
    sim.run({ ...limits, endUs: stepEndUs });
    sample(stepEndUs / 1e6);
    options.onProgress?.({ virtualS: stepEndUs / 1e6, events: sim.eventsProcessed });
    if (stepEndUs >= endUs) break;
  }
  if (vivaldiOn) recordNodeErrors(series, scenario.durationS, world, runtime, scenario.seed);
  const coordinates = vivaldiOn ? finalCoordinates(world, runtime) : [];
  return { series, coordinates, eventsProcessed: sim.eventsProcessed, hostCount: n, virtualTimeS: scenario.durationS };
}

/**
 * The protocols of every node, in start order. Vivaldi draws its neighbours from gossip, and the
 * spiral needs both: they run with their defaults when the scenario enables only what uses them.
 * Chord uses Vivaldi's coordinates for proximity when Vivaldi runs.
 */
export function stackFor(scenario: Scenario): StackBuilder {
  const p = scenario.protocols;
  const spiralConfig = p.spiral;
  const vivaldiOn = p.vivaldi !== undefined || spiralConfig !== undefined;
  const gossipOn = p.gossip !== undefined || vivaldiOn;
  const gossipConfig = p.gossip ?? defaultGossipConfig;
  const vivaldiBase = p.vivaldi ?? defaultVivaldiConfig;
  // Spiral and Chord's proximity read the coordinates peers advertised: Vivaldi must keep them.
  const coordinatesNeeded = spiralConfig !== undefined || (p.chord?.proximity === true && vivaldiOn);
  const vivaldiConfig = coordinatesNeeded
    ? rememberingPeerCoordinates(vivaldiBase, Math.max(SPIRAL_PEER_COORDINATES_MIN, CHORD_PEER_COORDINATES_MIN))
    : vivaldiBase;
  return (contextFor) => {
    const protocols = new Map<string, Protocol>();
    const gossip = gossipOn ? new GossipProtocol(contextFor(GOSSIP), gossipConfig) : undefined;
    if (gossip !== undefined) protocols.set(GOSSIP, gossip);
    const vivaldi = vivaldiOn && gossip !== undefined ? new VivaldiProtocol(contextFor(VIVALDI), gossip, vivaldiConfig) : undefined;
    if (vivaldi !== undefined) protocols.set(VIVALDI, vivaldi);
    const spiral =
      spiralConfig !== undefined && gossip !== undefined && vivaldi !== undefined
        ? new SpiralProtocol(contextFor(SPIRAL), gossip, vivaldi, spiralConfig)
        : undefined;
    if (spiral !== undefined) protocols.set(SPIRAL, spiral);
    if (p.can !== undefined) protocols.set(CAN, new CanProtocol(contextFor(CAN), p.can));
    if (p.chord !== undefined) {
      const coordinates = vivaldi !== undefined ? new VivaldiCoordinateSource(vivaldi) : null;
      protocols.set(CHORD, new ChordProtocol(contextFor(CHORD), p.chord, coordinates));
    }
    return protocols;
  };
}

function estimateRttMs(runtime: SimRuntime): (a: number, b: number) => number {
  return (a, b) => {
    const va = runtime.protocolOf<VivaldiProtocol>(a, VIVALDI);
    const vb = runtime.protocolOf<VivaldiProtocol>(b, VIVALDI);
    return va === undefined || vb === undefined ? NaN : va.estimateRttMs(vb.coordinate());
  };
}

function recordVivaldiError(series: MetricSeries, timeS: number, world: World, runtime: SimRuntime, pairs: PairSample): void {
  const summary = summariseErrors(relativeErrors(pairs, estimateRttMs(runtime), truthRttMs(world.network)));
  series.record(timeS, 'vivaldi.median_rel_error', summary.median);
  series.record(timeS, 'vivaldi.p90_rel_error', summary.p90);
  series.record(timeS, 'vivaldi.pairs_measured', summary.pairs);
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
    if (errors.length > 0) series.record(timeS, 'vivaldi.node_median_rel_error', median(errors), world.network.hostName(a));
  }
}

/**
 * Scores a live launch of a scenario from its agents' samples (`live-samples.ts`), with the
 * simulation's own probes and the same metric names, against ground truth: the true RTTs between
 * the hosts the agents stand for, and the true set of agents that were running at each tick (those
 * that sampled it). Nothing an agent believes about itself is taken as a result.
 */
import { randomStream } from '../kernel/random.js';
import { MetricSeries } from '../metrics/series.js';
import { samplePairs } from '../metrics/pair-sample.js';
import type { NodeId } from '../runtime/context.js';
import { defaultVivaldiConfig, distanceMs } from '../protocols/vivaldi/index.js';
import { CHORD } from '../protocols/chord/index.js';
import { SPIRAL } from '../protocols/spiral/index.js';
import { CAN } from '../protocols/can/index.js';
import { ROUTING } from '../protocols/routing/index.js';
import { type AgentOutage, LiveDetectorTally } from './live-detector.js';
import { recordServicesOf } from './probes/services-probe.js';
import { newRoutingTotals, recordRoutingRequests, type RoutingView } from './probes/routing-probe.js';
import { VM_INDEX } from '../protocols/vm-index/index.js';
import type { NodeSample, VmIndexSample } from './live-samples.js';
import { LiveVeTally } from './live-ve-score.js';
import type { NodesView } from './probes/nodes-view.js';
import { type CanView, type ChordView, type SpiralView, newChordScored, recordCanLookups, recordChordLookups, recordSpiralSearches, recordVivaldiError } from './probes/overlay-probes.js';
import type { Scenario } from './schema.js';
import { type PlacementTruth, type VmIndexView, VmIndexProbe } from './probes/vm-index-probe.js';

export interface LiveScoreInput {
  readonly scenario: Scenario;
  readonly agents: number;
  /** True RTT in ms between the hosts that agents a and b stand for. */
  readonly rttMs: (a: NodeId, b: NodeId) => number;
  /** Every sample of every agent, in any order. */
  readonly samples: readonly NodeSample[];
  /** VMs the scenario's cloud puts on the agents (0 without a cloud). */
  readonly vmCount?: number;
  /** The agent processes that died during the run, and when they were started again. */
  readonly outages?: readonly AgentOutage[];
  /** Where the VMs of the VM index were (the schedule the agents played); without it, locates are not scored. */
  readonly vmPlacement?: PlacementTruth;
  /** The members of each VE by id (the scenario's), to judge VE operations against; without them, the owners' answers. */
  readonly veMembers?: readonly (readonly number[])[];
  /** Whether agents a and b could reach each other at run time atMs (default: always). */
  readonly reachable?: (a: NodeId, b: NodeId, atMs: number) => boolean;
}

/** The agents' samples of one tick, read through the probes' view of the nodes. */
class TickNodes implements NodesView {
  constructor(private readonly byId: readonly (NodeSample | undefined)[]) {}

  get nodeCount(): number {
    return this.byId.length;
  }

  isUp(id: NodeId): boolean {
    return this.byId[id] !== undefined;
  }

  protocolOf(id: NodeId, name: string): unknown {
    const sample = this.byId[id];
    if (sample === undefined) return undefined;
    if (name === CHORD && sample.chord !== undefined) {
      const { ringId, joined, lookups } = sample.chord;
      return { ringId, isJoined: () => joined, drainLookups: () => [...lookups] } satisfies ChordView;
    }
    if (name === SPIRAL && sample.spiral !== undefined) {
      const { searches } = sample.spiral;
      return { drainSearches: () => [...searches] } satisfies SpiralView;
    }
    if (name === CAN && sample.can !== undefined) {
      const { zones, lookups } = sample.can;
      return { heldZones: () => zones, drainLookups: () => [...lookups] } satisfies CanView;
    }
    if (name === ROUTING && sample.routing !== undefined) {
      const { longLinks, requests } = sample.routing;
      return { longLinkCount: () => longLinks, drainRequests: () => [...requests] } satisfies RoutingView;
    }
    if (name === VM_INDEX && sample.vmIndex !== undefined) return vmIndexView(sample.vmIndex);
    return undefined;
  }
}

/** Groups samples by tick (ascending), each tick's by agent id; a later sample of one agent at one tick wins. */
export function samplesByTick(agents: number, samples: readonly NodeSample[]): Map<number, (NodeSample | undefined)[]> {
  const ticks = new Map<number, (NodeSample | undefined)[]>();
  for (const sample of [...samples].sort((a, b) => a.tickS - b.tickS)) {
    if (!(Number.isInteger(sample.id) && sample.id >= 0 && sample.id < agents)) continue;
    let row = ticks.get(sample.tickS);
    if (row === undefined) ticks.set(sample.tickS, (row = new Array<NodeSample | undefined>(agents).fill(undefined)));
    row[sample.id] = sample;
  }
  return ticks;
}

export function scoreLive(input: LiveScoreInput): MetricSeries {
  const { scenario, agents, rttMs } = input;
  const series = new MetricSeries();
  const p = scenario.protocols;
  const pairs = samplePairs(agents, scenario.metrics.pairSampleMax, randomStream(scenario.seed, 'metrics.pairs'));
  const useHeight = (p.vivaldi ?? defaultVivaldiConfig).useHeight;
  const spiralK = p.spiral?.resultSize;
  const chordTotals = { lookups: 0, correct: 0 };
  const canTotals = { lookups: 0, correct: 0 };
  const routingTotals = newRoutingTotals();
  const spiralTotals = { searches: 0 };
  const cloud = new CloudTally(agents, input.vmCount ?? 0);
  const detector = scenario.detector === undefined ? null : new LiveDetectorTally(agents, scenario.detector.timeoutMs, input.outages ?? [], input.reachable);
  const vmIndexProbe = input.vmPlacement === undefined ? null : new VmIndexProbe(input.vmPlacement);
  const ticks = samplesByTick(agents, input.samples);
  const ve = veTallyOf(ticks, input.veMembers);
  for (const [tickS, byId] of ticks) {
    const nodes = new TickNodes(byId);
    const coordinates = byId.map((s) => s?.vivaldi);
    if (coordinates.some((c) => c !== undefined)) {
      const estimate = (a: NodeId, b: NodeId): number => {
        const ca = coordinates[a];
        const cb = coordinates[b];
        if (ca === undefined || cb === undefined) return NaN;
        return useHeight ? distanceMs(ca, cb) : distanceMs({ vec: ca.vec, heightMs: 0 }, { vec: cb.vec, heightMs: 0 });
      };
      recordVivaldiError(series, tickS, pairs, estimate, rttMs);
    }
    if (spiralK !== undefined) recordSpiralSearches(series, tickS, nodes, rttMs, spiralK, spiralTotals);
    if (byId.some((s) => s?.chord !== undefined)) recordChordLookups(series, tickS, nodes, chordTotals);
    if (byId.some((s) => s?.can !== undefined)) recordCanLookups(series, tickS, nodes, canTotals);
    if (byId.some((s) => s?.routing !== undefined)) recordRoutingRequests(series, tickS, nodes, rttMs, routingTotals);
    if (byId.some((s) => s?.cloud !== undefined)) cloud.record(series, tickS, byId);
    detector?.record(series, tickS, byId);
    // On loopback every running agent is reachable: the truth of the `live` overlay is the agents that sampled the tick.
    if (scenario.services !== undefined && byId.some((s) => s?.services !== undefined)) recordServicesOf(series, tickS, byId.map((s) => s?.services), scenario.services, (_from, to) => byId[to] !== undefined);
    vmIndexProbe?.record(series, tickS, nodes);
    ve?.record(series, tickS);
    series.record(tickS, 'nodes.up', byId.filter((s) => s !== undefined).length);
    for (const [name, value] of sumCounters(byId)) series.count(tickS, name, value);
  }
  return series;
}

/** A node's VM index as its sample shows it; JSON wrote an unanswered locate's NaN answer time as null. */
function vmIndexView(sample: VmIndexSample): VmIndexView {
  const locates = sample.locates.map((o) => ({ ...o, answeredAtMs: o.answeredAtMs ?? NaN }));
  return { entryCount: sample.entryCount, drainLocates: () => locates };
}

/** The VE operations' tally, when some agent ran a VE manager (sampled `ve`). */
function veTallyOf(ticks: ReadonlyMap<number, readonly (NodeSample | undefined)[]>, members: LiveScoreInput['veMembers']): LiveVeTally | null {
  for (const byId of ticks.values()) if (byId.some((s) => s?.ve !== undefined)) return new LiveVeTally(ticks, members);
  return null;
}

/** Each counter summed over the agents that sampled the tick, by name. */
function sumCounters(byId: readonly (NodeSample | undefined)[]): [string, number][] {
  const sums = new Map<string, number>();
  for (const sample of byId) {
    if (sample === undefined) continue;
    for (const [name, value] of Object.entries(sample.counters)) sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Cloud metrics of a live run, from what each host's hypervisor shows (libvirt's domains, their
 * injected or measured load): overloaded hosts at each tick (demand of the running VMs above the
 * cores), overload episodes and how long each took to end, from the episodes each agent saw as
 * they happened (so one that starts and ends between two ticks counts, timed to the ms, as in the
 * simulation), the VMs placed against the VMs that exist (none lost, none on two hosts), and the
 * migrations the hypervisors ran.
 */
class CloudTally {
  /** The start (ms) of each host's open overload already counted, NaN when none. */
  private readonly openSinceMs: Float64Array;
  private violations = 0;
  private readonly resolveS: number[] = [];
  private migrations = 0;
  private migrationsFailed = 0;
  private migrationsEmulated = 0;

  constructor(
    agents: number,
    private readonly vmCount: number,
  ) {
    this.openSinceMs = new Float64Array(agents).fill(NaN);
  }

  record(series: MetricSeries, tickS: number, byId: readonly (NodeSample | undefined)[]): void {
    let overloaded = 0;
    const hosts = new Map<number, number>();
    byId.forEach((sample, id) => {
      const cloud = sample?.cloud;
      // No sample: down (its open overload ended with it, and a restarted agent's next one starts
      // at another time) or late (what it saw meanwhile comes with its next sample).
      if (cloud === undefined) return;
      for (const vm of cloud.vms) hosts.set(vm.vm, (hosts.get(vm.vm) ?? 0) + 1);
      for (const episode of cloud.overloads) {
        const counted = episode.startMs === this.openSinceMs[id];
        if (!counted) this.violations++;
        if (episode.endMs === undefined) {
          this.openSinceMs[id] = episode.startMs;
          overloaded++;
        } else {
          this.resolveS.push((episode.endMs - episode.startMs) / 1000);
          if (counted) this.openSinceMs[id] = NaN;
        }
      }
      for (const m of cloud.migrations) {
        if (m.ok) this.migrations++;
        else this.migrationsFailed++;
        if (m.ok && m.emulated) this.migrationsEmulated++; // of cloud.migrations, those emulated
      }
    });
    let duplicated = 0;
    for (const count of hosts.values()) if (count > 1) duplicated++;
    series.record(tickS, 'cloud.hosts_overloaded', overloaded);
    series.count(tickS, 'cloud.violations', this.violations);
    series.count(tickS, 'cloud.violations_resolved', this.resolveS.length);
    if (this.resolveS.length > 0) {
      series.record(tickS, 'cloud.resolve_s_mean', this.resolveS.reduce((a, b) => a + b, 0) / this.resolveS.length);
      series.record(tickS, 'cloud.resolve_s_max', Math.max(...this.resolveS));
    }
    series.record(tickS, 'cloud.vms_placed', hosts.size);
    series.record(tickS, 'cloud.vms_missing', Math.max(0, this.vmCount - hosts.size));
    series.record(tickS, 'cloud.vms_on_two_hosts', duplicated);
    series.count(tickS, 'cloud.migrations', this.migrations);
    series.count(tickS, 'cloud.migrations_failed', this.migrationsFailed);
    series.count(tickS, 'cloud.migrations_emulated', this.migrationsEmulated);
  }
}

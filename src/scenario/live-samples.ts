/**
 * What a live agent running a scenario reports at each metric tick: its counters, and the state
 * and finished operations of its overlays, as plain JSON. The launcher scores these samples with
 * the simulation's own probes (`live-score.ts`); an agent never scores itself.
 */
import type { NodeId } from '../runtime/context.js';
import { VIVALDI } from '../protocols/stack.js';
import type { VivaldiProtocol } from '../protocols/vivaldi/index.js';
import { CHORD, type LookupOutcome } from '../protocols/chord/index.js';
import { SPIRAL, type SpiralOutcome } from '../protocols/spiral/index.js';
import { CAN, type CanLookupOutcome, type Zone } from '../protocols/can/index.js';
import type { CanView, ChordView, SpiralView } from './probes/overlay-probes.js';
import { ROUTING, type RoutingOutcome } from '../protocols/routing/index.js';
import type { RoutingView } from './probes/routing-probe.js';
import type { DetectorLeaves, DetectorSample } from './live-detector.js';
import { type LocateOutcome, VM_INDEX } from '../protocols/vm-index/index.js';
import type { VmIndexView } from './probes/vm-index-probe.js';

/** The agent's host as its hypervisor shows it: capacity, the VMs there, migrations finished since the last tick. */
export interface CloudSample {
  readonly cores: number;
  readonly vms: readonly { readonly vm: number; readonly state: string; readonly cpuDemand: number; readonly migrating: boolean }[];
  readonly migrations: readonly { readonly vm: number; readonly ok: boolean; readonly reason: string; readonly ms: number; readonly emulated: boolean }[];
}

export interface NodeSample {
  readonly id: NodeId;
  /** Seconds since the launch's epoch: the tick this sample belongs to. */
  readonly tickS: number;
  /** Counters since the agent process started (cumulative). */
  readonly counters: Readonly<Record<string, number>>;
  readonly vivaldi?: { readonly vec: readonly number[]; readonly heightMs: number; readonly errorEstimate: number };
  readonly chord?: { readonly ringId: number; readonly joined: boolean; readonly lookups: readonly LookupOutcome[] };
  readonly spiral?: { readonly searches: readonly SpiralOutcome[] };
  readonly can?: { readonly zones: readonly Zone[]; readonly lookups: readonly CanLookupOutcome[] };
  readonly routing?: { readonly longLinks: number; readonly requests: readonly RoutingOutcome[] };
  readonly detector?: DetectorSample;
  readonly cloud?: CloudSample;
  readonly vmIndex?: VmIndexSample;
}

/** The node's VM index: entries it holds as an owner, and its locates finished since the last tick (answeredAtMs null in JSON when NaN). */
export interface VmIndexSample {
  readonly entryCount: number;
  readonly locates: readonly LocateOutcome[];
}

/** Sample a node: reads its protocols by name, and drains their logs of finished operations. */
export function sampleNode(id: NodeId, tickS: number, protocolOf: (name: string) => unknown, counters: Iterable<[string, number]>, cloud?: CloudSample, detectorLeaves?: DetectorLeaves): NodeSample {
  const detector = detectorLeaves?.sample();
  const vivaldi = protocolOf(VIVALDI) as VivaldiProtocol | undefined;
  const chord = protocolOf(CHORD) as ChordView | undefined;
  const spiral = protocolOf(SPIRAL) as SpiralView | undefined;
  const can = protocolOf(CAN) as CanView | undefined;
  const routing = protocolOf(ROUTING) as RoutingView | undefined;
  const coordinate = vivaldi?.coordinate();
  return {
    id,
    tickS,
    counters: Object.fromEntries(counters),
    ...(vivaldi === undefined || coordinate === undefined ? {} : { vivaldi: { vec: Array.from(coordinate.vec), heightMs: coordinate.heightMs, errorEstimate: vivaldi.errorEstimate() } }),
    ...(chord === undefined ? {} : { chord: { ringId: chord.ringId, joined: chord.isJoined(), lookups: chord.drainLookups() } }),
    ...(spiral === undefined ? {} : { spiral: { searches: spiral.drainSearches() } }),
    ...(can === undefined ? {} : { can: { zones: can.heldZones().map((z) => ({ ...z })), lookups: can.drainLookups() } }),
    ...(routing === undefined ? {} : { routing: { longLinks: routing.longLinkCount(), requests: routing.drainRequests() } }),
    ...(detector === undefined ? {} : { detector }),
    ...(cloud === undefined ? {} : { cloud }),
    ...sampleVmIndex(protocolOf),
  };
}

function sampleVmIndex(protocolOf: (name: string) => unknown): { vmIndex?: VmIndexSample } {
  const index = protocolOf(VM_INDEX) as VmIndexView | undefined;
  return index === undefined ? {} : { vmIndex: { entryCount: index.entryCount, locates: index.drainLocates() } };
}

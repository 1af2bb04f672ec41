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
import type { ServicesNode } from './probes/services-probe.js';
import { type LocateOutcome, VM_INDEX } from '../protocols/vm-index/index.js';
import type { VmIndexView } from './probes/vm-index-probe.js';
import type { VeOpName } from '../protocols/ve/ve-log.js';
import type { VeResult } from '../protocols/ve/ve-protocol.js';

/** The agent's host as its hypervisor shows it: capacity, the VMs there, migrations finished since the last tick. */
export interface CloudSample {
  readonly cores: number;
  readonly vms: readonly { readonly vm: number; readonly state: string; readonly cpuDemand: number; readonly migrating: boolean }[];
  /** `endMs`: when the migration ended, run time (ms since the epoch). */
  readonly migrations: readonly { readonly vm: number; readonly ok: boolean; readonly reason: string; readonly ms: number; readonly emulated: boolean; readonly endMs?: number }[];
  /**
   * The host's overloads (running VMs' demand above its cores) since the last sample, as the agent
   * saw them happen (ms on the run's clock): those that ended, then the one still open (no `endMs`).
   */
  readonly overloads: readonly { readonly startMs: number; readonly endMs?: number }[];
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
  /** The demonstration services and the supervisor's restarts (`services` section). */
  readonly services?: ServicesNode;
  readonly cloud?: CloudSample;
  readonly vmIndex?: VmIndexSample;
  readonly ve?: VeSample;
}

/** A VE operation the agent finished, as its issuer saw it (`VeResult`): the launcher judges it against the hypervisors' samples. */
export interface VeOpSample {
  readonly op: VeOpName;
  readonly ve: number;
  readonly ok: boolean;
  readonly reason: string;
  /** Run time (ms since the epoch) when it was issued and when the issuer learned its outcome. */
  readonly startMs: number;
  readonly endMs: number;
  /** The members and their hosts (-1: unknown) the owner answered with. */
  readonly members: readonly number[];
  readonly hosts: readonly number[];
  /** A relocation's member and target agent (-1 otherwise). */
  readonly vm: number;
  readonly target: number;
}

/** The VE operations finished since the last tick, and how many were dropped beyond the bound. */
export interface VeSample {
  readonly ops: readonly VeOpSample[];
  readonly dropped: number;
}

/** Collects the VE operations an agent finishes (the VE manager's observer) until the next tick; at most `opsMax` per tick, the oldest dropped. */
export class VeOpCollector {
  private ops: VeOpSample[] = [];
  private dropped = 0;

  constructor(private readonly opsMax = 4096) {}

  readonly observe = (_node: NodeId, r: VeResult): void => {
    if (this.ops.length >= this.opsMax) (this.ops.shift(), this.dropped++);
    this.ops.push({ op: r.op, ve: r.ve, ok: r.ok, reason: r.reason, startMs: r.startMs, endMs: r.endMs, members: [...r.members], hosts: [...r.hosts], vm: r.vm, target: r.target });
  };

  /** The sample's `ve` field: what finished since the last call. */
  drain(): { ve: VeSample } {
    const out = { ve: { ops: this.ops, dropped: this.dropped } };
    this.ops = [];
    this.dropped = 0;
    return out;
  }
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

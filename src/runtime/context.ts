/**
 * The adapter boundary: everything a protocol may touch. Protocols import this file (and
 * their own siblings) only; the simulated runtime (runtime/sim) and the live runtime
 * (runtime/live) implement it. No kernel, platform model or socket leaks through.
 */
import type { Random } from '../kernel/random.js';
import type { Hypervisor } from './hypervisor.js';

export type { Random };
export type { Hypervisor, HostInfo, VmInfo, VmId, VeId, VmState, MigrationOutcome, SnapshotOutcome, SnapshotShipOutcome, RestoreOutcome, VmSpecInfo } from './hypervisor.js';

/** Dense node index, 0..N-1, the same in simulation and in a live deployment's peer list. */
export type NodeId = number;

/**
 * Messages are readonly plain data with a `type` discriminant, serialisable to JSON unchanged:
 * the live runtime puts the same object on a UDP socket. The modelled size travels apart.
 */
export interface Message {
  readonly type: string;
}

export interface TimerHandle {
  cancel(): void;
  readonly active: boolean;
}

/** Counters a protocol may bump; the runtime adds messages and bytes sent by itself. */
export interface MetricSink {
  count(name: string, delta?: number): void;
}

export interface NodeContext {
  readonly id: NodeId;
  /** Current time in milliseconds (virtual in simulation, since agent start when live). */
  nowMs(): number;
  /** Call `handler` once after `delayMs` (rounded to whole microseconds in simulation). */
  setTimer(delayMs: number, handler: () => void): TimerHandle;
  /**
   * Send `message` to node `to`, modelled as `sizeBytes` on the wire. Delivery is not
   * guaranteed: a broken path or a crashed peer loses it silently, as UDP would.
   */
  send(to: NodeId, message: Message, sizeBytes: number): void;
  /** This node's own random stream (derived from the seed, the protocol name and the node id). */
  readonly rng: Random;
  readonly metrics: MetricSink;
  /** A few peers to start from (introducers); a protocol learns the rest by itself. */
  bootstrapPeers(): readonly NodeId[];
  /** The hypervisor of this node's host, when the run models hosts and VMs (a `cloud` section). */
  readonly hypervisor?: Hypervisor;
}

/** A protocol is a set of synchronous handlers, each running to completion. */
export interface Protocol {
  onStart(): void;
  onMessage(from: NodeId, message: Message): void;
  /** Called when the node stops (crash or end of a live run); timers are already dead. */
  onStop?(): void;
}

/**
 * What a receiving runtime thinks of a decoded message, before any protocol sees it: fine, a
 * `type` the protocol never sends, or a known type with a bad field (wrong type, NaN or
 * Infinity, a node id outside the peer set, a list too long, a vector of the wrong length).
 */
export type MessageCheck = 'ok' | 'unknown-type' | 'bad-message';

/** A protocol's wire schema: checks one message arrived for it (from JSON, so plain data). */
export interface MessageValidator {
  (message: Message): MessageCheck;
  /** The message types it knows, sorted (for tests that every one is sent, and for logs). */
  readonly types: readonly string[];
}

/**
 * The wire schemas of a stack: protocol name -> validator. Each protocol builds its own for a
 * given peer count (ids 0..peerCount-1) and its own config (e.g. Vivaldi's dimensions), beside
 * its messages; whoever builds a stack for the live runtime builds its schemas too. A map beside
 * the StackBuilder rather than a static on each protocol class: a schema depends on the
 * deployment and the config, which a class does not know, and the simulated runtime, which
 * never decodes anything, need not carry it.
 */
export type MessageSchemas = ReadonlyMap<string, MessageValidator>;

/** A validator from one check per message type; a type not listed is 'unknown-type'. */
export function messageValidator(checks: Readonly<Record<string, (message: Message) => boolean>>): MessageValidator {
  const byType = new Map(Object.entries(checks));
  const validate = (message: Message): MessageCheck => {
    const check = byType.get(message.type);
    if (check === undefined) return 'unknown-type';
    return check(message) ? 'ok' : 'bad-message';
  };
  return Object.assign(validate, { types: [...byType.keys()].sort() });
}

/**
 * How a node's protocols are built: `contextFor(name)` gives the context scoped to the protocol
 * `name` (its own random stream; its messages are tagged with `name` on the wire and delivered
 * to the protocol of that name on the receiving node). Returns the protocols by name, in start order.
 */
export type StackBuilder = (contextFor: (protocolName: string) => NodeContext) => ReadonlyMap<string, Protocol>;

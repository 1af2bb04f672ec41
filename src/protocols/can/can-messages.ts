/** CAN's wire messages: readonly plain data. Coordinates travel as 8-byte floats, ids and counters as 4 bytes. */
import type { NodeId } from '../../runtime/context.js';
import type { Zone } from './zone.js';

/**
 * What a node knows of a neighbour: the zones it holds (its own first, then any taken over) and
 * their version, bumped on every change. `incarnation` is a random number drawn at each start:
 * a restarted node counts its versions from 1 again, so a new incarnation replaces the old
 * entry whatever the versions say.
 */
export interface NeighbourInfo {
  readonly node: NodeId;
  readonly incarnation: number;
  readonly version: number;
  readonly zones: readonly Zone[];
}

/** Routed greedily to the owner of (x, y), which splits its zone with the joiner. */
export interface CanJoin {
  readonly type: 'can.join';
  readonly joiner: NodeId;
  readonly incarnation: number;
  /** The version the joiner's zone will carry once accepted. */
  readonly version: number;
  readonly x: number;
  readonly y: number;
  readonly hops: number;
}

/** From a bootstrap peer that is not in the space yet. */
export interface CanJoinNack {
  readonly type: 'can.join-nack';
}

/** From a node that now holds a zone to a node it turned away before (or to its own introducers): join through me. */
export interface CanInvite {
  readonly type: 'can.invite';
}

export interface CanJoinAccept {
  readonly type: 'can.join-accept';
  readonly zone: Zone;
  readonly version: number;
  readonly neighbours: readonly NeighbourInfo[];
}

/**
 * A node's self-report: all the zones it holds (authoritative, versioned) and optionally its
 * neighbour list (from which the receiver learns neighbours it missed, and which the receiver
 * keeps to greet the dead node's neighbours if it takes a zone over). Also the heartbeat.
 */
export interface CanUpdate {
  readonly type: 'can.update';
  readonly incarnation: number;
  readonly version: number;
  readonly zones: readonly Zone[];
  readonly neighbours: readonly NeighbourInfo[] | null;
  /** The receiver answers with its own update (a probe of a candidate neighbour). */
  readonly wantReply: boolean;
  /** This is an answer: never answered again. */
  readonly isReply: boolean;
}

/**
 * TAKEOVER (Ratnasamy et al. §3.3): `claimant` would take over `zone` of the silent node `dead`
 * and holds `area` in all (smaller area first, then lower id, wins). Sent to the zone's
 * neighbours; an answer carries the best claim its sender knows.
 */
export interface CanTakeover {
  readonly type: 'can.takeover';
  readonly dead: NodeId;
  readonly zone: Zone;
  readonly claimant: NodeId;
  readonly area: number;
  /** Passed on to a node thought to hold the zone already: never passed on again. */
  readonly passedOn: boolean;
}

/**
 * Routed greedily to the holder of (x, y), which answers `asker` with its report: finds a
 * neighbour the asker's lists never named (a point just outside one of its sides that no known
 * neighbour covers), or the holder of a zone the asker is claiming (the zone's middle).
 */
export interface CanHolderProbe {
  readonly type: 'can.holder-probe';
  readonly x: number;
  readonly y: number;
  readonly asker: NodeId;
  readonly hops: number;
}

export interface CanLookup {
  readonly type: 'can.lookup';
  readonly lookupId: number;
  readonly origin: NodeId;
  readonly x: number;
  readonly y: number;
  readonly hops: number;
}

export interface CanLookupReply {
  readonly type: 'can.lookup-reply';
  readonly lookupId: number;
  /** -1: the route exceeded hopsMax. */
  readonly owner: NodeId;
  readonly hops: number;
}

export type CanMessage = CanJoin | CanJoinNack | CanInvite | CanJoinAccept | CanUpdate | CanTakeover | CanHolderProbe | CanLookup | CanLookupReply;

const HEADER_BYTES = 32;
const WORD_BYTES = 4;
const COORD_BYTES = 8;
const ZONE_BYTES = 4 * COORD_BYTES;
const zonesBytes = (zones: readonly Zone[]): number => 1 + ZONE_BYTES * zones.length;
const listBytes = (list: readonly NeighbourInfo[]): number => list.reduce((sum, n) => sum + 3 * WORD_BYTES + zonesBytes(n.zones), 2);

export const JOIN_BYTES = HEADER_BYTES + 3 * WORD_BYTES + 2 * COORD_BYTES;
export const JOIN_NACK_BYTES = HEADER_BYTES;
export const INVITE_BYTES = HEADER_BYTES;
export const TAKEOVER_BYTES = HEADER_BYTES + 2 * WORD_BYTES + ZONE_BYTES + COORD_BYTES + 1;
export const HOLDER_PROBE_BYTES = HEADER_BYTES + 2 * WORD_BYTES + 2 * COORD_BYTES;
export const LOOKUP_BYTES = HEADER_BYTES + 3 * WORD_BYTES + 2 * COORD_BYTES;
export const LOOKUP_REPLY_BYTES = HEADER_BYTES + 3 * WORD_BYTES;

export function joinAcceptSizeBytes(neighbours: readonly NeighbourInfo[]): number {
  return HEADER_BYTES + WORD_BYTES + ZONE_BYTES + listBytes(neighbours);
}

export function updateSizeBytes(zones: readonly Zone[], neighbours: readonly NeighbourInfo[] | null): number {
  return HEADER_BYTES + 2 * WORD_BYTES + zonesBytes(zones) + 2 + (neighbours === null ? 0 : listBytes(neighbours));
}

/** CAN's wire messages: readonly plain data. Coordinates travel as 8-byte floats, ids and counters as 4 bytes. */
import type { NodeId } from '../../runtime/context.js';
import type { Zone } from './zone.js';

/** What a node knows of a neighbour: its zone and that zone's version (bumped on every change). */
export interface NeighbourInfo {
  readonly node: NodeId;
  readonly version: number;
  readonly zone: Zone;
}

/** Routed greedily to the owner of (x, y), which splits its zone with the joiner. */
export interface CanJoin {
  readonly type: 'can.join';
  readonly joiner: NodeId;
  readonly x: number;
  readonly y: number;
  readonly hops: number;
}

/** From a bootstrap peer that is not in the space yet. */
export interface CanJoinNack {
  readonly type: 'can.join-nack';
}

export interface CanJoinAccept {
  readonly type: 'can.join-accept';
  readonly zone: Zone;
  readonly version: number;
  readonly neighbours: readonly NeighbourInfo[];
}

/**
 * A node's self-report: its zone (authoritative, versioned) and optionally its neighbour list
 * (from which the receiver learns neighbours it missed). Also the heartbeat.
 */
export interface CanUpdate {
  readonly type: 'can.update';
  readonly version: number;
  readonly zone: Zone;
  readonly neighbours: readonly NeighbourInfo[] | null;
  /** The receiver answers with its own update (a probe of a candidate neighbour). */
  readonly wantReply: boolean;
  /** This is an answer: never answered again. */
  readonly isReply: boolean;
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

export type CanMessage = CanJoin | CanJoinNack | CanJoinAccept | CanUpdate | CanLookup | CanLookupReply;

const HEADER_BYTES = 32;
const WORD_BYTES = 4;
const COORD_BYTES = 8;
const ZONE_BYTES = 4 * COORD_BYTES;
const INFO_BYTES = 2 * WORD_BYTES + ZONE_BYTES;
const listBytes = (count: number): number => 2 + INFO_BYTES * count;

export const JOIN_BYTES = HEADER_BYTES + 2 * WORD_BYTES + 2 * COORD_BYTES;
export const JOIN_NACK_BYTES = HEADER_BYTES;
export const LOOKUP_BYTES = HEADER_BYTES + 3 * WORD_BYTES + 2 * COORD_BYTES;
export const LOOKUP_REPLY_BYTES = HEADER_BYTES + 3 * WORD_BYTES;

export function joinAcceptSizeBytes(neighbourCount: number): number {
  return HEADER_BYTES + WORD_BYTES + ZONE_BYTES + listBytes(neighbourCount);
}

export function updateSizeBytes(neighbourCount: number | null): number {
  return HEADER_BYTES + WORD_BYTES + ZONE_BYTES + 2 + (neighbourCount === null ? 0 : listBytes(neighbourCount));
}

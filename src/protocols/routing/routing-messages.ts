/** The routing protocol's wire messages: readonly plain data (coordinates as number arrays, JSON-safe). */
import type { NodeId } from '../../runtime/context.js';

/** A node and the coordinate it advertised (travels in messages, stored as a long link). */
export interface RoutedNode {
  readonly peer: NodeId;
  readonly vec: readonly number[];
  readonly heightMs: number;
}

/** The request, forwarded greedily: its whole state travels with it. */
export interface RoutingRequest {
  readonly type: 'routing.request';
  readonly requestId: number;
  readonly target: RoutedNode;
  /** Some of the target's close peers (from its answer to `routing.locate`; empty when the coordinate was given). */
  readonly landing: readonly NodeId[];
  /** The nodes visited so far, source first, each with its coordinate (everyone on it learns from it). */
  readonly path: readonly RoutedNode[];
}

/** Sent to the source by the target (delivered) or by the node where the request died. */
export interface RoutingDone {
  readonly type: 'routing.done';
  readonly requestId: number;
  readonly delivered: boolean;
  readonly path: readonly RoutedNode[];
}

/**
 * Name resolution before routing: the source asks the target (node ids are addresses, as in a
 * live deployment's peer list) for its current coordinate. It only tells where to route to:
 * the target is not learnt from it, so the hops counted are the overlay's.
 */
export interface RoutingLocate {
  readonly type: 'routing.locate';
  readonly requestId: number;
}

/** The target's answer: its coordinate now, and its closest peers (the landing zone). */
export interface RoutingLocated {
  readonly type: 'routing.located';
  readonly requestId: number;
  readonly vec: readonly number[];
  readonly heightMs: number;
  readonly landing: readonly NodeId[];
}

/** A greeting to a close peer, with the greeter's coordinate; answered by `routing.hello-reply`. */
export interface RoutingHello {
  readonly type: 'routing.hello';
  readonly vec: readonly number[];
  readonly heightMs: number;
}

export interface RoutingHelloReply {
  readonly type: 'routing.hello-reply';
  readonly vec: readonly number[];
  readonly heightMs: number;
}

export type RoutingMessage = RoutingRequest | RoutingDone | RoutingLocate | RoutingLocated | RoutingHello | RoutingHelloReply;

/** Header (type, addressing) modelled as 32 bytes; ids are 4 bytes, every other number 8. */
const HEADER_BYTES = 32;
const ID_BYTES = 4;
const NUMBER_BYTES = 8;

function nodeBytes(dimensions: number): number {
  return ID_BYTES + NUMBER_BYTES * (dimensions + 1);
}

export function requestSizeBytes(dimensions: number, pathLength: number, landing: number): number {
  return HEADER_BYTES + ID_BYTES + (1 + pathLength) * nodeBytes(dimensions) + landing * ID_BYTES;
}

export function doneSizeBytes(dimensions: number, pathLength: number): number {
  return HEADER_BYTES + ID_BYTES + 1 + pathLength * nodeBytes(dimensions);
}

export function helloSizeBytes(dimensions: number): number {
  return HEADER_BYTES + NUMBER_BYTES * (dimensions + 1);
}

export const LOCATE_SIZE_BYTES = HEADER_BYTES + ID_BYTES;

export function locatedSizeBytes(dimensions: number, landing: number): number {
  return HEADER_BYTES + ID_BYTES + NUMBER_BYTES * (dimensions + 1) + landing * ID_BYTES;
}

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

export type RoutingMessage = RoutingRequest | RoutingDone;

/** Header (type, addressing) modelled as 32 bytes; ids are 4 bytes, every other number 8. */
const HEADER_BYTES = 32;
const ID_BYTES = 4;
const NUMBER_BYTES = 8;

function nodeBytes(dimensions: number): number {
  return ID_BYTES + NUMBER_BYTES * (dimensions + 1);
}

export function requestSizeBytes(dimensions: number, pathLength: number): number {
  return HEADER_BYTES + ID_BYTES + (1 + pathLength) * nodeBytes(dimensions);
}

export function doneSizeBytes(dimensions: number, pathLength: number): number {
  return HEADER_BYTES + ID_BYTES + 1 + pathLength * nodeBytes(dimensions);
}

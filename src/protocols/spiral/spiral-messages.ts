/** The spiral search's wire messages: readonly plain data (coordinates as number arrays, JSON-safe). */
import type { NodeId } from '../../runtime/context.js';
import type { SpiralCandidate } from './spiral-core.js';

/** The search itself, forwarded along the spiral: all of its state travels with it. */
export interface SpiralSearch {
  readonly type: 'spiral.search';
  readonly initiator: NodeId;
  readonly searchId: number;
  /** The initiator's coordinate: every node ranks its own view by distance to it. */
  readonly targetVec: readonly number[];
  readonly targetHeightMs: number;
  /** The spiral view so far: the nearest to the initiator ascending, then the forced far ones. */
  readonly view: readonly SpiralCandidate[];
  /** The nodes visited, in order: each one's predecessor and successor on the spiral. */
  readonly path: readonly NodeId[];
}

/** Sent by the last node of the spiral back to the initiator. */
export interface SpiralResult {
  readonly type: 'spiral.result';
  readonly searchId: number;
  readonly view: readonly SpiralCandidate[];
  readonly path: readonly NodeId[];
}

/** The initiator measuring its RTT to a candidate, on its own clock. */
export interface SpiralProbe {
  readonly type: 'spiral.probe';
  readonly searchId: number;
  readonly sentAtMs: number;
}

export interface SpiralProbeReply {
  readonly type: 'spiral.probe-reply';
  readonly searchId: number;
  readonly sentAtMs: number;
}

export type SpiralMessage = SpiralSearch | SpiralResult | SpiralProbe | SpiralProbeReply;

/** Header (type, addressing) modelled as 32 bytes; ids are 4 bytes, every other number 8. */
const HEADER_BYTES = 32;
const ID_BYTES = 4;
const NUMBER_BYTES = 8;

function candidateBytes(dimensions: number): number {
  return ID_BYTES + NUMBER_BYTES * (dimensions + 1);
}

export function searchSizeBytes(dimensions: number, viewLength: number, pathLength: number): number {
  return HEADER_BYTES + 2 * ID_BYTES + NUMBER_BYTES * (dimensions + 1) + viewLength * candidateBytes(dimensions) + pathLength * ID_BYTES;
}

export function resultSizeBytes(dimensions: number, viewLength: number, pathLength: number): number {
  return HEADER_BYTES + ID_BYTES + viewLength * candidateBytes(dimensions) + pathLength * ID_BYTES;
}

export function probeSizeBytes(): number {
  return HEADER_BYTES + ID_BYTES + NUMBER_BYTES;
}

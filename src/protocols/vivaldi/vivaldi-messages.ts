/** Vivaldi's wire messages: readonly plain data (coordinates as number arrays, JSON-safe). */

export interface VivaldiPing {
  readonly type: 'vivaldi.ping';
  /** The pinger's clock at send time, echoed back: the RTT needs no pending-ping table. */
  readonly sentAtMs: number;
  /** For reciprocal updates: the pinger's coordinate, error and last filtered RTT to the receiver (-1: none). */
  readonly vec: readonly number[] | null;
  readonly heightMs: number;
  readonly error: number;
  readonly rttMs: number;
}

export interface VivaldiPong {
  readonly type: 'vivaldi.pong';
  readonly sentAtMs: number;
  readonly vec: readonly number[];
  readonly heightMs: number;
  readonly error: number;
}

export type VivaldiMessage = VivaldiPing | VivaldiPong;

/** Header (type, addressing) modelled as 32 bytes; every number is a 64-bit float. */
const HEADER_BYTES = 32;
const NUMBER_BYTES = 8;

export function pingSizeBytes(dimensions: number, withCoordinate: boolean): number {
  return HEADER_BYTES + NUMBER_BYTES * (withCoordinate ? dimensions + 4 : 1);
}

export function pongSizeBytes(dimensions: number): number {
  return HEADER_BYTES + NUMBER_BYTES * (dimensions + 3);
}

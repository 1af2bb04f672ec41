import type { RttMatrix } from '../../platform/types.js';

/** The matrix RTT between peers a and b (rows a and b), in ms. */
export function rttMsOf(matrix: RttMatrix, a: number, b: number): number {
  return matrix.rttUs[a * matrix.n + b] / 1000;
}

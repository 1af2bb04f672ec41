import type { RttMatrix } from '../../platform/types.js';
import { rttMsOf } from './matrix-rtt.js';

/**
 * Median over all pairs i < j of |estimate(i, j) - rtt(i, j)| / rtt(i, j), ground truth from the
 * matrix (node i = row i). Pairs with a zero RTT are skipped (no relative error is defined).
 */
export function medianRelativeError(matrix: RttMatrix, nodeCount: number, estimateRttMs: (i: number, j: number) => number): number {
  if (nodeCount > matrix.n) throw new RangeError(`${nodeCount} nodes but the matrix has ${matrix.n} rows`);
  const errors: number[] = [];
  for (let i = 0; i < nodeCount; i++) {
    for (let j = i + 1; j < nodeCount; j++) {
      const rttMs = rttMsOf(matrix, i, j);
      if (rttMs > 0) errors.push(Math.abs(estimateRttMs(i, j) - rttMs) / rttMs);
    }
  }
  if (errors.length === 0) throw new RangeError('no pair with a positive RTT');
  errors.sort((a, b) => a - b);
  const mid = errors.length >> 1;
  return errors.length % 2 === 1 ? errors[mid] : (errors[mid - 1] + errors[mid]) / 2;
}

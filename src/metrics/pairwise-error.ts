import type { PairSample } from './pair-sample.js';
import { quantileOfSorted } from './stats.js';

/**
 * Relative errors |estimate - truth| / truth over a sample of pairs. Pairs whose truth or
 * estimate is not a finite positive number (a node down, no path) are left out: they have no
 * ground truth to be measured against.
 */
export function relativeErrors(
  pairs: PairSample,
  estimateMs: (a: number, b: number) => number,
  truthMs: (a: number, b: number) => number,
): Float64Array {
  const out = new Float64Array(pairs.a.length);
  let k = 0;
  for (let p = 0; p < pairs.a.length; p++) {
    const a = pairs.a[p];
    const b = pairs.b[p];
    const truth = truthMs(a, b);
    if (!(truth > 0) || !Number.isFinite(truth)) continue;
    const estimate = estimateMs(a, b);
    if (!Number.isFinite(estimate)) continue;
    out[k++] = Math.abs(estimate - truth) / truth;
  }
  return out.subarray(0, k);
}

export interface ErrorSummary {
  readonly median: number;
  readonly p90: number;
  readonly pairs: number;
}

export function summariseErrors(errors: Float64Array): ErrorSummary {
  const sorted = Float64Array.from(errors).sort();
  return { median: quantileOfSorted(sorted, 0.5), p90: quantileOfSorted(sorted, 0.9), pairs: errors.length };
}

import type { Random } from '../kernel/random.js';

/** Pairs (i, j), i != j, as two parallel arrays. */
export interface PairSample {
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** True when the sample is every unordered pair (i < j). */
  readonly exhaustive: boolean;
}

/**
 * Every unordered pair when there are at most `pairsMax` of them; otherwise `pairsMax` pairs
 * drawn uniformly (with replacement, i != j) from `rng`, once, so that every measurement of a
 * run looks at the same pairs.
 */
export function samplePairs(n: number, pairsMax: number, rng: Random): PairSample {
  const total = (n * (n - 1)) / 2;
  if (total <= pairsMax) {
    const a = new Int32Array(total);
    const b = new Int32Array(total);
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        a[k] = i;
        b[k] = j;
        k++;
      }
    }
    return { a, b, exhaustive: true };
  }
  const a = new Int32Array(pairsMax);
  const b = new Int32Array(pairsMax);
  for (let k = 0; k < pairsMax; k++) {
    const i = rng.int(n);
    let j = rng.int(n - 1);
    if (j >= i) j++;
    a[k] = i;
    b[k] = j;
  }
  return { a, b, exhaustive: false };
}

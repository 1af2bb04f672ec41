/**
 * The x scale of a sweep chart: logarithmic or linear. By default log when the swept values
 * grow geometrically (1, 2, 4, 8, 16 or 4, 16, 64, 256: on a linear axis the small values
 * crowd into the left edge), linear otherwise.
 */
export const X_SCALES = ['log', 'linear'] as const;
export type XScale = (typeof X_SCALES)[number];

/** Consecutive ratios at least this large: a doubling or more. */
const RATIO_MIN = 2;
/** "Roughly constant" ratios: the largest at most this factor above the smallest (1, 2, 5, 10 passes). */
const RATIO_SPREAD_MAX = 1.3;
/** Fewer distinct values say nothing about a progression. */
const VALUES_MIN = 3;

/**
 * The rule: at least 3 distinct values, all positive, and, sorted, every ratio between
 * consecutive values >= 2 with the largest ratio within 1.3x of the smallest.
 */
export function isGeometric(values: readonly number[]): boolean {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length < VALUES_MIN || sorted[0] <= 0 || !sorted.every(Number.isFinite)) return false;
  const ratios = sorted.slice(1).map((v, i) => v / sorted[i]);
  const smallest = Math.min(...ratios);
  return smallest >= RATIO_MIN && Math.max(...ratios) <= smallest * RATIO_SPREAD_MAX;
}

/** The scale asked for, else the default for these values. */
export function chooseXScale(values: readonly number[], asked: XScale | undefined): XScale {
  return asked ?? (isGeometric(values) ? 'log' : 'linear');
}

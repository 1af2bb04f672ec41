import { randomStream } from '../kernel/random.js';
import type { RttMatrix } from './types.js';

/**
 * What `luc topo info` prints for a measured RTT matrix, as pure functions: its size, how much
 * is missing, how asymmetric the two measurements of a pair are, and how often the triangle
 * inequality fails (the reason no metric space, Vivaldi's included, fits real RTTs exactly).
 */
export interface MatrixInfo {
  readonly name: string;
  readonly n: number;
  /** Off-diagonal cells, and those the file marks as missing. */
  readonly cellCount: number;
  readonly missingCellCount: number;
  /** Unordered pairs, those measured in neither direction (their delays are fills), and in both. */
  readonly pairCount: number;
  readonly unmeasuredPairCount: number;
  readonly bothWaysPairCount: number;
  /** Among pairs measured both ways: those whose two RTTs differ, by more than 10%, and |a - b| / max(a, b) quantiles. */
  readonly asymmetricPairCount: number;
  readonly asymmetricOver10PctPairCount: number;
  readonly asymmetryRelMedian: number;
  readonly asymmetryRelP90: number;
  /** The pair's RTT (mean of its measured directions), over measured pairs, in ms. */
  readonly rttMsMedian: number;
  readonly rttMsMax: number;
  readonly triangles: TriangleViolations;
}

export interface TriangleViolations {
  /** Triples of hosts whose three pairs are measured, checked (all of them, or a sample). */
  readonly checked: number;
  /** Those where one side is longer than the other two together. */
  readonly violating: number;
  readonly exact: boolean;
}

/** Beyond this many triples (n of about 1,060), a seeded sample of this many is checked. */
export const TRIPLES_EXACT_MAX = 200_000_000;

export function matrixInfo(matrix: RttMatrix): MatrixInfo {
  const { n, rttUs } = matrix;
  const pairUs = new Float64Array(n * n); // mean of the measured directions, NaN if neither
  let missingCellCount = 0;
  let unmeasuredPairCount = 0;
  const asymmetry: number[] = [];
  let asymmetricPairCount = 0;
  let over10 = 0;
  const pairRtts: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = rttUs[i * n + j];
      const b = rttUs[j * n + i];
      missingCellCount += (Number.isNaN(a) ? 1 : 0) + (Number.isNaN(b) ? 1 : 0);
      let pair = NaN;
      if (Number.isNaN(a) && Number.isNaN(b)) unmeasuredPairCount++;
      else if (Number.isNaN(a) || Number.isNaN(b)) pair = Number.isNaN(a) ? b : a;
      else {
        pair = (a + b) / 2;
        const rel = a === b ? 0 : Math.abs(a - b) / Math.max(a, b);
        asymmetry.push(rel);
        if (rel > 0) asymmetricPairCount++;
        if (rel > 0.1) over10++;
      }
      pairUs[i * n + j] = pair;
      pairUs[j * n + i] = pair;
      if (!Number.isNaN(pair)) pairRtts.push(pair / 1000);
    }
  }
  asymmetry.sort((x, y) => x - y);
  pairRtts.sort((x, y) => x - y);
  return {
    name: matrix.name,
    n,
    cellCount: n * (n - 1),
    missingCellCount,
    pairCount: (n * (n - 1)) / 2,
    unmeasuredPairCount,
    bothWaysPairCount: asymmetry.length,
    asymmetricPairCount,
    asymmetricOver10PctPairCount: over10,
    asymmetryRelMedian: quantile(asymmetry, 0.5),
    asymmetryRelP90: quantile(asymmetry, 0.9),
    rttMsMedian: quantile(pairRtts, 0.5),
    rttMsMax: pairRtts.length === 0 ? NaN : pairRtts[pairRtts.length - 1],
    triangles: triangleViolations(n, pairUs),
  };
}

/** Nearest-rank quantile of sorted values (NaN when empty). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function triangleViolations(n: number, pairUs: Float64Array): TriangleViolations {
  const triples = (n * (n - 1) * (n - 2)) / 6;
  let checked = 0;
  let violating = 0;
  const check = (i: number, j: number, k: number): void => {
    const x = pairUs[i * n + j];
    const y = pairUs[j * n + k];
    const z = pairUs[i * n + k];
    if (Number.isNaN(x) || Number.isNaN(y) || Number.isNaN(z)) return;
    checked++;
    if (x > y + z || y > x + z || z > x + y) violating++;
  };
  if (triples <= TRIPLES_EXACT_MAX) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) for (let k = j + 1; k < n; k++) check(i, j, k);
    return { checked, violating, exact: true };
  }
  const rng = randomStream(1, 'topo-info.triangles');
  for (let s = 0; s < TRIPLES_EXACT_MAX / 10; s++) {
    const i = rng.int(n);
    const j = rng.int(n);
    const k = rng.int(n);
    if (i !== j && j !== k && i !== k) check(i, j, k);
  }
  return { checked, violating, exact: false };
}

export function formatMatrixInfo(info: MatrixInfo, unit: string): string {
  const count = (x: number): string => x.toLocaleString('en-US');
  const percent = (part: number, whole: number): string => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);
  const t = info.triangles;
  return [
    `matrix ${info.name} (values read as ${unit})`,
    `  size: ${info.n} x ${info.n}, ${count(info.pairCount)} pairs`,
    `  missing: ${count(info.missingCellCount)} of ${count(info.cellCount)} cells (${percent(info.missingCellCount, info.cellCount)}); ` +
      `${count(info.unmeasuredPairCount)} pairs measured in neither direction (${percent(info.unmeasuredPairCount, info.pairCount)}), filled for delivery, never scored`,
    `  asymmetry: ${count(info.asymmetricPairCount)} of ${count(info.bothWaysPairCount)} pairs measured both ways differ (${percent(info.asymmetricPairCount, info.bothWaysPairCount)}), ` +
      `${count(info.asymmetricOver10PctPairCount)} by more than 10%; |a - b| / max(a, b): median ${(100 * info.asymmetryRelMedian).toFixed(2)}%, p90 ${(100 * info.asymmetryRelP90).toFixed(2)}%`,
    `  RTT of a pair (mean of its measured directions): median ${info.rttMsMedian.toFixed(3)} ms, max ${info.rttMsMax.toFixed(3)} ms`,
    `  triangle inequality: ${count(t.violating)} of ${count(t.checked)} ${t.exact ? '' : 'sampled '}triples of measured pairs violate it (${percent(t.violating, t.checked)}; ` +
      `${percent(t.violating, 3 * t.checked)} of their inequalities, as a triple breaks at most one of its three)`,
    '',
  ].join('\n');
}

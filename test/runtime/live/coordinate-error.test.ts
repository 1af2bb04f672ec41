import { describe, expect, it } from 'vitest';
import type { RttMatrix } from '../../../src/platform/types.js';
import { medianRelativeError } from '../../../src/runtime/live/coordinate-error.js';

const ms = (rows: number[][]): RttMatrix => ({ name: 'm', n: rows.length, labels: rows.map((_, i) => String(i)), rttUs: Float64Array.from(rows.flat().map((v) => v * 1000)) });

describe('medianRelativeError', () => {
  it('is the median over all pairs of |estimate - rtt| / rtt', () => {
    const matrix = ms([
      [0, 10, 20],
      [10, 0, 40],
      [20, 40, 0],
    ]);
    // Pair errors: (0,1) 10%, (0,2) 50%, (1,2) 25% -> median 25%.
    const estimates: Record<string, number> = { '0,1': 11, '0,2': 30, '1,2': 30 };
    expect(medianRelativeError(matrix, 3, (i, j) => estimates[`${i},${j}`])).toBeCloseTo(0.25, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { quantile } from '../../../src/metrics/stats.js';
import { quantileOfCounts } from '../../../src/scenario/probes/replication-probe.js';

describe('quantileOfCounts', () => {
  it('equals quantile on the samples listed, for q in 0, 0.5, 0.95, 1', () => {
    const samples = [27.5, 27.5, 27.5, 3, 1200, 46.4, 46.4, 3, 27.5, 900.25];
    const counts = new Map<number, number>();
    for (const s of samples) counts.set(s, (counts.get(s) ?? 0) + 1);
    for (const q of [0, 0.5, 0.95, 1]) expect(quantileOfCounts(counts, q)).toBe(quantile(samples, q));
  });
});

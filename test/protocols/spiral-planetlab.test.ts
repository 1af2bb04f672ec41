import { describe, expect, it } from 'vitest';
import { PLANETLAB_490_PATH } from '../../src/bench/vivaldi-harness.js';
import { defaultSpiralBenchConfig, learningCurve, mean, median, runSpiralOnMatrix, scoreOutcome, vivaldiOnlyScores } from '../../src/bench/spiral.bench.js';
import { loadRttMatrix } from '../../src/platform/rtt-matrix.js';

describe('spiral search on planetlab-490', () => {
  it('after 1,000 searches on converged 8-D+h Vivaldi: median excess of the closest found <= 5 ms and recall@10 >= 0.8, beating coordinates alone', () => {
    const matrix = loadRttMatrix(PLANETLAB_490_PATH, { unit: 'ms' });
    const run = runSpiralOnMatrix({ matrix, config: defaultSpiralBenchConfig, seed: 1, convergeRounds: 300, searches: 1000, searchIntervalMs: 1000 });
    expect(run.outcomes).toHaveLength(1000);
    expect(run.outcomes.every((o) => o.completed)).toBe(true);
    const scores = run.outcomes.map((o) => scoreOutcome(matrix, o, 10));
    const last = scores.slice(-300);
    expect(median(last.map((s) => s.excessMs))).toBeLessThanOrEqual(5);
    expect(mean(last.map((s) => s.recall))).toBeGreaterThanOrEqual(0.8);
    const curve = learningCurve(scores, 100);
    expect(mean(last.map((s) => s.recall))).toBeGreaterThan(curve[0].meanRecall);
    const baseline = vivaldiOnlyScores(matrix, run.coords, 10);
    expect(mean(last.map((s) => s.recall))).toBeGreaterThan(mean(baseline.map((s) => s.recall)));
    expect(median(last.map((s) => s.excessMs))).toBeLessThanOrEqual(median(baseline.map((s) => s.excessMs)));
  });
});

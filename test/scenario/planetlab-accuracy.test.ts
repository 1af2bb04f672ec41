import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { ROOT } from '../support/dist-build.js';

const PLANETLAB = join(ROOT, 'scenarios/planetlab-vivaldi.yaml');

/** The bundled scenario through the real simulator; error of the nodes' coordinates against the matrix. */
function finalError(dimensions: number): { median: number; p90: number } {
  const scenario = loadScenario(PLANETLAB, [`protocols.vivaldi.dimensions=${dimensions}`, 'metrics.intervalS=500']);
  expect(scenario.durationS * 1000 / scenario.protocols.vivaldi!.periodMs).toBe(500); // 500 rounds
  const finals = runScenario(scenario, PLANETLAB).series.finalValues();
  expect(finals['vivaldi.pairs_measured']).toBe((490 * 489) / 2); // every pair
  return { median: finals['vivaldi.median_rel_error'], p90: finals['vivaldi.p90_rel_error'] };
}

describe('Vivaldi on planetlab-490 (measured RTTs), 500 rounds, all 119,805 pairs', () => {
  it('converges below 11% median relative error with 2-D + height (plain implementation: 12.0%)', () => {
    const { median, p90 } = finalError(2);
    expect(median).toBeLessThanOrEqual(0.11);
    expect(p90).toBeLessThan(0.5);
  });

  it('converges below 9% median relative error with 8-D + height (plain implementation: 9.4%)', () => {
    const { median } = finalError(8);
    expect(median).toBeLessThanOrEqual(0.09);
  });
});

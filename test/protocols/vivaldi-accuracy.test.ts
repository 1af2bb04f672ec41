import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLANETLAB_490_PATH, loadRttMatrix, runVivaldiOnMatrix } from '../../src/bench/vivaldi-harness.js';
import { defaultGossipConfig, defaultVivaldiConfig } from '../../src/protocols/index.js';

const SEED = 1;
const ROUNDS = 500;

// The matrix lives in the shared data folder; without it there is nothing to measure against.
describe.skipIf(!existsSync(PLANETLAB_490_PATH))('Vivaldi with the tuned defaults on planetlab-490', () => {
  const matrix = existsSync(PLANETLAB_490_PATH) ? loadRttMatrix(PLANETLAB_490_PATH) : { n: 0, rttMs: new Float64Array() };

  const run = (dimensions: number) => {
    const config = { gossip: defaultGossipConfig, vivaldi: { ...defaultVivaldiConfig, dimensions } };
    const stats = runVivaldiOnMatrix({ matrix, config, rounds: ROUNDS, seed: SEED });
    console.log(`seed=${SEED} ${dimensions}-D+h after ${ROUNDS} rounds: median ${(100 * stats.median).toFixed(2)}%, p90 ${(100 * stats.p90).toFixed(2)}%`);
    return stats;
  };

  it('converges below 11% median relative error in 2-D + height within 500 rounds', { timeout: 60_000 }, () => {
    expect(run(2).median).toBeLessThanOrEqual(0.11);
  });

  it('converges below 9% median relative error in 8-D + height within 500 rounds', { timeout: 60_000 }, () => {
    expect(run(8).median).toBeLessThanOrEqual(0.09);
  });
});

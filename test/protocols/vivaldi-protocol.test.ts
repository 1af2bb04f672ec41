import { describe, expect, it } from 'vitest';
import { MatrixHarness, relativeErrorStats, runVivaldiOnMatrix } from '../../src/bench/vivaldi-harness.js';
import { GOSSIP, VIVALDI, defaultGossipConfig, defaultVivaldiConfig, vivaldiStack, GossipProtocol, VivaldiProtocol } from '../../src/protocols/index.js';
import { planeMatrix } from './matrix.js';

const config = { gossip: defaultGossipConfig, vivaldi: { ...defaultVivaldiConfig, dimensions: 2 } };

describe('VivaldiProtocol', () => {
  it('builds gossip then vivaldi, and hands the instances back by name', () => {
    const names: string[] = [];
    const harness = new MatrixHarness({ matrix: planeMatrix(3, 1), seed: 1, bootstrapCount: 1, spikeProbability: 0 }, (contextFor) => {
      const stack = vivaldiStack(config)((name) => {
        names.push(name);
        return contextFor(name);
      });
      expect([...stack.keys()]).toEqual([GOSSIP, VIVALDI]);
      return stack;
    });
    expect(names.slice(0, 2)).toEqual([GOSSIP, VIVALDI]);
    expect(harness.protocolOf(0, GOSSIP)).toBeInstanceOf(GossipProtocol);
    expect(harness.protocolOf(0, VIVALDI)).toBeInstanceOf(VivaldiProtocol);
  });

  it('learns a 2-D plane of 60 nodes to under 3% median relative error in 300 rounds', () => {
    const stats = runVivaldiOnMatrix({ matrix: planeMatrix(60, 2), config, rounds: 300, seed: 2 });
    expect(stats.median).toBeLessThan(0.03);
  });

  it('gives the same coordinates for the same seed and different ones for another seed', () => {
    const matrix = planeMatrix(30, 3);
    const a = runVivaldiOnMatrix({ matrix, config, rounds: 50, seed: 9 }).coords;
    const b = runVivaldiOnMatrix({ matrix, config, rounds: 50, seed: 9 }).coords;
    const c = runVivaldiOnMatrix({ matrix, config, rounds: 50, seed: 10 }).coords;
    expect(b.map((x) => [...x.vec, x.heightMs])).toEqual(a.map((x) => [...x.vec, x.heightMs]));
    expect(c.map((x) => [...x.vec, x.heightMs])).not.toEqual(a.map((x) => [...x.vec, x.heightMs]));
  });

  it('shrugs off queueing spikes on 10% of messages thanks to the median filter', () => {
    const matrix = planeMatrix(60, 4);
    const spiky = (filterSamples: number) =>
      runVivaldiOnMatrix({ matrix, config: { ...config, vivaldi: { ...config.vivaldi, filterSamples } }, rounds: 300, seed: 4, spikeProbability: 0.1 });
    const filtered = spiky(3);
    expect(filtered.median).toBeLessThan(0.06);
    expect(filtered.median).toBeLessThan(spiky(1).median);
  });

  it('measures RTTs on its own clock: two nodes 80 ms apart estimate 80 ms', () => {
    const matrix = { name: 'two', n: 2, labels: ['a', 'b'], rttUs: Float64Array.from([0, 80_000, 80_000, 0]) };
    const harness = new MatrixHarness({ matrix, seed: 1, bootstrapCount: 1, spikeProbability: 0 }, vivaldiStack(config));
    harness.runUntil(200 * config.vivaldi.periodMs);
    const [a, b] = [0, 1].map((id) => harness.protocolOf<VivaldiProtocol>(id, VIVALDI));
    expect(a.estimateRttMs(b.coordinate())).toBeCloseTo(80, 1);
    expect(relativeErrorStats(matrix, [a.coordinate(), b.coordinate()]).median).toBeLessThan(0.01);
  });
});

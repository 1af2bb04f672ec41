import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { randomStream } from '../../src/kernel/random.js';

describe('randomStream', () => {
  it('gives the same numbers for the same (seed, name, node) and different ones otherwise', () => {
    const draw = (seed: number, name: string, node?: number): number[] => {
      const rng = randomStream(seed, name, node);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(1, 'vivaldi', 3)).toEqual(draw(1, 'vivaldi', 3));
    expect(draw(1, 'vivaldi', 3)).not.toEqual(draw(2, 'vivaldi', 3));
    expect(draw(1, 'vivaldi', 3)).not.toEqual(draw(1, 'gossip', 3));
    expect(draw(1, 'vivaldi', 3)).not.toEqual(draw(1, 'vivaldi', 4));
  });

  it('is not shifted by another consumer drawing from its own stream', () => {
    const alone = randomStream(9, 'a').next();
    const other = randomStream(9, 'b');
    for (let i = 0; i < 100; i++) other.next();
    expect(randomStream(9, 'a').next()).toBe(alone);
  });

  it('draws integers in range, normals with mean ~0 and sd ~1, exponentials with the given mean', () => {
    const rng = randomStream(3, 'dist');
    const n = 50_000;
    let sum = 0;
    let sumSq = 0;
    let expSum = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.int(7);
      expect(k >= 0 && k < 7 && Number.isInteger(k)).toBe(true);
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      expSum += rng.exponential(250);
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(sumSq / n) - 1)).toBeLessThan(0.02);
    expect(Math.abs(expSum / n - 250)).toBeLessThan(5);
  });

  it('draws exactly the numbers of seedrandom alea for the stream key (10,000 draws)', () => {
    const ours = randomStream(42, 'vivaldi', 7);
    const reference = seedrandom.alea('42/vivaldi/7');
    for (let k = 0; k < 10_000; k++) expect(ours.next()).toBe(reference());
  });
});

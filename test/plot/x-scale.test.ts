import { describe, expect, it } from 'vitest';
import { chooseXScale, isGeometric } from '../../src/plot/x-scale.js';

describe('the x scale of sweep charts', () => {
  it('is log for values that grow geometrically by 2 or more per step', () => {
    expect(chooseXScale([1, 2, 4, 8, 16], undefined)).toBe('log');
    expect(chooseXScale([256, 4, 64, 16], undefined)).toBe('log'); // order given does not matter
    expect(chooseXScale([10, 100, 1000], undefined)).toBe('log');
    expect(isGeometric([1, 2, 5, 10])).toBe(true); // ratios 2, 2.5, 2: within 1.3x
    expect(isGeometric([0.001, 0.01, 0.1])).toBe(true);
  });

  it('is linear for arithmetic steps, slow or uneven growth, fewer than 3 values, or a value at or below 0', () => {
    expect(chooseXScale([1, 2, 3, 4], undefined)).toBe('linear');
    expect(isGeometric([2, 3, 5])).toBe(false); // ratios below 2
    expect(isGeometric([1, 2, 4, 100])).toBe(false); // ratios 2, 2, 25: not constant
    expect(isGeometric([1, 10])).toBe(false);
    expect(isGeometric([4, 4, 8])).toBe(false); // two distinct values
    expect(isGeometric([0, 1, 2, 4])).toBe(false);
    expect(isGeometric([-8, -4, -2])).toBe(false);
  });

  it('is the scale asked for when one is', () => {
    expect(chooseXScale([1, 2, 4, 8, 16], 'linear')).toBe('linear');
    expect(chooseXScale([1, 2, 3, 4], 'log')).toBe('log');
  });
});

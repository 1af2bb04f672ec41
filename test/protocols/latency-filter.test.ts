import { describe, expect, it } from 'vitest';
import { LatencyFilter, median } from '../../src/protocols/vivaldi/latency-filter.js';

describe('LatencyFilter', () => {
  it('returns the median of the last 3 samples per peer, so one 500 ms spike is ignored', () => {
    const filter = new LatencyFilter(3, 8);
    expect(filter.push(1, 40)).toBe(40);
    expect(filter.push(1, 500)).toBe(270); // two samples: mean of the middle pair
    expect(filter.push(1, 42)).toBe(42);
    expect(filter.push(1, 41)).toBe(42); // window 500, 42, 41
    expect(filter.push(1, 43)).toBe(42); // window 42, 41, 43
    expect(filter.filteredMs(1)).toBe(42);
  });

  it('keeps peers apart', () => {
    const filter = new LatencyFilter(3, 8);
    filter.push(1, 10);
    filter.push(2, 90);
    expect(filter.filteredMs(1)).toBe(10);
    expect(filter.filteredMs(2)).toBe(90);
  });

  it('remembers at most peersMax peers, forgetting the least recently heard', () => {
    const filter = new LatencyFilter(3, 2);
    filter.push(1, 10);
    filter.push(2, 20);
    filter.push(1, 11); // 1 is now the most recent
    filter.push(3, 30);
    expect(filter.size).toBe(2);
    expect(filter.filteredMs(2)).toBeUndefined();
    expect(filter.filteredMs(1)).toBe(10.5);
    expect(filter.filteredMs(3)).toBe(30);
  });

  it('median handles odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

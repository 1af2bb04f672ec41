import { describe, expect, it } from 'vitest';
import { scoreSearch, trueSuccessorIndex } from '../../src/metrics/ground-truth.js';

describe('scoreSearch', () => {
  const rtt = (j: number): number => [0, 5, 7, 9, 20, 30][j];
  const candidates = [1, 2, 3, 4, 5];

  it('gives 0 ms excess and full recall when the true k nearest are found', () => {
    expect(scoreSearch([2, 1], candidates, rtt, 2)).toEqual({ excessMs: 0, recall: 1 });
  });

  it('measures the excess of the closest node found over the true closest, in ms', () => {
    expect(scoreSearch([4, 3], candidates, rtt, 2)).toEqual({ excessMs: 4, recall: 0 });
  });

  it('leaves out a found node without a true RTT (a pair a measured matrix lacks): the excess is over the scored ones', () => {
    const holey = (j: number): number => (j === 6 ? NaN : rtt(j));
    expect(scoreSearch([6, 3], candidates, holey, 2)).toEqual({ excessMs: 4, recall: 0 });
    expect(scoreSearch([6], candidates, holey, 2).excessMs).toBe(Infinity);
  });

  it('counts recall over the first k found only', () => {
    expect(scoreSearch([3, 5, 1], candidates, rtt, 2).recall).toBe(0);
    expect(scoreSearch([1, 5, 2], candidates, rtt, 3).recall).toBeCloseTo(2 / 3, 12);
  });
});

describe('trueSuccessorIndex', () => {
  const ids = Float64Array.from([10, 20, 30]);
  it('is the first id at or after the key, wrapping past the largest', () => {
    expect(trueSuccessorIndex(ids, 10)).toBe(0);
    expect(trueSuccessorIndex(ids, 11)).toBe(1);
    expect(trueSuccessorIndex(ids, 30)).toBe(2);
    expect(trueSuccessorIndex(ids, 31)).toBe(0);
    expect(trueSuccessorIndex(ids, 0)).toBe(0);
  });
});

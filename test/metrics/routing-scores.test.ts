import { describe, expect, it } from 'vitest';
import { routingCurve, scoreRequest } from '../../src/metrics/routing-scores.js';

/** Nodes on a line at x = id * 10 ms one way. */
const line = (a: number, b: number): number => Math.abs(a - b) * 10;

describe('routing scores', () => {
  it('counts hops and a stretch of path latency over direct latency', () => {
    const s = scoreRequest({ source: 0, target: 2, path: [0, 3, 2], delivered: true }, line);
    expect(s).toEqual({ delivered: true, hops: 2, pathLatencyMs: 40, stretch: 2 });
  });

  it('scores a request that did not end at its target as undelivered, with no stretch', () => {
    const s = scoreRequest({ source: 0, target: 5, path: [0, 1, 2], delivered: true }, line);
    expect(s.delivered).toBe(false);
    expect(s.stretch).toBeNaN();
  });

  it('gives success rate, mean hops and stretch per block of requests in serving order', () => {
    const scores = [
      scoreRequest({ source: 0, target: 1, path: [0, 1], delivered: true }, line),
      scoreRequest({ source: 0, target: 2, path: [0], delivered: false }, line),
      scoreRequest({ source: 0, target: 2, path: [0, 3, 2], delivered: true }, line),
    ];
    const curve = routingCurve(scores, 2);
    expect(curve).toHaveLength(2);
    expect(curve[0]).toMatchObject({ requestsBefore: 0, requests: 2, successRate: 0.5, meanHops: 1, meanStretch: 1 });
    expect(curve[1]).toMatchObject({ requestsBefore: 2, requests: 1, successRate: 1, meanHops: 2, meanStretch: 2 });
    expect(() => routingCurve(scores, 0)).toThrow(RangeError);
  });
});

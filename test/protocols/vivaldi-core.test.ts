import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import {
  type Coordinate,
  type VivaldiParams,
  type VivaldiState,
  distanceMs,
  originCoordinate,
  vivaldiUpdate,
} from '../../src/protocols/vivaldi/vivaldi-core.js';

/** The published update, with none of the refinements. */
const published: VivaldiParams = { cc: 0.25, ce: 0.25, errorMax: 1.5, heightMinMs: 0, useHeight: true, gravityRhoMs: 0, forceReferenceMs: 0, timestepMax: 1 };

const at = (vec: number[], heightMs = 0): Coordinate => ({ vec, heightMs });

describe('vivaldiUpdate', () => {
  it('moves a 2-D point by cc*w*(rtt - dist) along the spring (hand-computed step)', () => {
    const state: VivaldiState = { coord: at([0, 0]), error: 0.5 };
    const next = vivaldiUpdate(state, { coord: at([3, 4]), error: 0.5, rttMs: 10 }, { ...published, useHeight: false }, randomStream(1, 't'));
    // dist 5, w 0.5, step 0.25*0.5*5 = 0.625 along (-3,-4)/5; es 0.5 so the error stays 0.5.
    expect(next.coord.vec[0]).toBeCloseTo(-0.375, 12);
    expect(next.coord.vec[1]).toBeCloseTo(-0.5, 12);
    expect(next.error).toBeCloseTo(0.5, 12);
  });

  it('gives the height its share (hi + hj) / dist of the move (hand-computed step with heights)', () => {
    const state: VivaldiState = { coord: at([0, 0], 1), error: 0.5 };
    const next = vivaldiUpdate(state, { coord: at([3, 4], 2), error: 0.5, rttMs: 10 }, published, randomStream(1, 't'));
    // dist 5 + 1 + 2 = 8, step 0.125 * 2 = 0.25; vector share (-3,-4)/8, height share 3/8.
    expect(next.coord.vec[0]).toBeCloseTo(-0.09375, 12);
    expect(next.coord.vec[1]).toBeCloseTo(-0.125, 12);
    expect(next.coord.heightMs).toBeCloseTo(1.09375, 12);
    // es = 2/10: ei = 0.2*0.25*0.5 + 0.5*(1 - 0.125) = 0.4625.
    expect(next.error).toBeCloseTo(0.4625, 12);
  });

  it('brings two nodes to within 0.1 ms of a 50 ms RTT in 200 exchanges', () => {
    const rng = randomStream(7, 'converge');
    let a: VivaldiState = { coord: originCoordinate(3, 0.01), error: 1.5 };
    let b: VivaldiState = { coord: originCoordinate(3, 0.01), error: 1.5 };
    for (let k = 0; k < 200; k++) {
      const aBefore = a;
      a = vivaldiUpdate(a, { coord: b.coord, error: b.error, rttMs: 50 }, { ...published, heightMinMs: 0.01 }, rng);
      b = vivaldiUpdate(b, { coord: aBefore.coord, error: aBefore.error, rttMs: 50 }, { ...published, heightMinMs: 0.01 }, rng);
    }
    expect(Math.abs(distanceMs(a.coord, b.coord) - 50)).toBeLessThan(0.1);
    expect(a.error).toBeLessThan(0.01);
  });

  it('never lets a height fall below heightMinMs, over 2000 random samples', () => {
    const rng = randomStream(3, 'heights');
    const params = { ...published, heightMinMs: 0.01, forceReferenceMs: 100, timestepMax: 0.25 };
    let state: VivaldiState = { coord: at([0, 0], 40), error: 1 };
    for (let k = 0; k < 2000; k++) {
      const peer = at([rng.normal() * 50, rng.normal() * 50], rng.next() * 30);
      state = vivaldiUpdate(state, { coord: peer, error: rng.next(), rttMs: 0.1 + rng.next() * 20 }, params, rng);
      expect(state.coord.heightMs).toBeGreaterThanOrEqual(0.01);
    }
  });

  it('separates coincident points along a random unit vector by the full step', () => {
    const state: VivaldiState = { coord: at([1, 1, 1], 0), error: 0.5 };
    const next = vivaldiUpdate(state, { coord: at([1, 1, 1], 0), error: 0.5, rttMs: 8 }, published, randomStream(1, 'c'));
    // dist 0, step 0.125 * 8 = 1 ms, all of it in the vector.
    expect(distanceMs(next.coord, at([1, 1, 1], 0))).toBeCloseTo(1, 12);
    expect(next.coord.heightMs).toBe(0);
  });

  it('scales the step by forceReferenceMs / rtt, capped at timestepMax', () => {
    const state: VivaldiState = { coord: at([0]), error: 0.5 };
    const sample = { coord: at([5]), error: 0.5, rttMs: 10 };
    const params = { ...published, useHeight: false, forceReferenceMs: 20, timestepMax: 1 };
    // factor 0.25 * 0.5 * 20/10 = 0.25: the point moves 0.25 * 5 ms away.
    expect(vivaldiUpdate(state, sample, params, randomStream(1, 'r')).coord.vec[0]).toBeCloseTo(-1.25, 12);
    // capped at 0.1: 0.5 ms.
    expect(vivaldiUpdate(state, sample, { ...params, timestepMax: 0.1 }, randomStream(1, 'r')).coord.vec[0]).toBeCloseTo(-0.5, 12);
  });

  it('caps the error estimate at errorMax', () => {
    const state: VivaldiState = { coord: at([0]), error: 1.5 };
    const next = vivaldiUpdate(state, { coord: at([1000]), error: 0.01, rttMs: 1 }, { ...published, useHeight: false }, randomStream(1, 'e'));
    expect(next.error).toBe(1.5);
  });

  it('pulls a point towards the origin with gravity', () => {
    const state: VivaldiState = { coord: at([100, 0]), error: 0.5 };
    const sample = { coord: at([90, 0]), error: 0.5, rttMs: 10 };
    const withGravity = vivaldiUpdate(state, sample, { ...published, useHeight: false, gravityRhoMs: 100 }, randomStream(1, 'g'));
    expect(withGravity.coord.vec[0]).toBeCloseTo(99, 12); // no spring force, pull (100/100)^2 = 1 ms
  });

  it('rejects a non-positive RTT', () => {
    const state: VivaldiState = { coord: at([0]), error: 0.5 };
    expect(() => vivaldiUpdate(state, { coord: at([1]), error: 0.5, rttMs: 0 }, published, randomStream(1, 'x'))).toThrow(RangeError);
  });
});

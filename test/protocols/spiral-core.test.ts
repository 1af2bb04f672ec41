import { describe, expect, it } from 'vitest';
import {
  CloseSet,
  defaultSpiralConfig,
  mergeSpiralView,
  nextHop,
  rankResult,
  spiralConverged,
  validateSpiralConfig,
  type SpiralCandidate,
} from '../../src/protocols/spiral/index.js';

const at = (peer: number, x: number): SpiralCandidate => ({ peer, vec: [x, 0], heightMs: 0 });
const target = { vec: [0, 0], heightMs: 0 };

describe('spiral core', () => {
  it('merges views into the n closest to the initiator, without duplicates and never the initiator', () => {
    const a = [at(1, 5), at(2, 1), at(9, 0)];
    const b = [at(2, 1), at(3, 3), at(4, 50)];
    const view = mergeSpiralView(target, 9, [a, b], { viewSize: 3, farCount: 0 });
    expect(view.map((c) => c.peer)).toEqual([2, 3, 1]);
  });

  it('forces the farthest candidates into the last farCount slots once the pool overflows', () => {
    const pool = [at(1, 1), at(2, 2), at(3, 3), at(4, 4), at(5, 100), at(6, 90)];
    const view = mergeSpiralView(target, 0, [pool], { viewSize: 4, farCount: 1 });
    expect(view.map((c) => c.peer)).toEqual([1, 2, 3, 5]);
    expect(mergeSpiralView(target, 0, [pool.slice(0, 3)], { viewSize: 4, farCount: 1 }).map((c) => c.peer)).toEqual([1, 2, 3]);
  });

  it('breaks distance ties by id and drops coordinates of the wrong dimension', () => {
    const view = mergeSpiralView(target, 0, [[at(7, 2), at(3, 2), { peer: 4, vec: [1], heightMs: 0 }]], { viewSize: 5, farCount: 0 });
    expect(view.map((c) => c.peer)).toEqual([3, 7]);
  });

  it('goes next to the closest unvisited node and stops once the k closest are visited', () => {
    const view = [at(1, 1), at(2, 2), at(3, 3), at(4, 4)];
    expect(nextHop(view, [1])).toBe(2);
    expect(nextHop(view, [1, 2, 3, 4])).toBe(-1);
    expect(spiralConverged(view, [2, 1], 2)).toBe(true);
    expect(spiralConverged(view, [1, 3], 2)).toBe(false);
  });

  it('ranks probed nodes by measured RTT ahead of the rest of the view', () => {
    const view = [at(1, 1), at(2, 2), at(3, 3), at(4, 4)];
    expect(rankResult(view, new Map([[3, 2.5], [1, 7]]), 3)).toEqual([3, 1, 2]);
  });

  it('keeps a close set bounded, without duplicates, the closest first, measured distances winning', () => {
    const set = new CloseSet(2);
    set.offer(at(1, 0), 10, false);
    set.offer(at(2, 0), 5, false);
    set.offer(at(3, 0), 20, false);
    set.offer(at(4, 0), 1, false);
    set.offer(at(4, 0), 1, false);
    expect(set.peers()).toEqual([4, 2]);
    set.offer(at(2, 0), 0.5, true);
    set.offer(at(2, 0), 30, false);
    expect(set.peers()).toEqual([2, 4]);
  });

  it('rejects a config with more results than view slots', () => {
    expect(() => validateSpiralConfig(defaultSpiralConfig)).not.toThrow();
    expect(() => validateSpiralConfig({ ...defaultSpiralConfig, resultSize: defaultSpiralConfig.viewSize + 1 })).toThrow(/resultSize/);
    expect(() => validateSpiralConfig({ ...defaultSpiralConfig, probeCount: -1 })).toThrow(/probeCount/);
  });
});

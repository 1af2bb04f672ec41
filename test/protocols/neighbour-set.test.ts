import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import { NeighbourSet } from '../../src/protocols/vivaldi/neighbour-set.js';

describe('NeighbourSet', () => {
  it('never holds more than sizeMax distinct peers and keeps the nearest and farthest measured', () => {
    const rng = randomStream(5, 'ns');
    const set = new NeighbourSet({ sizeMax: 8, closeSlots: 2, farSlots: 1, rotateProbability: 1, unansweredMax: 3 }, rng);
    for (let k = 0; k < 2000; k++) {
      const peer = rng.int(200);
      set.offer(peer, 1 + peer); // peer p is p+1 ms away
      const peers = set.peers();
      expect(peers.length).toBeLessThanOrEqual(8);
      expect(new Set(peers).size).toBe(peers.length);
    }
    const peers = set.peers();
    expect(peers).toContain(0);
    expect(peers).toContain(1);
    expect(peers).toContain(199);
  });

  it('drops a member after unansweredMax pings in a row without an answer', () => {
    const set = new NeighbourSet({ sizeMax: 1, closeSlots: 0, farSlots: 0, rotateProbability: 0, unansweredMax: 2 }, randomStream(1, 'u'));
    set.offer(7, 10);
    set.pickForPing();
    set.pickForPing();
    expect(set.has(7)).toBe(true);
    set.pickForPing();
    expect(set.has(7)).toBe(false);
  });
});

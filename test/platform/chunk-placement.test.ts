import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import { bridgeSides, oneSided, placeChunks } from '../../src/platform/chunk-placement.js';
import type { Link } from '../../src/platform/types.js';

const link = (a: number, b: number): Link => ({ a, b, latencyUs: 1000, bandwidthBps: 1e9 });

/** Two rings of random sizes with random chords, joined by one link: a backbone with exactly one bridge. */
function twoClusters(seed: number): { popCount: number; links: Link[]; left: number } {
  const rng = randomStream(seed, 'clusters');
  const left = 3 + rng.int(8);
  const right = 3 + rng.int(8);
  const links: Link[] = [];
  const ring = (first: number, size: number): void => {
    for (let i = 0; i < size; i++) links.push(link(first + i, first + ((i + 1) % size)));
    for (let c = rng.int(3); c > 0; c--) links.push(link(first + rng.int(size), first + rng.int(size)));
  };
  ring(0, left);
  ring(left, right);
  links.push(link(rng.int(left), left + rng.int(right)));
  return { popCount: left + right, links: links.filter((l) => l.a !== l.b), left };
}

describe('chunk placement', () => {
  it('puts copies on both sides of the bridge for every chunk, k = 2 and 3, on distinct PoPs (property, 30 backbones)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { popCount, links, left } = twoClusters(seed);
      const sides = bridgeSides(popCount, links);
      expect(sides.length).toBe(1);
      for (const k of [2, 3]) {
        const placement = placeChunks(popCount, links, () => true, k);
        for (let chunk = 0; chunk < 2000; chunk++) {
          const pops = [...placement.popsOf(chunk)];
          expect(new Set(pops).size).toBe(k);
          expect(oneSided(pops, sides[0]), `seed ${seed} k ${k} chunk ${chunk}: ${pops}`).toBe(false);
          expect(pops.some((p) => p < left) && pops.some((p) => p >= left)).toBe(true);
        }
      }
    }
  });

  it('spreads chunks over the ring: each PoP first for about 1 / 10 of 10,000 chunks', () => {
    const links = Array.from({ length: 10 }, (_, i) => link(i, (i + 1) % 10));
    const placement = placeChunks(10, links, () => true, 2);
    const firsts = new Array<number>(10).fill(0);
    for (let chunk = 0; chunk < 10_000; chunk++) firsts[placement.popsOf(chunk)[0]]++;
    for (const count of firsts) expect(count).toBeGreaterThan(850);
  });

  it('leaves out PoPs without hosts and caps the copies at the PoPs left', () => {
    const links = [link(0, 1), link(1, 2)];
    const placement = placeChunks(3, links, (p) => p !== 1, 3);
    expect([...placement.ring]).toEqual([0, 2]);
    expect(placement.replicas).toBe(2);
    for (let chunk = 0; chunk < 100; chunk++) expect([...placement.popsOf(chunk)].sort()).toEqual([0, 2]);
  });
});

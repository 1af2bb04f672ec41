import { describe, expect, it } from 'vitest';
import { BackboneNetwork, MatrixNetwork } from '../../src/platform/network.js';
import type { Backbone } from '../../src/platform/types.js';

// A square with a diagonal: 0-1 (1 ms), 1-2 (1 ms), 2-3 (1 ms), 3-0 (1 ms), 0-2 (5 ms).
const square: Backbone = {
  name: 'square',
  pops: ['A', 'B', 'C', 'D'].map((name) => ({ name, latitude: NaN, longitude: NaN, country: '' })),
  links: [
    { a: 0, b: 1, latencyUs: 1000, bandwidthBps: 1e10 },
    { a: 1, b: 2, latencyUs: 1000, bandwidthBps: 1e10 },
    { a: 2, b: 3, latencyUs: 1000, bandwidthBps: 1e10 },
    { a: 3, b: 0, latencyUs: 1000, bandwidthBps: 1e10 },
    { a: 0, b: 2, latencyUs: 5000, bandwidthBps: 1e10 },
  ],
};

function network(pathCacheBytesMax = 1 << 20): BackboneNetwork {
  return new BackboneNetwork(square, {
    hostsPerPop: [2, 1, 1, 1],
    intraPopLatencyUs: 50,
    nicBandwidthBps: 1e9,
    pathCacheBytesMax,
  });
}

describe('BackboneNetwork', () => {
  it('routes over the shortest path plus the intra-PoP latency', () => {
    const net = network();
    // hosts: 0,1 in A; 2 in B; 3 in C; 4 in D
    expect(net.latencyUs(0, 3)).toBe(2000 + 50); // A-B-C beats the 5 ms diagonal
    expect(net.latencyUs(0, 1)).toBe(50); // same PoP
    expect(net.latencyUs(2, 2)).toBe(0);
    expect(net.hostName(1)).toBe('A/1');
  });

  it('adds size / bandwidth to the delivery time: 1250 bytes at 1 Gb/s is 10 us', () => {
    expect(network().deliveryUs(0, 2, 1250)).toBe(1000 + 50 + 10);
  });

  it('re-routes around a link that goes down and uses it again when it comes back', () => {
    const net = network();
    expect(net.latencyUs(0, 3)).toBe(2050);
    net.markLinkDown(1, true); // B-C
    expect(net.latencyUs(0, 3)).toBe(2050); // A-D-C, same length
    net.markLinkDown(2, true); // C-D
    expect(net.latencyUs(0, 3)).toBe(5050); // only the diagonal is left
    net.markLinkDown(4, true);
    expect(net.latencyUs(0, 3)).toBe(-1); // C is cut off
    net.markLinkDown(4, false);
    expect(net.latencyUs(0, 3)).toBe(5050);
  });

  it('keeps a link down while any of two overlapping faults holds it', () => {
    const net = network();
    net.markLinkDown(4, true);
    net.markLinkDown(4, true);
    net.markLinkDown(4, false);
    expect(net.isLinkUp(4)).toBe(false);
    net.markLinkDown(4, false);
    expect(net.isLinkUp(4)).toBe(true);
    expect(() => net.markLinkDown(4, false)).toThrow(/more often/);
  });

  it('neither hosts nor forwards through a crashed PoP', () => {
    const net = network();
    net.markPopDown(1, true); // B
    expect(net.isHostUp(2)).toBe(false);
    expect(net.latencyUs(0, 3)).toBe(2050); // A-D-C
    net.markPopDown(3, true); // D as well: only the diagonal
    expect(net.latencyUs(0, 3)).toBe(5050);
    expect(net.latencyUs(0, 2)).toBe(-1);
  });

  it('gives the same answers with a path cache of a single row (LRU eviction)', () => {
    const small = network(16); // one row of 4 PoPs x 4 bytes
    const large = network();
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) expect(small.latencyUs(a, b)).toBe(large.latencyUs(a, b));
    }
    expect(small.pathComputations).toBeGreaterThan(large.pathComputations);
  });
});

describe('BackboneNetwork path rows', () => {
  it('switches from 16-bit to 32-bit rows when a path is 65.535 ms or longer, with exact answers', () => {
    const chain: Backbone = {
      name: 'chain',
      pops: ['A', 'B', 'C'].map((name) => ({ name, latitude: NaN, longitude: NaN, country: '' })),
      links: [
        { a: 0, b: 1, latencyUs: 40_000, bandwidthBps: 1e10 },
        { a: 1, b: 2, latencyUs: 40_000, bandwidthBps: 1e10 },
      ],
    };
    const net = new BackboneNetwork(chain, { hostsPerPop: [1, 1, 1], intraPopLatencyUs: 1, nicBandwidthBps: 1e9, pathCacheBytesMax: 1 << 20 });
    expect(net.latencyUs(0, 1)).toBe(40_001); // row of A: B at 40 ms, C at 80 ms: wide from the start
    expect(net.latencyUs(1, 2)).toBe(40_001);
    expect(net.latencyUs(2, 0)).toBe(80_001);
    net.markLinkDown(1, true);
    expect(net.latencyUs(0, 2)).toBe(-1);
  });
});

describe('MatrixNetwork', () => {
  it('delays a message by half the measured RTT, in whole microseconds', () => {
    const rttUs = new Float64Array([0, 1001, 1001, 0]);
    const net = new MatrixNetwork({ name: 'm', n: 2, labels: ['x', 'y'], rttUs }, 1e9);
    expect(net.latencyUs(0, 1)).toBe(501);
    expect(net.deliveryUs(1, 0, 125)).toBe(501 + 1);
    expect(net.hostName(1)).toBe('y');
  });
});

describe('BackboneNetwork path links (for bulk transfers)', () => {
  it('lists the links of the shortest path, in order, and reroutes when one goes down', () => {
    const net = network();
    // A to C: A-B-C (2 ms) or A-D-C (2 ms), never the 5 ms diagonal; ties go to the first link met.
    expect(net.pathLinks(0, 2)).toEqual([0, 1]);
    expect(net.pathLinks(2, 0)).toEqual([1, 0]);
    expect(net.pathLinks(0, 0)).toEqual([]);
    net.markLinkDown(1, true);
    expect(net.pathLinks(0, 2)).toEqual([3, 2]);
    net.markLinkDown(2, true);
    expect(net.pathLinks(0, 2)).toEqual([4]);
    net.markPopDown(2, true);
    expect(net.pathLinks(0, 2)).toBeNull();
  });
});

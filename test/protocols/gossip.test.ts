import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import { MatrixHarness } from '../../src/bench/vivaldi-harness.js';
import type { Protocol } from '../../src/runtime/context.js';
import { type GossipConfig, GossipProtocol, GossipView, defaultGossipConfig } from '../../src/protocols/gossip/index.js';
import { planeMatrix } from './matrix.js';

function gossipNetwork(n: number, seed: number, config: GossipConfig): MatrixHarness {
  return new MatrixHarness({ matrix: planeMatrix(n, seed), seed, bootstrapCount: 2, spikeProbability: 0 }, (contextFor) =>
    new Map<string, Protocol>([['gossip', new GossipProtocol(contextFor('gossip'), config)]]),
  );
}

const gossipOf = (net: MatrixHarness, id: number): GossipProtocol => net.protocolOf<GossipProtocol>(id, 'gossip');

describe('GossipProtocol', () => {
  it('never holds self or a duplicate and stays within viewSize, after every event, for 40 seeds', () => {
    const config: GossipConfig = { ...defaultGossipConfig, viewSize: 6, shuffleLength: 3, farPeers: 2, farTtlPeriods: 5 };
    for (let seed = 1; seed <= 40; seed++) {
      const n = 5 + (seed % 20);
      const net = gossipNetwork(n, seed, config);
      const check = (): void => {
        for (let id = 0; id < n; id++) {
          const g = gossipOf(net, id);
          const view = g.viewEntries().map((e) => e.peer);
          const peers = g.peers();
          if (view.length > config.viewSize || view.includes(id) || new Set(view).size !== view.length) {
            throw new Error(`seed ${seed}: node ${id} view ${JSON.stringify(view)}`);
          }
          if (peers.includes(id) || new Set(peers).size !== peers.length || g.farPeers().length > config.farPeers) {
            throw new Error(`seed ${seed}: node ${id} peers ${JSON.stringify(peers)}`);
          }
        }
      };
      net.runUntil(30 * config.periodMs, 1_000_000, check);
    }
  });

  it('spreads knowledge: 100 nodes bootstrapped with 2 introducers each fill their views of 20 within 30 periods (19 while a shuffle is in flight)', () => {
    const net = gossipNetwork(100, 3, defaultGossipConfig);
    net.runUntil(30 * defaultGossipConfig.periodMs);
    const seen = new Set<number>();
    for (let id = 0; id < 100; id++) {
      expect(gossipOf(net, id).viewEntries().length).toBeGreaterThanOrEqual(19);
      for (const p of gossipOf(net, id).peers()) seen.add(p);
    }
    expect(seen.size).toBe(100); // every node is in someone's view
  });

  it('keeps as far links peers at least as far as the median of the peers it shuffled with', () => {
    const matrix = planeMatrix(100, 4);
    const net = gossipNetwork(100, 4, defaultGossipConfig);
    net.runUntil(60 * defaultGossipConfig.periodMs);
    let farTotalMs = 0;
    let links = 0;
    let allTotalMs = 0;
    for (let id = 0; id < 100; id++) {
      for (const p of gossipOf(net, id).farPeers()) {
        farTotalMs += matrix.rttUs[id * 100 + p] / 1000;
        links++;
      }
      for (let j = 0; j < 100; j++) allTotalMs += matrix.rttUs[id * 100 + j] / 1000 / 99;
    }
    expect(links).toBeGreaterThan(150);
    expect(farTotalMs / links).toBeGreaterThan(1.3 * (allTotalMs / 100));
  });
});

describe('GossipView', () => {
  it('merges by filling free slots, then replacing entries sent away, skipping self and known peers', () => {
    const view = new GossipView(3);
    view.merge(
      [
        { peer: 1, ageRounds: 3 },
        { peer: 2, ageRounds: 1 },
      ],
      [],
      0,
    );
    const received = [
      { peer: 0, ageRounds: 0 }, // self
      { peer: 2, ageRounds: 0 }, // known
      { peer: 5, ageRounds: 0 },
      { peer: 6, ageRounds: 2 },
      { peer: 7, ageRounds: 2 },
    ];
    view.merge(received, [1], 0);
    expect(view.entries()).toEqual([
      { peer: 6, ageRounds: 2 },
      { peer: 2, ageRounds: 1 },
      { peer: 5, ageRounds: 0 },
    ]);
  });

  it('ages in place, finds the first oldest entry and removes it keeping the order of the rest', () => {
    const view = new GossipView(4);
    view.merge([1, 2, 3].map((peer) => ({ peer, ageRounds: peer === 1 ? 0 : 2 })), [], 0);
    view.age();
    expect(view.oldestIndex()).toBe(1);
    view.removeAt(1);
    expect(view.entries()).toEqual([
      { peer: 1, ageRounds: 1 },
      { peer: 3, ageRounds: 3 },
    ]);
  });

  it('draws a random subset of distinct entries that never holds the excluded peer', () => {
    const view = new GossipView(10);
    view.merge([...Array(10).keys()].map((k) => ({ peer: k + 1, ageRounds: k })), [], 0);
    const rng = randomStream(3, 'subset');
    for (let round = 0; round < 50; round++) {
      const subset = view.randomSubset(4, rng, 5);
      expect(subset.length).toBe(4);
      expect(new Set(subset.map((e) => e.peer)).size).toBe(4);
      expect(subset.some((e) => e.peer === 5)).toBe(false);
      for (const e of subset) expect(e.ageRounds).toBe(e.peer - 1);
    }
  });
});

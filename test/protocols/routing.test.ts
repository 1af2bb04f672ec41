import { beforeAll, describe, expect, it } from 'vitest';
import { MatrixHarness } from '../../src/bench/vivaldi-harness.js';
import { randomStream } from '../../src/kernel/random.js';
import { msToUs } from '../../src/kernel/time.js';
import type { Protocol, StackBuilder } from '../../src/runtime/context.js';
import type { RttMatrix } from '../../src/platform/types.js';
import { GOSSIP, GossipProtocol, defaultGossipConfig } from '../../src/protocols/index.js';
import { SPIRAL, SpiralProtocol, defaultSpiralConfig } from '../../src/protocols/spiral/index.js';
import {
  LongLinkCache,
  ROUTING,
  RoutingProtocol,
  bucketOf,
  defaultRoutingConfig,
  greedyNextHop,
  validateRoutingConfig,
  type RoutingConfig,
  type RoutingOutcome,
} from '../../src/protocols/routing/index.js';
import type { Coordinate } from '../../src/protocols/vivaldi/index.js';
import { routingCurve, scoreRequest } from '../../src/metrics/routing-scores.js';
import { exactPlane, exactSource } from './spiral-fixtures.js';

const routingConfig: RoutingConfig = { ...defaultRoutingConfig, longLinkBuckets: 8, longLinksPerBucket: 3 };

/** Gossip + spiral (close sets, searching every second) + routing, all on exact coordinates. */
function exactRoutingStack(coords: readonly Coordinate[], routing: RoutingConfig): StackBuilder {
  return (contextFor) => {
    const gossipCtx = contextFor(GOSSIP);
    const source = exactSource(coords, gossipCtx.id);
    const gossip = new GossipProtocol(gossipCtx, defaultGossipConfig);
    const spiral = new SpiralProtocol(contextFor(SPIRAL), gossip, source, { ...defaultSpiralConfig, viewSize: 8, resultSize: 4, farCount: 1, closeSetSize: 6, probeCount: 0, searchPeriodMs: 1000 });
    const protocol = new RoutingProtocol(contextFor(ROUTING), gossip, spiral, source, routing);
    return new Map<string, Protocol>([
      [GOSSIP, gossip],
      [SPIRAL, spiral],
      [ROUTING, protocol],
    ]);
  };
}

interface Run {
  readonly outcomes: RoutingOutcome[];
  readonly matrix: RttMatrix;
  readonly maxLinks: number;
}

/** 30 s of warm-up (close sets fill), then one request every 20 ms between uniform random nodes; outcomes in start order. */
function runRequests(n: number, requests: number, seed: number): Run {
  const { matrix, coords } = exactPlane(n, 1);
  const harness = new MatrixHarness({ matrix, seed, bootstrapCount: 4, spikeProbability: 0 }, exactRoutingStack(coords, routingConfig));
  const routingOf = (id: number): RoutingProtocol => harness.protocolOf<RoutingProtocol>(id, ROUTING);
  const warmMs = 30_000;
  harness.runUntil(warmMs);
  const workload = randomStream(seed, 'routing-test-workload');
  for (let r = 0; r < requests; r++) {
    const source = workload.int(n);
    const target = (source + 1 + workload.int(n - 1)) % n;
    harness.sim.at(msToUs(warmMs + 20 * (r + 1)), () => routingOf(source).startRequest(target, coords[target]));
  }
  let maxLinks = 0;
  // The bound, checked after every event on one node in turn.
  harness.runUntil(warmMs + 20 * (requests + 1) + routingConfig.requestTimeoutMs, 50_000_000, () => {
    const links = routingOf(harness.sim.eventsProcessed % n).longLinkCount();
    if (links > maxLinks) maxLinks = links;
  });
  for (let id = 0; id < n; id++) maxLinks = Math.max(maxLinks, routingOf(id).longLinks().length);
  const outcomes = Array.from({ length: n }, (_, id) => routingOf(id).drainRequests()).flat();
  outcomes.sort((a, b) => a.startedAtMs - b.startedAtMs || a.source - b.source);
  return { outcomes, matrix, maxLinks };
}

const latencyOf = (matrix: RttMatrix) => (a: number, b: number) => matrix.rttUs[a * matrix.n + b] / 2000;

describe('RoutingProtocol on a static 200-node plane', () => {
  let run: Run;
  let scores: ReturnType<typeof scoreRequest>[];
  beforeAll(() => {
    run = runRequests(200, 1500, 1);
    scores = run.outcomes.map((o) => scoreRequest(o, latencyOf(run.matrix)));
  });

  it('delivers 100% of 1,500 requests', () => {
    expect(run.outcomes).toHaveLength(1500);
    expect(scores.every((s) => s.delivered)).toBe(true);
    for (const o of run.outcomes) {
      expect(o.path[0]).toBe(o.source);
      expect(o.path[o.path.length - 1]).toBe(o.target);
      expect(new Set(o.path).size).toBe(o.path.length);
    }
  });

  it('needs fewer hops as requests accumulate: the last 500 take under 75% of the first 100', () => {
    const first = routingCurve(scores.slice(0, 100), 100)[0];
    const last = routingCurve(scores.slice(-500), 500)[0];
    console.log(`200 nodes: mean hops first 100 ${first.meanHops.toFixed(2)}, last 500 ${last.meanHops.toFixed(2)} (stretch ${first.meanStretch.toFixed(2)} -> ${last.meanStretch.toFixed(2)})`);
    expect(last.meanHops).toBeLessThan(0.75 * first.meanHops);
    expect(last.meanHops).toBeLessThanOrEqual(2 * Math.log2(200));
    expect(last.meanStretch).toBeGreaterThanOrEqual(1);
  });

  it('never holds more long links than buckets x per bucket', () => {
    const capacity = routingConfig.longLinkBuckets * routingConfig.longLinksPerBucket;
    expect(run.maxLinks).toBeGreaterThan(0);
    expect(run.maxLinks).toBeLessThanOrEqual(capacity);
  });

  it('replays the same outcomes for the same seed, and others for another seed', () => {
    const a = runRequests(60, 200, 7);
    const b = runRequests(60, 200, 7);
    const c = runRequests(60, 200, 8);
    expect(JSON.stringify(a.outcomes)).toBe(JSON.stringify(b.outcomes));
    expect(JSON.stringify(a.outcomes)).not.toBe(JSON.stringify(c.outcomes));
  });
});

describe('RoutingProtocol requests of its own', () => {
  it('routes to random sampled peers every requestPeriodMs and keeps at most outcomesMax outcomes', () => {
    const { matrix, coords } = exactPlane(50, 2);
    const config: RoutingConfig = { ...routingConfig, requestPeriodMs: 500, outcomesMax: 10 };
    const harness = new MatrixHarness({ matrix, seed: 3, bootstrapCount: 4, spikeProbability: 0 }, exactRoutingStack(coords, config));
    harness.runUntil(20_000);
    for (let id = 0; id < 50; id++) {
      const outcomes = harness.protocolOf<RoutingProtocol>(id, ROUTING).drainRequests();
      expect(outcomes.length).toBe(10);
      for (const o of outcomes) expect(o.delivered).toBe(true);
    }
  });
});

describe('routing core', () => {
  const node = (peer: number, x: number, y: number) => ({ peer, vec: [x, y], heightMs: 0 });

  it('goes to the target when it is a candidate, else to the unvisited candidate closest to it', () => {
    const target = node(9, 100, 0);
    const candidates = [node(1, 10, 0), node(2, 60, 0), node(3, 90, 0)];
    expect(greedyNextHop(target, candidates, new Set())).toBe(3);
    expect(greedyNextHop(target, candidates, new Set([3]))).toBe(2);
    expect(greedyNextHop(target, [...candidates, node(9, 100, 0)], new Set())).toBe(9);
    expect(greedyNextHop(target, candidates, new Set([1, 2, 3]))).toBe(-1);
  });

  it('puts one octave of distance in each bucket, bucket 0 below the base and the last open-ended', () => {
    const params = { buckets: 4, perBucket: 2, baseMs: 2 };
    expect([0.5, 1.99, 2, 3.99, 4, 7.99, 8, 1000].map((d) => bucketOf(d, params))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('replaces the least recently seen link of a full bucket and never exceeds its capacity', () => {
    const cache = new LongLinkCache({ buckets: 2, perBucket: 2, baseMs: 10 });
    cache.offer(node(1, 0, 0), 20);
    cache.offer(node(2, 0, 0), 30);
    cache.offer(node(1, 0, 0), 20); // seen again: now the most recent
    cache.offer(node(3, 0, 0), 40); // evicts 2
    cache.offer(node(4, 0, 0), 1);
    expect(cache.links().map((n) => n.peer)).toEqual([4, 1, 3]);
    for (let p = 10; p < 100; p++) cache.offer(node(p, 0, 0), p % 50);
    expect(cache.size).toBe(4);
    expect(cache.links()).toHaveLength(cache.capacity);
  });

  it('rejects a config that is out of range', () => {
    expect(() => validateRoutingConfig({ ...defaultRoutingConfig, hopsMax: 1 })).toThrow(/hopsMax/);
    expect(() => validateRoutingConfig({ ...defaultRoutingConfig, longLinkBaseMs: 0 })).toThrow(/longLinkBaseMs/);
    expect(() => validateRoutingConfig({ ...defaultRoutingConfig, requestPeriodMs: -1 })).toThrow(/requestPeriodMs/);
    expect(() => validateRoutingConfig(defaultRoutingConfig)).not.toThrow();
  });
});

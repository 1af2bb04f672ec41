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
  NeighbourBook,
  ROUTING,
  RoutingProtocol,
  bucketOf,
  defaultRoutingConfig,
  greedyNextHop,
  landingNextHop,
  validateRoutingConfig,
  type RoutingConfig,
  type RoutingOutcome,
} from '../../src/protocols/routing/index.js';
import type { Coordinate } from '../../src/protocols/vivaldi/index.js';
import { routingCurve, scoreRequest } from '../../src/metrics/routing-scores.js';
import { Simulator } from '../../src/kernel/simulator.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { exactPlane, exactSource } from './spiral-fixtures.js';

const routingConfig: RoutingConfig = { ...defaultRoutingConfig, longLinkBuckets: 8, longLinksPerBucket: 3 };

/** Gossip + spiral (close sets, searching every second) + routing, all on exact coordinates. */
function exactRoutingStack(coords: readonly Coordinate[], routing: RoutingConfig): StackBuilder {
  return (contextFor) => {
    const gossipCtx = contextFor(GOSSIP);
    const source = exactSource(coords, gossipCtx.id);
    const gossip = new GossipProtocol(gossipCtx, defaultGossipConfig);
    const spiral = new SpiralProtocol(contextFor(SPIRAL), gossip, source, { ...defaultSpiralConfig, viewSize: 8, resultSize: 4, farCount: 1, closeSetSize: 6, probeCount: 0, searchPeriodMs: 1000 });
    const protocol = new RoutingProtocol(contextFor(ROUTING), gossip, spiral, source, routing, coords.length);
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
  it('routes every requestPeriodMs after requestStartMs to targets drawn over the whole network, not its gossip peers, and keeps at most outcomesMax outcomes', () => {
    const n = 120;
    const { matrix, coords } = exactPlane(n, 2);
    const config: RoutingConfig = { ...routingConfig, requestPeriodMs: 500, requestStartMs: 5000, outcomesMax: 20 };
    const harness = new MatrixHarness({ matrix, seed: 3, bootstrapCount: 4, spikeProbability: 0 }, exactRoutingStack(coords, config));
    harness.runUntil(20_000);
    const targets = new Set<number>();
    let inView = 0;
    let total = 0;
    for (let id = 0; id < n; id++) {
      const outcomes = harness.protocolOf<RoutingProtocol>(id, ROUTING).drainRequests();
      const view = new Set(harness.protocolOf<GossipProtocol>(id, GOSSIP).peers());
      expect(outcomes.length).toBe(config.outcomesMax);
      for (const o of outcomes) {
        expect(o.startedAtMs).toBeGreaterThanOrEqual(config.requestStartMs);
        expect(o.target).not.toBe(id);
        expect(o.located).toBe(true);
        expect(o.delivered).toBe(true);
        targets.add(o.target);
        if (view.has(o.target)) inView++;
        total++;
      }
    }
    // ~30 requests a node, the last 20 kept: 2,400 uniform draws over 119 others reach every node; a gossip view (20 of 119) holds ~17% of them.
    expect(targets.size).toBe(n);
    expect(inView / total).toBeLessThan(0.3);
  });

  it('asks the target for its coordinate first; a target that is down never answers, and the request ends unlocated and undelivered', () => {
    const n = 40;
    const { matrix, coords } = exactPlane(n, 4);
    const config: RoutingConfig = { ...routingConfig, requestTimeoutMs: 2000 };
    const sim = new Simulator();
    const runtime = new SimRuntime({ sim, network: new MatrixNetwork(matrix, 1e9), seed: 5, stack: exactRoutingStack(coords, config), bootstrapCount: 4, counters: new Counters() });
    runtime.startAll();
    const source = (): RoutingProtocol => runtime.protocolOf<RoutingProtocol>(0, ROUTING) as RoutingProtocol;
    sim.run({ endUs: msToUs(10_000), eventsMax: 10_000_000 });
    runtime.crashNode(5);
    expect(source().requestTo(5)).toBeGreaterThanOrEqual(0);
    expect(source().requestTo(7)).toBeGreaterThanOrEqual(0);
    sim.run({ endUs: msToUs(15_000), eventsMax: 10_000_000 });
    const outcomes = source().drainRequests();
    const byTarget = new Map(outcomes.map((o) => [o.target, o]));
    expect(outcomes).toHaveLength(2);
    expect(byTarget.get(5)).toMatchObject({ located: false, delivered: false, path: [0], hops: 0 });
    expect(byTarget.get(5)?.finishedAtMs).toBeCloseTo(10_000 + config.requestTimeoutMs, 3);
    expect(byTarget.get(7)).toMatchObject({ located: true, delivered: true });
    expect(byTarget.get(7)?.path[0]).toBe(0);
    expect(byTarget.get(7)?.path.at(-1)).toBe(7);
  });
});

/** As exactRoutingStack, but routing itself is told no peer's coordinate: it must greet its close peers for them. */
function blindRoutingStack(coords: readonly Coordinate[], routing: RoutingConfig): StackBuilder {
  return (contextFor) => {
    const gossipCtx = contextFor(GOSSIP);
    const id = gossipCtx.id;
    const gossip = new GossipProtocol(gossipCtx, defaultGossipConfig);
    const spiral = new SpiralProtocol(contextFor(SPIRAL), gossip, exactSource(coords, id), { ...defaultSpiralConfig, viewSize: 8, resultSize: 4, farCount: 1, closeSetSize: 6, probeCount: 0, searchPeriodMs: 1000 });
    const blind = { coordinate: () => coords[id], peerCoordinate: () => undefined };
    const protocol = new RoutingProtocol(contextFor(ROUTING), gossip, spiral, blind, routing, coords.length);
    return new Map<string, Protocol>([
      [GOSSIP, gossip],
      [SPIRAL, spiral],
      [ROUTING, protocol],
    ]);
  };
}

describe('RoutingProtocol neighbours', () => {
  /** 60 nodes; from 20 s, 300 requests (each located first) between uniform random nodes; outcomes. */
  function blindRun(config: RoutingConfig): { outcomes: RoutingOutcome[]; neighbours: number[] } {
    const n = 60;
    const { matrix, coords } = exactPlane(n, 6);
    const harness = new MatrixHarness({ matrix, seed: 9, bootstrapCount: 4, spikeProbability: 0 }, blindRoutingStack(coords, config));
    const routingOf = (id: number): RoutingProtocol => harness.protocolOf<RoutingProtocol>(id, ROUTING);
    harness.runUntil(20_000);
    const workload = randomStream(9, 'routing-test-workload');
    for (let r = 0; r < 300; r++) {
      const source = workload.int(n);
      const target = (source + 1 + workload.int(n - 1)) % n;
      harness.sim.at(msToUs(20_000 + 20 * (r + 1)), () => routingOf(source).requestTo(target));
    }
    harness.runUntil(20_000 + 20 * 301 + config.requestTimeoutMs);
    const outcomes = Array.from({ length: n }, (_, id) => routingOf(id).drainRequests()).flat();
    return { outcomes, neighbours: Array.from({ length: n }, (_, id) => routingOf(id).neighbourCount()) };
  }

  it('learns its close peers\' coordinates by greeting them, with links back, and so delivers every request though told no coordinate', () => {
    const greeting = blindRun({ ...routingConfig, neighbourPeriodMs: 2000 });
    expect(greeting.outcomes).toHaveLength(300);
    expect(greeting.outcomes.every((o) => o.located && o.delivered)).toBe(true);
    // 6 close peers each, greeted, plus the nodes that greeted it.
    expect(Math.min(...greeting.neighbours)).toBeGreaterThanOrEqual(6);
    // Without greetings no close peer is usable: the first requests die (only gossip peers that are the target, and long links learnt later, remain).
    const silent = blindRun({ ...routingConfig, neighbourPeriodMs: 0 });
    expect(silent.neighbours.every((c) => c === 0)).toBe(true);
    expect(silent.outcomes.filter((o) => o.delivered).length).toBeLessThan(300);
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

  it('leaves a local minimum by a fallback (gossip) peer that gets closer, else by the closest unvisited node of either', () => {
    // Distances to the target at (100, 0): node 1 60 ms, node 2 55.2 ms, node 5 10 ms, node 6 100 ms.
    const target = node(9, 100, 0);
    const close = [node(1, 40, 0), node(2, 45, 5)];
    expect(greedyNextHop(target, close, new Set(), [node(5, 90, 0)], 70)).toBe(2); // the current node is 70 ms away: 2 gets closer
    expect(greedyNextHop(target, close, new Set(), [node(5, 90, 0)], 50)).toBe(5); // 50 ms away: a local minimum, and 5 gets closer
    expect(greedyNextHop(target, close, new Set(), [node(6, 0, 0)], 50)).toBe(2); // no one gets closer: the closest of either
    expect(greedyNextHop(target, close, new Set([1, 2]), [node(6, 0, 0)], 50)).toBe(6);
    expect(greedyNextHop(target, close, new Set([1, 2]), [], 50)).toBe(-1);
  });

  it('hands a request to the landing-zone node closest to the target, when it has one unvisited', () => {
    const target = node(9, 100, 0);
    const candidates = [node(1, 99, 0), node(2, 50, 0), node(3, 70, 0)];
    expect(landingNextHop(target, candidates, new Set([2, 3]), new Set())).toBe(3);
    expect(landingNextHop(target, candidates, new Set([2, 3]), new Set([3]))).toBe(2);
    expect(landingNextHop(target, candidates, new Set([4]), new Set())).toBe(-1);
    expect(landingNextHop(target, candidates, new Set(), new Set())).toBe(-1);
  });

  it('keeps close and inbound neighbours in two tables, each bounded, least recently refreshed out first', () => {
    const book = new NeighbourBook(2);
    book.putOutbound(node(1, 0, 0));
    book.putOutbound(node(2, 0, 0));
    book.putOutbound(node(1, 1, 1)); // refreshed: 2 is now the least recent
    book.putOutbound(node(3, 0, 0)); // evicts 2
    for (let p = 10; p < 20; p++) book.putInbound(node(p, 0, 0)); // never pushes out close peers
    expect([1, 2, 3].map((p) => book.hasOutbound(p))).toEqual([true, false, true]);
    expect(book.get(1)?.vec).toEqual([1, 1]);
    expect(book.inbound().map((n) => n.peer)).toEqual([18, 19]);
    expect(book.isInbound(19) && !book.isInbound(1)).toBe(true);
    book.update(node(18, 5, 5));
    expect(book.get(18)?.vec).toEqual([5, 5]);
    expect(book.inbound().map((n) => n.peer)).toEqual([18, 19]);
    expect(book.size).toBe(4);
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
    expect(() => validateRoutingConfig({ ...defaultRoutingConfig, requestStartMs: Number.NaN })).toThrow(/requestStartMs/);
    expect(() => validateRoutingConfig({ ...defaultRoutingConfig, landingMax: 1.5 })).toThrow(/landingMax/);
    expect(() => validateRoutingConfig({ ...defaultRoutingConfig, neighboursMax: -1 })).toThrow(/neighboursMax/);
    expect(() => validateRoutingConfig({ ...defaultRoutingConfig, neighbourPeriodMs: -1 })).toThrow(/neighbourPeriodMs/);
    expect(() => validateRoutingConfig(defaultRoutingConfig)).not.toThrow();
  });
});

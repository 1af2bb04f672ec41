/**
 * Greedy routing with learnt long links on a synthetic plane, through the real kernel and
 * simulated runtime: n hosts uniform on a 100 x 100 plane (one-way latency = distance + 0.5 ms,
 * no all-pairs matrix), exact coordinates (2 x point, height 0.5 ms: the coordinate distance is
 * the true RTT), gossip for peer sampling, and as close neighbours each node's `closeK` true
 * nearest (an oracle standing in for a converged spiral close set, so 10,000 nodes run in
 * about a minute). Requests go one at a time from a uniform source to a target drawn uniformly
 * over the whole network; each source first asks its target for its coordinate (the protocol's
 * `requestTo`, as in scenarios). Outcomes are scored against the plane by
 * metrics/routing-scores.ts. Prints mean hops per block of requests (blocks of 100 up to 2,000,
 * then of 1,000), and the same first requests without learning (no long links) as a baseline:
 *   npm run build && node dist/bench/routing.bench.js [n] [requests] [closeK] [seed] ['{"routing":{...}}']
 */
import { fileURLToPath } from 'node:url';
import { Simulator } from '../kernel/simulator.js';
import { randomStream } from '../kernel/random.js';
import { msToUs } from '../kernel/time.js';
import type { NetworkModel } from '../platform/network.js';
import { Counters } from '../runtime/counters.js';
import { SimRuntime } from '../runtime/sim/sim-runtime.js';
import type { NodeId, Protocol, StackBuilder } from '../runtime/context.js';
import { GOSSIP, GossipProtocol, defaultGossipConfig } from '../protocols/index.js';
import { ROUTING, RoutingProtocol, type RoutingConfig, type RoutingOutcome, defaultRoutingConfig } from '../protocols/routing/index.js';
import type { Coordinate } from '../protocols/vivaldi/index.js';
import { type RoutingCurvePoint, routingCurve, scoreRequest } from '../metrics/routing-scores.js';

/** Hosts on a plane: one-way latency = distance + 0.5 ms, so RTT = 2 * distance + 1 ms. */
export class PlaneNetwork implements NetworkModel {
  private readonly up: Uint8Array;
  constructor(readonly xs: Float64Array, readonly ys: Float64Array) {
    this.up = new Uint8Array(xs.length).fill(1);
  }
  get hostCount(): number {
    return this.xs.length;
  }
  latencyMs(a: number, b: number): number {
    return a === b ? 0 : Math.hypot(this.xs[a] - this.xs[b], this.ys[a] - this.ys[b]) + 0.5;
  }
  latencyUs(a: number, b: number): number {
    return Math.round(1000 * this.latencyMs(a, b));
  }
  deliveryUs(a: number, b: number): number {
    return this.up[b] === 1 ? this.latencyUs(a, b) : -1;
  }
  isMeasuredPair(): boolean {
    return true;
  }
  isHostUp(host: number): boolean {
    return this.up[host] === 1;
  }
  setHostUp(host: number, up: boolean): void {
    this.up[host] = up ? 1 : 0;
  }
  hostName(host: number): string {
    return String(host);
  }
}

export function randomPlane(n: number, seed: number): PlaneNetwork {
  const rng = randomStream(seed, 'routing-plane');
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = rng.next() * 100;
    ys[i] = rng.next() * 100;
  }
  return new PlaneNetwork(xs, ys);
}

/** Each node's k true nearest, by a uniform grid (no n^2 scan at 10k nodes). */
export function nearestNeighbours(plane: PlaneNetwork, k: number): NodeId[][] {
  const n = plane.hostCount;
  const side = Math.max(1, Math.floor(Math.sqrt(n / 4)));
  const cell = (v: number): number => Math.min(side - 1, Math.floor((v / 100) * side));
  const grid: number[][] = Array.from({ length: side * side }, () => []);
  for (let i = 0; i < n; i++) grid[cell(plane.ys[i]) * side + cell(plane.xs[i])].push(i);
  return Array.from({ length: n }, (_, i) => {
    const cx = cell(plane.xs[i]);
    const cy = cell(plane.ys[i]);
    for (let r = 1; ; r++) {
      const found: number[] = [];
      for (let y = Math.max(0, cy - r); y <= Math.min(side - 1, cy + r); y++) for (let x = Math.max(0, cx - r); x <= Math.min(side - 1, cx + r); x++) found.push(...grid[y * side + x]);
      const others = found.filter((j) => j !== i);
      // Ring r covers every point within (r - 1) cells' width: enough once k lie that close.
      const sorted = others.map((j) => ({ j, d: plane.latencyMs(i, j) })).sort((a, b) => a.d - b.d || a.j - b.j);
      if (sorted.length >= k && (sorted[k - 1].d - 0.5 <= ((r - 1) * 100) / side || r >= side)) return sorted.slice(0, k).map((e) => e.j);
      if (r >= side) return sorted.map((e) => e.j);
    }
  });
}

export function planeCoordinates(plane: PlaneNetwork): Coordinate[] {
  return Array.from({ length: plane.hostCount }, (_, i) => ({ vec: [2 * plane.xs[i], 2 * plane.ys[i]], heightMs: 0.5 }));
}

/** Gossip + routing on exact coordinates, with the given close neighbours. */
export function oracleRoutingStack(coords: readonly Coordinate[], close: readonly (readonly NodeId[])[], routing: RoutingConfig): StackBuilder {
  return (contextFor) => {
    const gossipCtx = contextFor(GOSSIP);
    const id = gossipCtx.id;
    const gossip = new GossipProtocol(gossipCtx, defaultGossipConfig);
    const coordSource = { coordinate: () => coords[id], peerCoordinate: (peer: NodeId) => coords[peer] };
    const protocol = new RoutingProtocol(contextFor(ROUTING), gossip, { closePeers: () => close[id] }, coordSource, routing);
    return new Map<string, Protocol>([
      [GOSSIP, gossip],
      [ROUTING, protocol],
    ]);
  };
}

export interface RoutingBenchOptions {
  readonly n: number;
  readonly requests: number;
  readonly closeK: number;
  readonly seed: number;
  readonly routing: RoutingConfig;
  /** Gossip warm-up before the first request. */
  readonly warmMs: number;
  /** One request starts this often. */
  readonly intervalMs: number;
}

export interface RoutingBenchRun {
  /** In start order. */
  readonly outcomes: RoutingOutcome[];
  readonly plane: PlaneNetwork;
  readonly longLinksMean: number;
}

export function runRoutingOnPlane(options: RoutingBenchOptions): RoutingBenchRun {
  const plane = randomPlane(options.n, options.seed);
  const coords = planeCoordinates(plane);
  const close = nearestNeighbours(plane, options.closeK);
  const sim = new Simulator();
  const runtime = new SimRuntime({ sim, network: plane, seed: options.seed, stack: oracleRoutingStack(coords, close, options.routing), bootstrapCount: 4, counters: new Counters() });
  runtime.startAll();
  const routingOf = (id: number): RoutingProtocol => runtime.protocolOf<RoutingProtocol>(id, ROUTING) as RoutingProtocol;
  const workload = randomStream(options.seed, 'routing-workload');
  for (let r = 0; r < options.requests; r++) {
    const source = workload.int(options.n);
    let target = workload.int(options.n - 1);
    if (target >= source) target++;
    sim.at(msToUs(options.warmMs + (r + 1) * options.intervalMs), () => {
      routingOf(source).requestTo(target);
    });
  }
  const endMs = options.warmMs + (options.requests + 1) * options.intervalMs + options.routing.requestTimeoutMs;
  sim.run({ endUs: msToUs(endMs), eventsMax: 500_000_000 });
  const outcomes = Array.from({ length: options.n }, (_, id) => routingOf(id).drainRequests()).flat();
  outcomes.sort((a, b) => a.startedAtMs - b.startedAtMs || a.source - b.source);
  let links = 0;
  for (let id = 0; id < options.n; id++) links += routingOf(id).longLinkCount();
  return { outcomes, plane, longLinksMean: links / options.n };
}

export function scoreRun(run: RoutingBenchRun, block: number): RoutingCurvePoint[] {
  return routingCurve(
    run.outcomes.map((o) => scoreRequest(o, (a, b) => run.plane.latencyMs(a, b))),
    block,
  );
}

/** Blocks of 100 requests up to `fineUpTo`, then blocks of `block`. */
export function learningCurve(run: RoutingBenchRun, fineUpTo: number, block: number): RoutingCurvePoint[] {
  const fine = scoreRun({ ...run, outcomes: run.outcomes.slice(0, fineUpTo) }, 100);
  const coarse = scoreRun({ ...run, outcomes: run.outcomes.slice(fineUpTo) }, block);
  return [...fine, ...coarse.map((p) => ({ ...p, requestsBefore: p.requestsBefore + fineUpTo }))];
}

function main(argv: readonly string[]): void {
  const n = Number(argv[0] ?? 10_000);
  const requests = Number(argv[1] ?? 50_000);
  const closeK = Number(argv[2] ?? 8);
  const seed = Number(argv[3] ?? 1);
  const overrides = JSON.parse(argv[4] ?? '{}') as { routing?: Partial<RoutingConfig> };
  const routing: RoutingConfig = { ...defaultRoutingConfig, ...overrides.routing };
  const block = 1000;
  const startedMs = performance.now();
  const run = runRoutingOnPlane({ n, requests, closeK, seed, routing, warmMs: 20_000, intervalMs: 10 });
  const curve = learningCurve(run, Math.min(2000, requests), block);
  const baselineRequests = Math.min(1000, requests);
  const baseline = runRoutingOnPlane({ n, requests: baselineRequests, closeK, seed, routing: { ...routing, longLinksPerBucket: 0 }, warmMs: 20_000, intervalMs: 10 });
  const unlearnt = scoreRun(baseline, baselineRequests)[0];
  const targetHops = 2 * Math.log2(n);
  console.log(`plane n=${n} closeK=${closeK} seed=${seed} routing ${JSON.stringify(routing)}`);
  console.table(
    curve.map((p) => ({
      requests: `${p.requestsBefore + 1}-${p.requestsBefore + p.requests}`,
      'mean hops': p.meanHops.toFixed(2),
      'mean stretch': p.meanStretch.toFixed(2),
      'median stretch': p.medianStretch.toFixed(2),
      success: p.successRate.toFixed(4),
    })),
  );
  const first = scoreRun({ ...run, outcomes: run.outcomes.slice(0, 10) }, 10)[0];
  console.log(`first 10 requests (little learnt yet): mean hops ${first.meanHops.toFixed(2)}, mean stretch ${first.meanStretch.toFixed(2)}`);
  console.log(
    `without learning (longLinksPerBucket 0, close neighbours only), ${baselineRequests} requests: mean hops ${unlearnt.meanHops.toFixed(2)}, ` +
      `mean stretch ${unlearnt.meanStretch.toFixed(2)}, success ${unlearnt.successRate.toFixed(4)}`,
  );
  const reached = curve.find((p) => p.meanHops <= targetHops);
  console.log(
    `target mean hops <= 2 log2(n) = ${targetHops.toFixed(1)}: ${reached === undefined ? 'not reached' : `reached in the block of requests ${reached.requestsBefore + 1}-${reached.requestsBefore + reached.requests} (${(reached.requestsBefore / n).toFixed(2)} per node before it)`}; ` +
      `long links per node at the end ${run.longLinksMean.toFixed(1)} (capacity ${routing.longLinkBuckets * routing.longLinksPerBucket}); wall ${(performance.now() - startedMs).toFixed(0)} ms`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));

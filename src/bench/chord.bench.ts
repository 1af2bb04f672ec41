/**
 * Chord at scale, SimGrid's s4u-dht-chord workload: N nodes, one per host on a constant-latency
 * network, joins spread uniformly over the first 100 s, stabilize 20 s, fix fingers 120 s, a
 * lookup every 10 s, 50 s timeouts, 1000 s simulated. Lookups are judged against the true
 * successor among the ring members at each drain (every 50 s).
 *   node dist/bench/chord.bench.js [nodes=1000] [seed=1] [latencyMs=10] [successorListLength=ceil(log2 n)] [recursive|iterative]
 * Lookups are recursive by default, as SimGrid's example routes them (the answer goes straight back to the asker).
 * From 50,000 nodes on, a progress line is printed at every drain.
 */
import { fileURLToPath } from 'node:url';
import { Simulator } from '../kernel/simulator.js';
import { randomStream } from '../kernel/random.js';
import { msToUs } from '../kernel/time.js';
import type { NetworkModel } from '../platform/network.js';
import { Counters } from '../runtime/counters.js';
import { SimRuntime } from '../runtime/sim/sim-runtime.js';
import type { Protocol, StackBuilder } from '../runtime/context.js';
import { CHORD, ChordProtocol, chordRingId, defaultChordConfig, successorListLengthFor, type ChordConfig } from '../protocols/chord/index.js';

/** Every message takes `latencyUs` one way (SimGrid's constant network model); hosts can go down. */
class ConstantNetwork implements NetworkModel {
  private readonly up: Uint8Array;
  constructor(
    readonly hostCount: number,
    private readonly oneWayUs: number,
  ) {
    this.up = new Uint8Array(hostCount).fill(1);
  }
  deliveryUs(): number {
    return this.oneWayUs;
  }
  latencyUs(): number {
    return this.oneWayUs;
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

export interface ChordBenchResult {
  readonly nodes: number;
  readonly wallMs: number;
  readonly maxRssMb: number;
  readonly events: number;
  readonly sentByType: [string, number][];
  readonly lookups: number;
  readonly correct: number;
  readonly timeouts: number;
  readonly meanHops: number;
  readonly meanLatencyMs: number;
  readonly members: number;
  /** Lookups finished after the join window plus 100 s, and how many of them were right. */
  readonly lateLookups: number;
  readonly lateCorrect: number;
  /** Ring members whose successor pointer is the true successor, at the end. */
  readonly successorsRight: number;
}

export interface ChordBenchOptions {
  readonly nodes: number;
  readonly seed: number;
  readonly latencyMs: number;
  readonly config: ChordConfig;
  readonly durationMs?: number;
  /** Joins spread uniformly over [0, joinWindowMs) (the ring creator at 0), unless `joinAtMs` is given. */
  readonly joinWindowMs?: number;
  /** When each node starts (joins), in ms; drawn from `rng` or fixed. */
  readonly joinAtMs?: (node: number, rng: () => number) => number;
  /** Called at every 50 s drain with a progress line. */
  readonly progress?: ((line: string) => void) | null;
}

export function runChordBench(options: ChordBenchOptions): ChordBenchResult {
  const { nodes, seed, latencyMs, config, durationMs = 1_000_000, joinWindowMs = 100_000, progress = null } = options;
  const joinAtMs = options.joinAtMs ?? ((node: number, rng: () => number) => (node === config.ringCreator ? 0 : rng() * joinWindowMs));
  const started = performance.now();
  const sim = new Simulator();
  const counters = new Counters();
  const stack: StackBuilder = (contextFor) => new Map<string, Protocol>([[CHORD, new ChordProtocol(contextFor(CHORD), config)]]);
  const runtime = new SimRuntime({ sim, network: new ConstantNetwork(nodes, msToUs(latencyMs)), seed, stack, bootstrapCount: 4, counters, countByMessageType: true });
  // Nodes start (join) at uniform times over the window; the ring creator first, at time 0.
  const rng = randomStream(seed, 'chord-bench-joins');
  const draw = (): number => rng.next();
  for (let id = 0; id < nodes; id++) sim.at(msToUs(joinAtMs(id, draw)), () => runtime.recoverNode(id));
  const ringIds = new Float64Array(nodes);
  for (let id = 0; id < nodes; id++) ringIds[id] = chordRingId(id, config.idBits);
  let lookups = 0;
  let correct = 0;
  let timeouts = 0;
  let hops = 0;
  let latencyTotalMs = 0;
  let members = 0;
  let successorsRight = 0;
  let lateLookups = 0;
  let lateCorrect = 0;
  const drain = (): void => {
    const memberIds: number[] = [];
    for (let id = 0; id < nodes; id++) if (runtime.protocolOf<ChordProtocol>(id, CHORD)?.isJoined()) memberIds.push(id);
    memberIds.sort((a, b) => ringIds[a] - ringIds[b]);
    members = memberIds.length;
    const sortedIds = Float64Array.from(memberIds, (id) => ringIds[id]);
    successorsRight = 0;
    for (let k = 0; k < memberIds.length; k++) {
      if (runtime.protocolOf<ChordProtocol>(memberIds[k], CHORD)?.successor() === memberIds[(k + 1) % memberIds.length]) successorsRight++;
    }
    for (let id = 0; id < nodes; id++) {
      const chord = runtime.protocolOf<ChordProtocol>(id, CHORD);
      if (chord === undefined) continue;
      for (const o of chord.drainLookups()) {
        lookups++;
        hops += o.hops;
        latencyTotalMs += o.latencyMs;
        if (!o.ok) {
          timeouts++;
          if (o.finishedAtMs > joinWindowMs + 100_000) lateLookups++;
          continue;
        }
        let lo = 0;
        let hi = sortedIds.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (sortedIds[mid] < o.key) lo = mid + 1;
          else hi = mid;
        }
        const right = memberIds[lo === sortedIds.length ? 0 : lo] === o.owner;
        if (right) correct++;
        if (o.finishedAtMs > joinWindowMs + 100_000) {
          lateLookups++;
          if (right) lateCorrect++;
        }
      }
    }
  };
  for (let t = 50_000; t <= durationMs; t += 50_000) {
    sim.run({ endUs: msToUs(t), eventsMax: Number.MAX_SAFE_INTEGER });
    drain();
    progress?.(
      `  t=${t / 1000} s: wall ${((performance.now() - started) / 1000).toFixed(1)} s, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB, ` +
        `${members} members (${successorsRight} right successors), lookups ${lookups} (${((100 * correct) / Math.max(1, lookups)).toFixed(2)}% right), ` +
        `after 200 s ${lateLookups} (${((100 * lateCorrect) / Math.max(1, lateLookups)).toFixed(2)}% right), mean hops ${(hops / Math.max(1, lookups)).toFixed(2)}`,
    );
  }
  return {
    nodes,
    wallMs: performance.now() - started,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    events: sim.eventsProcessed,
    sentByType: runtime.sentByType(),
    lookups,
    correct,
    timeouts,
    meanHops: hops / Math.max(1, lookups),
    meanLatencyMs: latencyTotalMs / Math.max(1, lookups),
    members,
    successorsRight,
    lateLookups,
    lateCorrect,
  };
}

function main(argv: readonly string[]): void {
  const nodes = Number(argv[0] ?? 1000);
  const seed = Number(argv[1] ?? 1);
  const latencyMs = Number(argv[2] ?? 10);
  const config: ChordConfig = { ...defaultChordConfig, successorListLength: Number(argv[3] ?? successorListLengthFor(nodes)), lookupStyle: argv[4] === 'iterative' ? 'iterative' : 'recursive' };
  console.log(`chord bench: nodes=${nodes} seed=${seed} latency=${latencyMs}ms r=${config.successorListLength} (SimGrid workload, 1000 s)`);
  const r = runChordBench({ nodes, seed, latencyMs, config, progress: nodes >= 50_000 ? (line) => console.log(line) : null });
  const sent = r.sentByType.reduce((s, [, v]) => s + v, 0);
  console.log(`wall ${(r.wallMs / 1000).toFixed(1)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB, ${r.events} events (${((1000 * r.wallMs) / Math.max(1, r.events)).toFixed(2)} us each), ${r.members}/${nodes} ring members at the end, ${r.successorsRight} with the right successor`);
  console.log(`messages sent ${sent}: ${r.sentByType.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(
    `lookups ${r.lookups}, success ${((100 * r.correct) / Math.max(1, r.lookups)).toFixed(2)}% (timeouts ${r.timeouts}), mean hops ${r.meanHops.toFixed(2)}, mean latency ${r.meanLatencyMs.toFixed(1)} ms; ` +
      `after 200 s: ${r.lateLookups} lookups, success ${((100 * r.lateCorrect) / Math.max(1, r.lateLookups)).toFixed(2)}%`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));

/**
 * Vivaldi on an RTT matrix, through the real kernel, simulated runtime and matrix network
 * model, with an optional queueing-spike model of a live network. For tuning from the command
 * line and for protocol tests that want to drive a stack directly:
 *   node dist/bench/vivaldi-harness.js [dims] [rounds] [seed] ['{"vivaldi":{...},"gossip":{...},"spikeProbability":0.1}']
 */
import { fileURLToPath } from 'node:url';
import { Simulator } from '../kernel/simulator.js';
import { randomStream, type Random } from '../kernel/random.js';
import { msToUs } from '../kernel/time.js';
import { MatrixNetwork, type NetworkModel } from '../platform/network.js';
import { loadRttMatrix } from '../platform/rtt-matrix.js';
import type { RttMatrix } from '../platform/types.js';
import { Counters } from '../runtime/counters.js';
import { SimRuntime } from '../runtime/sim/sim-runtime.js';
import type { Protocol, StackBuilder } from '../runtime/context.js';
import { defaultGossipConfig, type GossipConfig } from '../protocols/gossip/index.js';
import { VIVALDI, vivaldiStack, type VivaldiStackConfig } from '../protocols/stack.js';
import { defaultVivaldiConfig, distanceMs, type Coordinate, type VivaldiConfig, type VivaldiProtocol } from '../protocols/vivaldi/index.js';

export const PLANETLAB_490_PATH = fileURLToPath(new URL('../../topologies/planetlab-490.tsv', import.meta.url));

/**
 * Live-network noise on top of a network model: with probability `spikeProbability` a one-way
 * delay is stretched by a queueing spike, delay * (1 + exponential(mean 1)).
 */
class SpikyNetwork implements NetworkModel {
  constructor(
    private readonly base: NetworkModel,
    private readonly spikeProbability: number,
    private readonly rng: Random,
  ) {}
  get hostCount(): number {
    return this.base.hostCount;
  }
  deliveryUs(a: number, b: number, sizeBytes: number): number {
    const delayUs = this.base.deliveryUs(a, b, sizeBytes);
    if (delayUs < 0 || this.rng.next() >= this.spikeProbability) return delayUs;
    return Math.round(delayUs * (1 + this.rng.exponential(1)));
  }
  latencyUs(a: number, b: number): number {
    return this.base.latencyUs(a, b);
  }
  isMeasuredPair(a: number, b: number): boolean {
    return this.base.isMeasuredPair(a, b);
  }
  isHostUp(host: number): boolean {
    return this.base.isHostUp(host);
  }
  setHostUp(host: number, up: boolean): void {
    this.base.setHostUp(host, up);
  }
  hostName(host: number): string {
    return this.base.hostName(host);
  }
}

export interface MatrixHarnessOptions {
  readonly matrix: RttMatrix;
  readonly seed: number;
  readonly bootstrapCount: number;
  /** 0 = the matrix exactly, as in scenarios. */
  readonly spikeProbability: number;
}

/** Nodes 0..n-1 of a matrix running a stack in simulation, started at time 0. */
export class MatrixHarness {
  readonly sim = new Simulator();
  readonly counters = new Counters();
  private readonly runtime: SimRuntime;

  constructor(options: MatrixHarnessOptions, stack: StackBuilder) {
    const base = new MatrixNetwork(options.matrix, 1e9);
    const network = options.spikeProbability > 0 ? new SpikyNetwork(base, options.spikeProbability, randomStream(options.seed, 'spikes')) : base;
    this.runtime = new SimRuntime({ sim: this.sim, network, seed: options.seed, stack, bootstrapCount: options.bootstrapCount, counters: this.counters });
    this.runtime.startAll();
  }

  /** Run every event up to and including `endMs`; `afterEvent` runs after each (invariant checks). */
  runUntil(endMs: number, eventsMax = 50_000_000, afterEvent?: () => void): void {
    this.sim.afterEvent = afterEvent ?? null;
    this.sim.run({ endUs: msToUs(endMs), eventsMax: this.sim.eventsProcessed + eventsMax });
  }

  protocolOf<P extends Protocol>(id: number, name: string): P {
    const protocol = this.runtime.protocolOf<P>(id, name);
    if (protocol === undefined) throw new Error(`node ${id} runs no ${name}`);
    return protocol;
  }

  get nodeCount(): number {
    return this.runtime.nodeCount;
  }
}

export interface ErrorStats {
  readonly median: number;
  readonly p90: number;
}

/** Relative error |est - rtt| / rtt over all pairs i < j with rtt > 0 (nearest-rank quantiles). */
export function relativeErrorStats(matrix: RttMatrix, coords: readonly Coordinate[]): ErrorStats {
  const { n, rttUs } = matrix;
  const errors: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const rttMs = rttUs[i * n + j] / 1000;
      if (rttMs > 0) errors.push(Math.abs(distanceMs(coords[i], coords[j]) - rttMs) / rttMs);
    }
  }
  const sorted = Float64Array.from(errors).sort();
  return { median: sorted[Math.floor(0.5 * (sorted.length - 1))], p90: sorted[Math.floor(0.9 * (sorted.length - 1))] };
}

export interface VivaldiRunOptions {
  readonly matrix: RttMatrix;
  readonly config: VivaldiStackConfig;
  /** A round = every node sends one ping: the run lasts rounds * vivaldi.periodMs. */
  readonly rounds: number;
  readonly seed: number;
  readonly spikeProbability?: number;
}

export function runVivaldiOnMatrix(options: VivaldiRunOptions): ErrorStats & { coords: Coordinate[] } {
  const { matrix, config, rounds, seed } = options;
  const harness = new MatrixHarness({ matrix, seed, bootstrapCount: 4, spikeProbability: options.spikeProbability ?? 0 }, vivaldiStack(config));
  harness.runUntil(rounds * config.vivaldi.periodMs);
  const coords = Array.from({ length: matrix.n }, (_, id) => harness.protocolOf<VivaldiProtocol>(id, VIVALDI).coordinate());
  return { ...relativeErrorStats(matrix, coords), coords };
}

function main(argv: readonly string[]): void {
  const dimensions = Number(argv[0] ?? 2);
  const rounds = Number(argv[1] ?? 500);
  const seed = Number(argv[2] ?? 1);
  const overrides = JSON.parse(argv[3] ?? '{}') as { vivaldi?: Partial<VivaldiConfig>; gossip?: Partial<GossipConfig>; spikeProbability?: number };
  const matrix = loadRttMatrix(process.env.RTT_MATRIX ?? PLANETLAB_490_PATH, { unit: 'ms' });
  const config: VivaldiStackConfig = {
    gossip: { ...defaultGossipConfig, ...overrides.gossip },
    vivaldi: { ...defaultVivaldiConfig, dimensions, ...overrides.vivaldi },
  };
  const startedMs = performance.now();
  const stats = runVivaldiOnMatrix({ matrix, config, rounds, seed, spikeProbability: overrides.spikeProbability });
  console.log(
    `seed=${seed} dims=${dimensions}${config.vivaldi.useHeight ? '+h' : ''} rounds=${rounds} ` +
      `median=${(100 * stats.median).toFixed(2)}% p90=${(100 * stats.p90).toFixed(2)}% wall=${(performance.now() - startedMs).toFixed(0)}ms`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));

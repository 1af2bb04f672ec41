/**
 * A fast, self-contained harness for tuning Vivaldi on an RTT matrix: the real protocol classes
 * (gossip + Vivaldi, via `vivaldiStack`) over a minimal synchronous event loop that delivers each
 * one-way message after rtt/2 (whole microseconds, like the simulator), optionally with queueing spikes.
 * Run:  npx tsx src/bench/vivaldi-harness.ts [dims] [rounds] [seed] ['{"vivaldi":{...},"gossip":{...}}']
 */
import { readFileSync } from 'node:fs';
import { randomStream } from '../kernel/random.js';
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../runtime/context.js';
import { defaultGossipConfig, type GossipConfig } from '../protocols/gossip/index.js';
import { VIVALDI, vivaldiStack, type VivaldiStackConfig } from '../protocols/stack.js';
import { defaultVivaldiConfig, distanceMs, type Coordinate, type VivaldiConfig, type VivaldiProtocol } from '../protocols/vivaldi/index.js';

/** A symmetric RTT matrix in ms, row-major. */
export interface RttMatrix {
  readonly n: number;
  readonly rttMs: Float64Array;
}

export function loadRttMatrix(path: string): RttMatrix {
  const rows = readFileSync(path, 'utf8').trim().split('\n');
  const n = rows.length;
  const rttMs = new Float64Array(n * n);
  rows.forEach((row, i) => {
    const cells = row.trim().split('\t');
    if (cells.length !== n) throw new Error(`${path}: row ${i} has ${cells.length} cells, expected ${n}`);
    cells.forEach((cell, j) => (rttMs[i * n + j] = Number(cell)));
  });
  return { n, rttMs };
}

interface QueuedEvent {
  readonly timeUs: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** A binary min-heap on (timeUs, seq): the total, exact event order of the real kernel. */
class EventHeap {
  private readonly items: QueuedEvent[] = [];
  get size(): number {
    return this.items.length;
  }
  push(event: QueuedEvent): void {
    const a = this.items;
    a.push(event);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }
  pop(): QueuedEvent {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as QueuedEvent;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.timeUs < b.timeUs || (a.timeUs === b.timeUs && a.seq < b.seq);
}

export interface MatrixNetworkOptions {
  readonly matrix: RttMatrix;
  readonly seed: number;
  readonly bootstrapCount: number;
  /**
   * Live-network noise: with this probability a one-way delay is stretched by a queueing spike,
   * (rtt/2) * (1 + exponential(mean 1)). 0 = the matrix exactly, as in the simulator.
   */
  readonly spikeProbability: number;
}

/** Nodes 0..n-1 running a stack over the matrix; messages are delivered after rtt/2. */
export class MatrixNetwork {
  private readonly heap = new EventHeap();
  private seq = 0;
  private nowUs = 0;
  readonly stacks: ReadonlyMap<string, Protocol>[] = [];
  readonly messagesSent = new Map<string, number>();

  constructor(
    private readonly options: MatrixNetworkOptions,
    stack: (contextFor: (name: string) => NodeContext) => ReadonlyMap<string, Protocol>,
  ) {
    for (let id = 0; id < options.matrix.n; id++) this.stacks.push(stack((name) => this.contextFor(id, name)));
    for (const protocols of this.stacks) for (const p of protocols.values()) p.onStart();
  }

  /**
   * Run every event up to and including `endMs`; throws past `eventsMax` (bounded runs).
   * `afterEvent` runs after each event (invariant checks in tests).
   */
  runUntil(endMs: number, eventsMax = 50_000_000, afterEvent?: () => void): void {
    const endUs = Math.round(endMs * 1000);
    let events = 0;
    while (this.heap.size > 0) {
      const next = this.heap.pop();
      if (next.timeUs > endUs) {
        this.heap.push(next);
        break;
      }
      if (++events > eventsMax) throw new Error(`MatrixNetwork: more than ${eventsMax} events before ${endMs} ms`);
      this.nowUs = next.timeUs;
      next.fire();
      afterEvent?.();
    }
    this.nowUs = endUs;
  }

  private at(delayUs: number, fire: () => void): QueuedEvent {
    const event = { timeUs: this.nowUs + Math.max(0, Math.round(delayUs)), seq: this.seq++, fire };
    this.heap.push(event);
    return event;
  }

  private contextFor(id: NodeId, name: string): NodeContext {
    const { matrix, seed, bootstrapCount, spikeProbability } = this.options;
    const rng = randomStream(seed, name, id);
    const spikes = randomStream(seed, `${name}.spikes`, id);
    const sentKey = `${name}.messages`;
    return {
      id,
      rng,
      metrics: { count: () => undefined },
      nowMs: () => this.nowUs / 1000,
      setTimer: (delayMs: number, handler: () => void): TimerHandle => {
        let active = true;
        this.at(delayMs * 1000, () => {
          if (!active) return;
          active = false;
          handler();
        });
        return {
          cancel: () => void (active = false),
          get active() {
            return active;
          },
        };
      },
      send: (to: NodeId, message: Message): void => {
        this.messagesSent.set(sentKey, (this.messagesSent.get(sentKey) ?? 0) + 1);
        const oneWayMs = matrix.rttMs[id * matrix.n + to] / 2;
        const delayMs = spikeProbability > 0 && spikes.next() < spikeProbability ? oneWayMs * (1 + spikes.exponential(1)) : oneWayMs;
        this.at(delayMs * 1000, () => this.stacks[to].get(name)?.onMessage(id, message));
      },
      bootstrapPeers: () => {
        const pick = randomStream(seed, 'bootstrap', id);
        const chosen = new Set<NodeId>();
        while (chosen.size < Math.min(bootstrapCount, matrix.n - 1)) {
          const peer = pick.int(matrix.n);
          if (peer !== id) chosen.add(peer);
        }
        return [...chosen];
      },
    };
  }
}

export interface ErrorStats {
  readonly median: number;
  readonly p90: number;
}

/** Relative error |est - rtt| / rtt over all pairs i < j with rtt > 0. */
export function relativeErrorStats(matrix: RttMatrix, coords: readonly Coordinate[]): ErrorStats {
  const { n, rttMs } = matrix;
  const errors: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const rtt = rttMs[i * n + j];
      if (rtt > 0) errors.push(Math.abs(distanceMs(coords[i], coords[j]) - rtt) / rtt);
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
  const net = new MatrixNetwork({ matrix, seed, bootstrapCount: 4, spikeProbability: options.spikeProbability ?? 0 }, vivaldiStack(config));
  net.runUntil(rounds * config.vivaldi.periodMs);
  const coords = net.stacks.map((s) => (s.get(VIVALDI) as VivaldiProtocol).coordinate());
  return { ...relativeErrorStats(matrix, coords), coords };
}

export const PLANETLAB_490_PATH = '/work/shared/data/rtt/planetlab-490.tsv';

function main(argv: readonly string[]): void {
  const dimensions = Number(argv[0] ?? 2);
  const rounds = Number(argv[1] ?? 500);
  const seed = Number(argv[2] ?? 1);
  const overrides = JSON.parse(argv[3] ?? '{}') as { vivaldi?: Partial<VivaldiConfig>; gossip?: Partial<GossipConfig>; spikeProbability?: number };
  const matrix = loadRttMatrix(process.env.RTT_MATRIX ?? PLANETLAB_490_PATH);
  const config: VivaldiStackConfig = {
    gossip: { ...defaultGossipConfig, ...overrides.gossip },
    vivaldi: { ...defaultVivaldiConfig, dimensions, ...overrides.vivaldi },
  };
  const started = process.hrtime.bigint();
  const stats = runVivaldiOnMatrix({ matrix, config, rounds, seed, spikeProbability: overrides.spikeProbability });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `seed=${seed} dims=${dimensions}${config.vivaldi.useHeight ? '+h' : ''} rounds=${rounds} ` +
      `median=${(100 * stats.median).toFixed(2)}% p90=${(100 * stats.p90).toFixed(2)}% wall=${wallMs.toFixed(0)}ms`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) main(process.argv.slice(2));

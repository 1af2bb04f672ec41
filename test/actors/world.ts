/**
 * A small simulated world for actor tests: the real kernel, SimRuntime and a matrix network of
 * n hosts with short round trips (2 to 6 ms), so latency stays well under detector periods.
 */
import { Simulator } from '../../src/kernel/simulator.js';
import { msToUs } from '../../src/kernel/time.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import type { RttMatrix } from '../../src/platform/types.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import type { NodeId, Protocol, StackBuilder } from '../../src/runtime/context.js';
import { ACTORS, type ActorNode, type CandidateSource, type ChurnEvent } from '../../src/actors/index.js';

export const RTT_MAX_MS = 6;

export function shortRttMatrix(n: number): RttMatrix {
  const rttUs = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rttUs[i * n + j] = i === j ? 0 : 1000 * (2 + ((i + j) % 5));
  return { name: `short-${n}`, n, labels: Array.from({ length: n }, (_, i) => String(i)), rttUs };
}

export class ActorWorld {
  readonly sim = new Simulator();
  readonly counters = new Counters();
  readonly runtime: SimRuntime;

  constructor(n: number, seed: number, stack: StackBuilder) {
    const network = new MatrixNetwork(shortRttMatrix(n), 1e9);
    this.runtime = new SimRuntime({ sim: this.sim, network, seed, stack, bootstrapCount: 3, counters: this.counters });
    this.runtime.startAll();
  }

  runUntil(endMs: number): void {
    this.sim.run({ endUs: msToUs(endMs), eventsMax: this.sim.eventsProcessed + 5_000_000 });
  }

  /** Run `action` at virtual time `atMs` (not in the past). */
  at(atMs: number, action: () => void): void {
    this.sim.at(msToUs(atMs), action);
  }

  nowMs(): number {
    return this.sim.nowUs() / 1000;
  }

  node(id: NodeId): ActorNode {
    const node = this.runtime.protocolOf<ActorNode>(id, ACTORS);
    if (node === undefined) throw new Error(`node ${id} is down`);
    return node;
  }

  protocolOf<P extends Protocol>(id: NodeId, name: string): P {
    const protocol = this.runtime.protocolOf<P>(id, name);
    if (protocol === undefined) throw new Error(`node ${id} runs no ${name}`);
    return protocol;
  }

  /** Apply a churn schedule: a leave crashes the node, a join recovers it with fresh state. */
  applyChurn(events: readonly ChurnEvent[]): void {
    for (const event of events) {
      this.at(event.timeMs, () => (event.kind === 'leave' ? this.runtime.crashNode(event.node) : this.runtime.recoverNode(event.node)));
    }
  }
}

/** Membership of every other node: the simplest candidate source. */
export class FullMembership implements Protocol, CandidateSource {
  private readonly others: NodeId[];
  constructor(self: NodeId, n: number) {
    this.others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== self);
  }
  peers(): readonly NodeId[] {
    return this.others;
  }
  onStart(): void {}
  onMessage(): void {}
}

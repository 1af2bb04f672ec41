/** A Chord ring on a plane RTT matrix, through the real kernel and SimRuntime, with ground truth. */
import { Simulator } from '../../src/kernel/simulator.js';
import { msToUs } from '../../src/kernel/time.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { CHORD, type ChordConfig, ChordProtocol, defaultChordConfig, type ChordStackConfig, type LookupOutcome, chordRingId, chordStack } from '../../src/protocols/chord/index.js';
import { planeMatrix } from './matrix.js';

/** SimGrid's workload, 20x faster (the ring is small and the latencies are ms). */
export const FAST: ChordConfig = {
  ...defaultChordConfig,
  stabilizePeriodMs: 1000,
  fixFingersPeriodMs: 2000,
  fingersPerFix: 4,
  checkPredecessorPeriodMs: 2000,
  lookupPeriodMs: 500,
  rpcTimeoutMs: 1000,
};

export interface JudgedOutcome extends LookupOutcome {
  readonly node: number;
  readonly correct: boolean;
}

export class ChordRing {
  readonly sim = new Simulator();
  readonly counters = new Counters();
  readonly runtime: SimRuntime;
  readonly matrix;
  readonly outcomes: JudgedOutcome[] = [];

  constructor(
    readonly n: number,
    readonly seed: number,
    readonly config: ChordConfig,
    stack: Omit<ChordStackConfig, 'chord'> = {},
  ) {
    this.matrix = planeMatrix(n, seed);
    this.runtime = new SimRuntime({ sim: this.sim, network: new MatrixNetwork(this.matrix, 1e9), seed, stack: chordStack({ ...stack, chord: config }), bootstrapCount: 4, counters: this.counters });
    this.runtime.startAll();
  }

  chord(id: number): ChordProtocol | undefined {
    return this.runtime.protocolOf<ChordProtocol>(id, CHORD);
  }

  /** Ring members now: up and joined, sorted by ring id. */
  members(): { id: number; ringId: number }[] {
    const out: { id: number; ringId: number }[] = [];
    for (let id = 0; id < this.n; id++) if (this.chord(id)?.isJoined()) out.push({ id, ringId: chordRingId(id, this.config.idBits) });
    return out.sort((a, b) => a.ringId - b.ringId);
  }

  /** The true successor of `key` among `members` (sorted). */
  static owner(members: readonly { id: number; ringId: number }[], key: number): number {
    for (const m of members) if (m.ringId >= key) return m.id;
    return members[0].id;
  }

  /** Judge every outcome logged since the last drain against the members now (call before any churn). */
  drain(): void {
    const members = this.members();
    for (let id = 0; id < this.n; id++) {
      const chord = this.chord(id);
      if (chord === undefined) continue;
      for (const o of chord.drainLookups()) this.outcomes.push({ ...o, node: id, correct: o.ok && o.owner === ChordRing.owner(members, o.key) });
    }
  }

  run(untilMs: number): void {
    this.sim.run({ endUs: msToUs(untilMs), eventsMax: this.sim.eventsProcessed + 50_000_000 });
  }
}

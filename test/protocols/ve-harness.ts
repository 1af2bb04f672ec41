/**
 * The VE protocol on a real Chord ring over the small simulated cloud of
 * test/support/cloud-world.ts (the real kernel, SimRuntime, Cloud and SimHypervisors): each
 * host runs Chord and the VE protocol, and the harness plays the scenario's part, telling the
 * target host of every migration that ended (`vmArrived`).
 */
import { msToUs } from '../../src/kernel/time.js';
import type { NodeId } from '../../src/runtime/context.js';
import { CHORD, type ChordProtocol, chordRingId, defaultChordConfig } from '../../src/protocols/chord/index.js';
import { VE, type VeConfig, type VeOutcome, type VeProtocol, type VeResult, defaultVeConfig, veKey, veStack } from '../../src/protocols/ve/index.js';
import { defaultStoreConfig, type StoreConfig } from '../../src/protocols/store/index.js';
import { CloudWorld } from '../support/cloud-world.js';
import { FAST } from './chord-harness.js';

/** The harness's Chord: FAST without its lookup workload. */
export const VE_CHORD = { ...FAST, lookupPeriodMs: 0 } as const satisfies typeof defaultChordConfig;

/** Reports every 5 s, forgotten after 15 s; hosts get 2 s to answer, operations 6 s; no workload. */
export const FAST_VE: VeConfig = {
  ...defaultVeConfig,
  veCount: 8,
  operationTimeoutMs: 6000,
  hostAnswerTimeoutMs: 2000,
  migrationTimeoutMs: 60_000,
  refreshPeriodMs: 5000,
  entryTtlMs: 15_000,
  reportRetryMs: 500,
  outcomeLogMax: 100_000,
};

export interface VeWorldOptions {
  readonly hosts: number;
  readonly vmsPerHost: number;
  readonly seed: number;
  readonly pops?: number;
  readonly ve?: Partial<VeConfig>;
  /** Run the replicated store on every host (the whole world its ring), with these settings. */
  readonly store?: Partial<StoreConfig>;
}

export interface LoggedVeOutcome extends VeOutcome {
  readonly drainedFrom: NodeId;
}

export class VeWorld {
  readonly world: CloudWorld;
  readonly config: VeConfig;
  /** The VE of each VM, as the scenario knows it (for `vmArrived` at a migration's end). */
  readonly veOfVm = new Map<number, number>();
  readonly outcomes: LoggedVeOutcome[] = [];

  constructor(readonly options: VeWorldOptions) {
    this.config = { ...FAST_VE, targetNodeCount: options.hosts, ...options.ve };
    this.world = new CloudWorld({ hosts: options.hosts, vmsPerHost: options.vmsPerHost, seed: options.seed, pops: options.pops, stack: veStack({ chord: VE_CHORD, ve: this.config, store: options.store === undefined ? undefined : { ...defaultStoreConfig, clients: 0, nodeCount: options.hosts, ...options.store } }) });
    this.world.hypervisors.onMigrationEnded((m) => {
      const ve = this.veOfVm.get(m.vm);
      if (m.ok && ve !== undefined && this.world.runtime.isUp(m.to)) this.ve(m.to).vmArrived(m.vm, ve);
    });
  }

  get n(): number {
    return this.world.cloud.hostCount;
  }

  ve(id: NodeId): VeProtocol {
    const p = this.world.runtime.protocolOf<VeProtocol>(id, VE);
    if (p === undefined) throw new Error(`node ${id} is down`);
    return p;
  }

  chord(id: NodeId): ChordProtocol | undefined {
    return this.world.runtime.protocolOf<ChordProtocol>(id, CHORD);
  }

  allJoined(): boolean {
    for (let id = 0; id < this.n; id++) if (this.world.runtime.isUp(id) && !this.chord(id)?.isJoined()) return false;
    return true;
  }

  /** The true owner of `ve`'s key: its successor among the joined nodes now. */
  ownerOf(ve: number): NodeId {
    const key = veKey(ve, VE_CHORD.idBits);
    const members: { id: number; ringId: number }[] = [];
    for (let id = 0; id < this.n; id++) if (this.chord(id)?.isJoined()) members.push({ id, ringId: chordRingId(id, VE_CHORD.idBits) });
    members.sort((a, b) => a.ringId - b.ringId);
    return (members.find((m) => m.ringId >= key) ?? members[0]).id;
  }

  /** Scenario-style start: every member of `ve` is reported by the host it runs on. */
  arrive(ve: number, members: readonly number[]): void {
    for (const vm of members) {
      this.veOfVm.set(vm, ve);
      this.ve(this.world.cloud.hostOf(vm)).vmArrived(vm, ve);
    }
  }

  /** Issue one operation from `node`, run `forMs`, and return its result (undefined if none came). */
  run1(node: NodeId, issue: (p: VeProtocol, done: (r: VeResult) => void) => number, forMs = 8000): VeResult | undefined {
    let result: VeResult | undefined;
    let calls = 0;
    issue(this.ve(node), (r) => {
      calls++;
      result = r;
    });
    this.run(this.nowMs() + forMs);
    if (calls > 1) throw new Error(`operation from node ${node} called back ${calls} times`);
    return result;
  }

  nowMs(): number {
    return this.world.sim.nowUs() / 1000;
  }

  run(untilMs: number): void {
    this.world.sim.run({ endUs: msToUs(untilMs), eventsMax: this.world.sim.eventsProcessed + 20_000_000 });
  }

  /** Drain every live node's log into `outcomes`; returns those drained now. */
  drain(): LoggedVeOutcome[] {
    const now: LoggedVeOutcome[] = [];
    for (let id = 0; id < this.n; id++) {
      const p = this.world.runtime.protocolOf<VeProtocol>(id, VE);
      if (p === undefined) continue;
      for (const o of p.drainOperations()) now.push({ ...o, drainedFrom: id });
    }
    this.outcomes.push(...now);
    return now;
  }
}

/** The VM index on a Chord ring on a plane RTT matrix, through the real kernel and SimRuntime. */
import { Simulator } from '../../src/kernel/simulator.js';
import { msToUs } from '../../src/kernel/time.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { CHORD, type ChordConfig, type ChordProtocol, chordRingId, defaultChordConfig } from '../../src/protocols/chord/index.js';
import { type LocateOutcome, VM_INDEX, type VmIndexConfig, type VmIndexProtocol, defaultVmIndexConfig, vmIndexStack, vmKey } from '../../src/protocols/vm-index/index.js';
import { planeMatrix } from './matrix.js';
import { defaultStoreConfig, type StoreConfig } from '../../src/protocols/store/index.js';
import { VmPlacement, type VmPlacementOptions } from '../../src/scenario/vm-placement.js';
import { vmIndexCloud } from '../../src/scenario/vm-index-cloud.js';
import { CloudVmHistory } from '../../src/scenario/probes/cloud-vm-history.js';
import type { Cloud } from '../../src/platform/cloud.js';

/** SimGrid's Chord parameters, 20x faster, and no Chord workload of its own. */
export const FAST_CHORD: ChordConfig = {
  ...defaultChordConfig,
  stabilizePeriodMs: 1000,
  fixFingersPeriodMs: 2000,
  fingersPerFix: 4,
  checkPredecessorPeriodMs: 2000,
  lookupPeriodMs: 0,
  rpcTimeoutMs: 1000,
};

/** Refresh every 5 s, forget after 15 s; locates started by the tests (no workload). */
export const FAST_INDEX: VmIndexConfig = {
  ...defaultVmIndexConfig,
  vmCount: 200,
  locatePeriodMs: 0,
  answerTimeoutMs: 2000,
  refreshPeriodMs: 5000,
  entryTtlMs: 15_000,
  publishRetryMs: 500,
  outcomeLogMax: 100_000,
};

export interface LoggedLocate extends LocateOutcome {
  readonly node: number;
}

export class VmIndexRing {
  readonly sim = new Simulator();
  readonly counters = new Counters();
  readonly runtime: SimRuntime;
  readonly network: MatrixNetwork;
  /** Told when a host's machine goes down or comes back (a cloud model's hypervisors, once `placeVms` made one). */
  private onHostUp: ((id: number, up: boolean) => void) | null = null;
  /** Every locate drained so far, in node order then finishing order per drain. */
  readonly outcomes: LoggedLocate[] = [];

  constructor(
    readonly n: number,
    readonly seed: number,
    readonly chordConfig: ChordConfig = FAST_CHORD,
    readonly indexConfig: VmIndexConfig = FAST_INDEX,
    /** Run the replicated store on every node (the whole ring its membership), with these settings. */
    store?: Partial<StoreConfig>,
  ) {
    this.network = new MatrixNetwork(planeMatrix(n, seed), 1e9);
    this.runtime = new SimRuntime({ sim: this.sim, network: this.network, seed, stack: vmIndexStack({ chord: chordConfig, vmIndex: indexConfig, store: store === undefined ? undefined : { ...defaultStoreConfig, clients: 0, nodeCount: n, ...store } }), bootstrapCount: 4, counters: this.counters, onHostUp: (id, up) => this.onHostUp?.(id, up) });
    this.runtime.startAll();
  }

  index(id: number): VmIndexProtocol {
    const index = this.runtime.protocolOf<VmIndexProtocol>(id, VM_INDEX);
    if (index === undefined) throw new Error(`node ${id} is down`);
    return index;
  }

  /**
   * The index's VMs in a cloud model of their own (as a scenario without a cloud section has
   * them), its hypervisors told of crashes from now on, and the model's record of where they were.
   */
  placeVms(options: VmPlacementOptions): { placement: VmPlacement; truth: CloudVmHistory; cloud: Cloud } {
    const { cloud, hypervisors } = vmIndexCloud({ sim: this.sim, counters: this.counters, network: this.network, backbone: null, vmCount: options.vmCount, seed: options.seed, durationS: 0, scenarioFile: 'harness' });
    this.onHostUp = (id, up) => hypervisors.setHostUp(id, up);
    for (let id = 0; id < this.n; id++) if (!this.runtime.isUp(id)) hypervisors.setHostUp(id, false);
    const placement = new VmPlacement({ sim: this.sim, runtime: this.runtime, counters: this.counters, cloud, hypervisors }, options);
    return { placement, truth: new CloudVmHistory(this.sim, hypervisors, cloud.vmCount, options.vmCount), cloud };
  }

  chord(id: number): ChordProtocol | undefined {
    return this.runtime.protocolOf<ChordProtocol>(id, CHORD);
  }

  nowMs(): number {
    return this.sim.nowUs() / 1000;
  }

  /** The true owner of `vm`'s key: the successor of the key among the joined nodes now. */
  ownerOf(vm: number): number {
    const bits = this.chordConfig.idBits;
    const key = vmKey(vm, bits);
    const members: { id: number; ringId: number }[] = [];
    for (let id = 0; id < this.n; id++) if (this.chord(id)?.isJoined()) members.push({ id, ringId: chordRingId(id, bits) });
    members.sort((a, b) => a.ringId - b.ringId);
    for (const m of members) if (m.ringId >= key) return m.id;
    return members[0].id;
  }

  allJoined(): boolean {
    for (let id = 0; id < this.n; id++) if (this.runtime.isUp(id) && !this.chord(id)?.isJoined()) return false;
    return true;
  }

  /** Drain every node's locates into `outcomes`; returns those drained now. */
  drain(): LoggedLocate[] {
    const now: LoggedLocate[] = [];
    for (let id = 0; id < this.n; id++) {
      const index = this.runtime.protocolOf<VmIndexProtocol>(id, VM_INDEX);
      if (index === undefined) continue;
      for (const o of index.drainLocates()) now.push({ ...o, node: id });
    }
    this.outcomes.push(...now);
    return now;
  }

  run(untilMs: number): void {
    this.sim.run({ endUs: msToUs(untilMs), eventsMax: this.sim.eventsProcessed + 50_000_000 });
  }
}

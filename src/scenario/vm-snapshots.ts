/**
 * Periodic VM snapshots (issue 15 §2, reliable VEs): every `periodUs` each running VM of the
 * cloud section sends its snapshot (memory image plus the disk blocks written since the last
 * one) to a store host of another PoP, as a bulk transfer from its host that shares the NICs and
 * backbone links with migrations (`SimHypervisors.copy`, capped at the local disk's rate). A
 * snapshot counts once its last byte is stored; it then holds the VM's state as of the instant it
 * was taken (the transfer's start). A VM has one snapshot in flight at most: a period that finds
 * the previous one still in flight skips it. A store host that crashes loses the snapshots it
 * held (its disk goes with it), and a transfer cut by a crash of either end counts for nothing.
 *
 * This is the model's snapshot store, part of the world like the cloud model (it holds where
 * each VM's state is and as of when, the ground truth of a restart), not an agent protocol.
 *
 * Store choice, deterministic: the PoP nearest the VM's host by latency (another PoP, reachable,
 * with a host up; ties by index), and there the up host at position vm mod (up hosts).
 * VMs are staggered evenly over the period: VM v of n snapshots at period x (v + 1) / n, then
 * every period.
 */
import type { Simulator } from '../kernel/simulator.js';
import { type Cloud, VM_RUNNING } from '../platform/cloud.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';

const MIB = 1024 * 1024;

/** The backbone as the store choice needs it. */
export interface SnapshotNetwork {
  readonly hostPop: ArrayLike<number>;
  readonly popCount: number;
  /** Hosts of a PoP: [first, end). */
  hostsOf(pop: number): readonly [number, number];
  /** One-way latency between PoPs, < 0 when unreachable. */
  popLatencyUs(pa: number, pb: number): number;
}

export interface VmSnapshotsConfig {
  readonly periodUs: number;
  /** Memory image per snapshot, MiB; null = the VM's memory. */
  readonly memoryMiB: number | null;
  readonly diskDeltaMiB: number;
  /** Rate cap of one snapshot transfer (the local disk), bits/s. */
  readonly capBps: number;
}

export interface VmSnapshotsWorld {
  readonly sim: Simulator;
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
  readonly network: SnapshotNetwork;
}

export class VmSnapshots {
  /** VMs 0..vmCount-1 are snapshotted (the cloud section's, present at construction). */
  readonly vmCount: number;
  /** Per VM: the host holding its latest stored snapshot, -1 for none. */
  readonly storeHost: Int32Array;
  /** Per VM: the virtual time of the state its stored snapshot holds (when it was taken), us. */
  readonly stateUs: Float64Array;
  private readonly inFlight: Uint8Array;
  private snapshotsDone = 0;
  private bytesStored = 0;

  constructor(
    private readonly world: VmSnapshotsWorld,
    private readonly config: VmSnapshotsConfig,
  ) {
    if (!(Number.isInteger(config.periodUs) && config.periodUs >= 1)) throw new RangeError(`VmSnapshots: periodUs must be an integer >= 1, got ${config.periodUs}`);
    this.vmCount = world.cloud.vmCount;
    this.storeHost = new Int32Array(this.vmCount).fill(-1);
    this.stateUs = new Float64Array(this.vmCount);
    this.inFlight = new Uint8Array(this.vmCount);
    world.hypervisors.onHostUp((host, up) => {
      if (!up) this.storeCrashed(host);
    });
  }

  get done(): number {
    return this.snapshotsDone;
  }

  /** Bytes of the snapshots stored (every one crosses the backbone: its store is in another PoP). */
  get bytes(): number {
    return this.bytesStored;
  }

  /** Bytes of VM `vm`'s snapshot: its memory image and the disk delta. */
  snapshotBytes(vm: number): number {
    return ((this.config.memoryMiB ?? this.world.cloud.vmMemoryMiB[vm]) + this.config.diskDeltaMiB) * MIB;
  }

  start(): void {
    const { sim } = this.world;
    const n = this.vmCount;
    for (let vm = 0; vm < n; vm++) sim.after(Math.max(1, Math.floor((this.config.periodUs * (vm + 1)) / n)), () => this.tick(vm));
  }

  private tick(vm: number): void {
    this.world.sim.after(this.config.periodUs, () => this.tick(vm));
    this.take(vm);
  }

  private take(vm: number): void {
    const { cloud, hypervisors, sim } = this.world;
    if (this.inFlight[vm] === 1 || cloud.vmLost[vm] === 1 || cloud.vmState[vm] !== VM_RUNNING) return;
    const from = cloud.vmHost[vm];
    const to = this.storeFor(from, vm);
    if (to < 0) return;
    const takenUs = sim.nowUs();
    const bytes = this.snapshotBytes(vm);
    const id = hypervisors.copy(from, to, bytes, this.config.capBps, (ok) => {
      this.inFlight[vm] = 0;
      if (!ok) return;
      this.storeHost[vm] = to;
      this.stateUs[vm] = takenUs;
      this.snapshotsDone++;
      this.bytesStored += bytes;
    });
    if (id >= 0) this.inFlight[vm] = 1;
  }

  /** The store host for a VM on `host`: see the file's comment; -1 when no other PoP has a host up within reach. */
  storeFor(host: number, vm: number): number {
    const { network, cloud } = this.world;
    const home = network.hostPop[host];
    let best = -1;
    let bestUs = Infinity;
    for (let pop = 0; pop < network.popCount; pop++) {
      if (pop === home) continue;
      const us = network.popLatencyUs(home, pop);
      if (us < 0 || us >= bestUs || upHosts(cloud, network, pop) === 0) continue;
      best = pop;
      bestUs = us;
    }
    if (best < 0) return -1;
    const [first, end] = network.hostsOf(best);
    let k = vm % upHosts(cloud, network, best);
    for (let h = first; h < end; h++) if (cloud.hostUp[h] === 1 && k-- === 0) return h;
    return -1;
  }

  private storeCrashed(host: number): void {
    for (let vm = 0; vm < this.vmCount; vm++) if (this.storeHost[vm] === host) this.storeHost[vm] = -1;
  }
}

function upHosts(cloud: Cloud, network: SnapshotNetwork, pop: number): number {
  const [first, end] = network.hostsOf(pop);
  let count = 0;
  for (let h = first; h < end; h++) count += cloud.hostUp[h];
  return count;
}

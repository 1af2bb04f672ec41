/**
 * Restarts the VMs a crash took (issue 15 §2 and §5): from their snapshots, else, with
 * `cloud.images`, by a fresh boot from their image. `detectionUs` after a VM is lost:
 *
 * - if its latest snapshot is stored on a host still up, a host is chosen under its VE
 *   constraints (`restart-host.ts`: near the PoP it was lost in, or near the store when that PoP
 *   is cut off), the snapshot is fetched there from its store (a bulk transfer over the network
 *   model, `SimHypervisors.copy`, competing with migrations and snapshots), and the VM restarts
 *   there from it (`SimHypervisors.restoreVm`), after the choice is checked again against the
 *   model as it is then (a member may have moved meanwhile);
 * - else, with images, once every chunk of its image has a copy on a store up
 *   (`ImageStore.imageRecoverable`), it is placed at once on a host chosen by the same rule
 *   (near the PoP it was lost in, or near its image's first up store when that PoP has no host
 *   up) and boots afresh there (`ImageBoots` sees the restore: the VM runs once its boot set is
 *   read); everything it did since its last start is lost;
 * - else it stays lost.
 *
 * A VM the replication's watcher will fail over from its replica (`cloud.replication`,
 * `failsOver`) is left to it, whether a snapshot or an image could restart it: checked again
 * `retryUs` later (restored by then, or its failover no longer possible).
 *
 * A fetch cut by a crash, a choice no longer admissible, no admissible host, or an image with a
 * chunk on no live store: tried again `retryUs` later. Images alone run this service too: a VM
 * can always boot afresh from its image, whereas without images or a snapshot there is nothing
 * to restart it from.
 *
 * Why here, in the scenario layer, and not an agent protocol: this is the model's recovery
 * service, a cloud manager acting on the model's ground truth (which host crashed, where the
 * snapshots and image chunks are), as `vm-placement.ts` restarts the VM index's VMs; no node's
 * agent holds the snapshot or image catalogue yet, so there is nothing for a protocol to decide
 * through its node context.
 */
import { type VeMembers, veMembers } from './ve-members.js';
import type { Simulator } from '../kernel/simulator.js';
import { type Cloud, VM_RUNNING } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import { restartAdmissible, restartHost, type RestartHostInput } from './restart-host.js';
import type { ImageStore } from './image-store.js';
import type { VmSnapshots } from './vm-snapshots.js';

export interface VmRecoveryWorld {
  readonly sim: Simulator;
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
  /** The section's VMs (0..vmCount-1) are the service's. */
  readonly vmCount: number;
  readonly snapshots: VmSnapshots | null;
  readonly images: ImageStore | null;
  readonly constraints: readonly VeConstraint[];
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  readonly popLatencyUs: (pa: number, pb: number) => number;
  /** The replication's watcher will fail this lost VM over from its replica: left to it. */
  readonly failsOver: (vm: number) => boolean;
}

export interface VmRecoveryConfig {
  readonly detectionUs: number;
  /** Wait before trying a restart again. */
  readonly retryUs: number;
  /** Rate cap of a fetch (the store's disk), bits/s. */
  readonly capBps: number;
}

/** How a VM was last restarted. */
export const RESTART_FROM_SNAPSHOT = 1;
export const RESTART_FROM_IMAGE = 2;

export class VmRecovery {
  /** Per VM: RESTART_FROM_SNAPSHOT or RESTART_FROM_IMAGE for its latest restart, 0 before any. */
  readonly restartedFrom: Uint8Array;
  /** Per VM: the PoP it was lost in (-1 while it runs). */
  private readonly lostPop: Int32Array;
  /** Per VM: the host its snapshot is being fetched to, -1 if none. */
  private readonly fetchingTo: Int32Array;
  private readonly reservedMilli: Float64Array;
  private readonly membersOf: VeMembers['membersOf'];
  private readonly constraintsOf: VeMembers['constraintsOf'];

  constructor(
    private readonly world: VmRecoveryWorld,
    private readonly config: VmRecoveryConfig,
  ) {
    const { cloud, vmCount, hypervisors } = world;
    this.restartedFrom = new Uint8Array(vmCount);
    this.lostPop = new Int32Array(vmCount).fill(-1);
    this.fetchingTo = new Int32Array(vmCount).fill(-1);
    this.reservedMilli = new Float64Array(cloud.hostCount);
    ({ membersOf: this.membersOf, constraintsOf: this.constraintsOf } = veMembers(cloud, vmCount, world.constraints));
    hypervisors.onVmPlaced((vm, from, to) => {
      if (to >= 0 || vm >= vmCount) return;
      this.lostPop[vm] = world.hostPop[from];
      world.sim.after(config.detectionUs, () => this.tryRestart(vm));
    });
  }

  private tryRestart(vm: number): void {
    const { cloud, snapshots, sim, hypervisors } = this.world;
    if (cloud.vmLost[vm] === 0 || this.fetchingTo[vm] >= 0) return;
    if (this.world.failsOver(vm)) {
      sim.after(this.config.retryUs, () => this.tryRestart(vm));
      return;
    }
    if (snapshots === null || snapshots.storeHost[vm] < 0) {
      this.tryFreshBoot(vm);
      return;
    }
    const store = snapshots.storeHost[vm];
    const to = restartHost(this.restartInput(vm, this.snapshotNearPop(vm, store)));
    const bytes = snapshots.snapshotBytes(vm);
    const memoryMiB = cloud.vmMemoryMiB[vm];
    const milli = demandMilli(cloud, vm);
    const id = to < 0 ? -1 : hypervisors.copy(store, to, bytes, this.config.capBps, (ok) => this.fetched(vm, to, memoryMiB, milli, ok));
    if (id < 0) {
      sim.after(this.config.retryUs, () => this.tryRestart(vm));
      return;
    }
    this.fetchingTo[vm] = to;
    hypervisors.reserveIncomingMiB(to, memoryMiB); // migrations see the room taken
    this.reservedMilli[to] += milli;
  }

  private fetched(vm: number, to: number, memoryMiB: number, milli: number, ok: boolean): void {
    const { cloud, hypervisors, sim } = this.world;
    this.fetchingTo[vm] = -1;
    hypervisors.reserveIncomingMiB(to, -memoryMiB);
    this.reservedMilli[to] -= milli;
    if (cloud.vmLost[vm] === 0) return;
    // The chosen host still takes the VM now (a member may have moved, a host filled meanwhile).
    if (ok && restartAdmissible(this.restartInput(vm, this.lostPop[vm]), to)) {
      this.restart(vm, to, RESTART_FROM_SNAPSHOT);
      return;
    }
    sim.after(this.config.retryUs, () => this.tryRestart(vm));
  }

  /** No snapshot: boot afresh from the image once it can be read whole; without images the VM stays lost. */
  private tryFreshBoot(vm: number): void {
    const { images, sim } = this.world;
    if (images === null) return;
    const lostPop = this.lostPop[vm];
    const nearPop = images.isUp(lostPop) ? lostPop : images.firstUpStore(vm);
    const to = !images.imageRecoverable(vm) || nearPop < 0 ? -1 : restartHost(this.restartInput(vm, nearPop));
    if (to < 0) sim.after(this.config.retryUs, () => this.tryRestart(vm));
    else this.restart(vm, to, RESTART_FROM_IMAGE);
  }

  private restart(vm: number, to: number, from: number): void {
    this.restartedFrom[vm] = from;
    this.lostPop[vm] = -1;
    this.world.hypervisors.restoreVm(vm, to);
  }

  /** Near the PoP the VM was lost in, or near its snapshot's store when that PoP is cut off (crashed). */
  private snapshotNearPop(vm: number, store: number): number {
    const storePop = this.world.hostPop[store];
    const lostPop = this.lostPop[vm];
    return lostPop === storePop || this.world.popLatencyUs(lostPop, storePop) >= 0 ? lostPop : storePop;
  }

  private restartInput(vm: number, nearPop: number): RestartHostInput {
    const { cloud } = this.world;
    const ve = cloud.vmVe[vm];
    return {
      cloud,
      vm,
      fromPop: nearPop,
      constraints: ve < 0 ? [] : (this.constraintsOf.get(ve) ?? []),
      members: ve < 0 ? [] : (this.membersOf.get(ve) ?? []).filter((m) => m !== vm),
      restartingOn: (m) => this.fetchingTo[m],
      reservedMiB: (h) => this.world.hypervisors.reservedMiBOf(h), // replicas' memory included
      reservedMilli: this.reservedMilli,
      hostPop: this.world.hostPop,
      hostCountry: this.world.hostCountry,
      popLatencyUs: this.world.popLatencyUs,
    };
  }
}

/** The CPU demand a VM will add once running again, millicores (as the model counts it). */
function demandMilli(cloud: Cloud, vm: number): number {
  return cloud.vmState[vm] === VM_RUNNING ? Math.round(cloud.vmVcpus[vm] * cloud.vmLoadPercent[vm] * 10) : 0;
}

/**
 * Fresh boots of the VMs a crash took, from their images (issue 15 §1 and §5), with
 * `cloud.images`. `detectionUs` after a VM is lost:
 *
 * - a VM with a snapshot file on a live store (`cloud.snapshots`) is the recovery agent's
 *   (`protocols/recovery/`, on every host): left to it, checked again `retryUs` later (restored by
 *   then, or its file gone with its store);
 * - else, once every chunk of its image has a copy on a store up
 *   (`ImageStore.imageRecoverable`), it is placed at once on a host chosen by the rule of
 *   `restart-host.ts` (near the PoP it was lost in, or near its image's first up store when that
 *   PoP has no host up) and boots afresh there (`ImageBoots` sees the restore: the VM runs once
 *   its boot set is read); everything it did since its last start is lost;
 * - else it is tried again `retryUs` later.
 *
 * A VM the replication's watcher will fail over from its replica (`cloud.replication`,
 * `failsOver`) is left to it, checked again `retryUs` later.
 *
 * Why here, in the scenario layer, and not in the agent: the image store is the model's
 * (`image-store.ts`: which chunks are where, ground truth), and no agent keeps an image
 * catalogue yet; the snapshots' restarts, which an agent can decide from its own catalogue, moved
 * into the agent.
 */
import { type VeMembers, veMembers } from './ve-members.js';
import type { Simulator } from '../kernel/simulator.js';
import type { Cloud } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import { restartHost, type RestartHostInput } from './restart-host.js';
import type { ImageStore } from './image-store.js';

export interface VmRecoveryWorld {
  readonly sim: Simulator;
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
  /** The section's VMs (0..vmCount-1) are the service's. */
  readonly vmCount: number;
  /** A live store holds a snapshot file of this VM: the recovery agent's to restart. */
  readonly hasSnapshot: (vm: number) => boolean;
  readonly images: ImageStore;
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
}

/** How a VM was last restarted by this service. */
export const RESTART_FROM_IMAGE = 2;

export class VmRecovery {
  /** Per VM: RESTART_FROM_IMAGE once this service booted it afresh, 0 before any. */
  readonly restartedFrom: Uint8Array;
  /** Per VM: the PoP it was lost in (-1 while it runs). */
  private readonly lostPop: Int32Array;
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
    this.reservedMilli = new Float64Array(cloud.hostCount);
    ({ membersOf: this.membersOf, constraintsOf: this.constraintsOf } = veMembers(cloud, vmCount, world.constraints));
    hypervisors.onVmPlaced((vm, from, to) => {
      if (vm >= vmCount) return;
      if (to >= 0) {
        if (from < 0) this.lostPop[vm] = -1; // restored, by whoever
        return;
      }
      this.lostPop[vm] = world.hostPop[from];
      world.sim.after(config.detectionUs, () => this.tryRestart(vm));
    });
  }

  private tryRestart(vm: number): void {
    const { cloud, sim, images } = this.world;
    if (cloud.vmLost[vm] === 0) return;
    if (this.world.failsOver(vm) || this.world.hasSnapshot(vm)) {
      sim.after(this.config.retryUs, () => this.tryRestart(vm));
      return;
    }
    const lostPop = this.lostPop[vm];
    const nearPop = images.isUp(lostPop) ? lostPop : images.firstUpStore(vm);
    const to = !images.imageRecoverable(vm) || nearPop < 0 ? -1 : restartHost(this.restartInput(vm, nearPop));
    if (to < 0) {
      sim.after(this.config.retryUs, () => this.tryRestart(vm));
      return;
    }
    this.restartedFrom[vm] = RESTART_FROM_IMAGE;
    this.lostPop[vm] = -1;
    this.world.hypervisors.restoreVm(vm, to);
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
      restartingOn: () => -1,
      reservedMiB: (h) => this.world.hypervisors.reservedMiBOf(h), // replicas' memory included
      reservedMilli: this.reservedMilli,
      hostPop: this.world.hostPop,
      hostCountry: this.world.hostCountry,
      popLatencyUs: this.world.popLatencyUs,
    };
  }
}

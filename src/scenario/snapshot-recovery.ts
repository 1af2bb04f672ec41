/**
 * Restarts the VMs a crash took from their snapshots (issue 15 §2). `detectionUs` after a VM is
 * lost, if its latest snapshot is stored on a host still up, a host is chosen under its VE
 * constraints (`restart-host.ts`: near the PoP it was lost in, or near the store when that PoP is
 * cut off), the snapshot is fetched there from its store (a bulk transfer
 * over the network model, `SimHypervisors.copy`, competing with migrations and snapshots), and
 * the VM restarts there from it (`SimHypervisors.restoreVm`), after the choice is checked again
 * against the model as it is then (a member may have moved meanwhile). A fetch cut by a crash,
 * a choice no longer admissible, or no admissible host: tried again a period later. A VM without
 * a stored snapshot (none done yet, or its store crashed) stays lost.
 *
 * Why here, in the scenario layer, and not an agent protocol: this is the model's recovery
 * service, a cloud manager acting on the model's ground truth (which host crashed, where the
 * snapshots are), as `vm-placement.ts` restarts the VM index's VMs; no node's agent holds the
 * snapshot catalogue yet, so there is nothing for a protocol to decide through its node context.
 */
import type { Simulator } from '../kernel/simulator.js';
import { type Cloud, VM_RUNNING } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import { restartAdmissible, restartHost, type RestartHostInput } from './restart-host.js';
import type { VmSnapshots } from './vm-snapshots.js';

export interface SnapshotRecoveryWorld {
  readonly sim: Simulator;
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
  readonly snapshots: VmSnapshots;
  readonly constraints: readonly VeConstraint[];
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  readonly popLatencyUs: (pa: number, pb: number) => number;
  /** The replication's watcher will fail this lost VM over from its replica: left to it (checked again a period later). */
  readonly failsOver?: (vm: number) => boolean;
}

export interface SnapshotRecoveryConfig {
  readonly detectionUs: number;
  /** Wait before trying a restart again. */
  readonly retryUs: number;
  /** Rate cap of a fetch (the store's disk), bits/s. */
  readonly capBps: number;
}

export class SnapshotRecovery {
  /** Per VM: the PoP it was lost in (-1 while it runs). */
  private readonly lostPop: Int32Array;
  /** Per VM: the host its snapshot is being fetched to, -1 if none. */
  private readonly fetchingTo: Int32Array;
  private readonly reservedMilli: Float64Array;
  private readonly membersOf = new Map<number, number[]>();
  private readonly constraintsOf = new Map<number, VeConstraint[]>();

  constructor(
    private readonly world: SnapshotRecoveryWorld,
    private readonly config: SnapshotRecoveryConfig,
  ) {
    const { cloud, snapshots, hypervisors } = world;
    this.lostPop = new Int32Array(snapshots.vmCount).fill(-1);
    this.fetchingTo = new Int32Array(snapshots.vmCount).fill(-1);
    this.reservedMilli = new Float64Array(cloud.hostCount);
    for (let vm = 0; vm < snapshots.vmCount; vm++) {
      const ve = cloud.vmVe[vm];
      if (ve < 0) continue;
      const list = this.membersOf.get(ve);
      if (list === undefined) this.membersOf.set(ve, [vm]);
      else list.push(vm);
    }
    for (const c of world.constraints) {
      const list = this.constraintsOf.get(c.ve);
      if (list === undefined) this.constraintsOf.set(c.ve, [c]);
      else list.push(c);
    }
    hypervisors.onVmPlaced((vm, from, to) => {
      if (to >= 0 || vm >= snapshots.vmCount) return;
      this.lostPop[vm] = world.hostPop[from];
      world.sim.after(config.detectionUs, () => this.tryRestart(vm));
    });
  }

  private tryRestart(vm: number): void {
    const { cloud, snapshots, sim, hypervisors } = this.world;
    if (cloud.vmLost[vm] === 0 || this.fetchingTo[vm] >= 0) return;
    if (this.world.failsOver?.(vm) === true) {
      sim.after(this.config.retryUs, () => this.tryRestart(vm));
      return;
    }
    const store = snapshots.storeHost[vm];
    if (store < 0) return; // no snapshot: the VM stays lost
    const to = this.choose(vm);
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
    if (ok && this.stillAdmissible(vm, to)) {
      hypervisors.restoreVm(vm, to);
      this.lostPop[vm] = -1;
      return;
    }
    sim.after(this.config.retryUs, () => this.tryRestart(vm));
  }

  private choose(vm: number): number {
    return restartHost(this.restartInput(vm));
  }

  /** The chosen host still takes the VM now (a member may have moved, a host filled meanwhile). */
  private stillAdmissible(vm: number, to: number): boolean {
    return restartAdmissible(this.restartInput(vm), to);
  }

  private restartInput(vm: number): RestartHostInput {
    const { cloud, hostPop, popLatencyUs } = this.world;
    const ve = cloud.vmVe[vm];
    // Near the PoP the VM was lost in, or near its snapshot's store when that PoP is cut off (crashed).
    const storePop = hostPop[this.world.snapshots.storeHost[vm]];
    const lostPop = this.lostPop[vm];
    return {
      cloud,
      vm,
      fromPop: lostPop === storePop || popLatencyUs(lostPop, storePop) >= 0 ? lostPop : storePop,
      constraints: ve < 0 ? [] : (this.constraintsOf.get(ve) ?? []),
      members: ve < 0 ? [] : (this.membersOf.get(ve) ?? []).filter((m) => m !== vm),
      restartingOn: (m) => this.fetchingTo[m],
      reservedMiB: (h) => this.world.hypervisors.reservedMiBOf(h),
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

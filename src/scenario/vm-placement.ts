/**
 * The VM index's VMs in the cloud model (issue 13: one VM model). At start `vmCount` VMs are
 * created through the hypervisors on hosts drawn uniformly among the up ones; then VMs move as a
 * Poisson process of `movesPerS` (a VM drawn uniformly, to another up host drawn uniformly), each
 * move a cold relocation of the model (`SimHypervisors.relocateVm`: at the drawn instant, as the
 * schedule a live launch plays gives it, see below). A host that crashes takes its VMs (the
 * model's rule: lost, `vms.lost`); within `checkPeriodMs` they are restarted on live hosts drawn
 * uniformly (`restoreVm`, `vms.restored`), as a cloud manager restarts the VMs of a failed host
 * from their disks; with no host up they stay lost (`vms.stranded`, tried again at the next check).
 * A host whose agent restarted while the machine ran on keeps its VMs, and its fresh index is
 * told of them again at the next check, as the live player does at an agent's start.
 *
 * The index learns of arrivals and departures from the hypervisors' events (`onVmPlaced`), as a
 * host's hypervisor agent would tell it: `vmArrived` on the new host with the VM's placement count
 * as its version (0 at creation, +1 at each move or restart), `vmDeparted` on the host it left if
 * that one still runs. Ground truth for scoring is the model's record (`probes/cloud-vm-history.ts`).
 *
 * Why relocations rather than live migrations: the moves are the schedule that a live launch plays
 * (`vm-schedule.ts`: labels moved at exact instants, drawn by the same functions of `vm-moves.ts`
 * on the stream `vms`), so that a simulated twin moves the same VMs at the same instants as the
 * live agents. A pre-copy migration would end seconds after the drawn instant and could fail
 * ('busy', 'no-room'), and the twin would no longer be the live run's. VM k of the index is VM
 * `base + k` of the model (after a cloud section's own VMs, when the scenario has both).
 */
import type { Simulator } from '../kernel/simulator.js';
import { type Random, randomStream } from '../kernel/random.js';
import { msToUs } from '../kernel/time.js';
import type { CounterCell, Counters } from '../runtime/counters.js';
import type { NodeId } from '../runtime/context.js';
import type { SimRuntime } from '../runtime/sim/sim-runtime.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import type { Cloud, VmSpec } from '../platform/cloud.js';
import { VM_INDEX, type VmIndexProtocol } from '../protocols/vm-index/index.js';
import { drawInitialHost, drawMoveDelayUs, drawMovingVm, drawTargetHost } from './vm-moves.js';

export interface VmPlacementWorld {
  readonly sim: Simulator;
  readonly runtime: SimRuntime;
  readonly counters: Counters;
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
}

export interface VmPlacementOptions {
  readonly seed: number;
  readonly vmCount: number;
  /** Moves per second over all VMs (Poisson); 0 = VMs move only off failed hosts. */
  readonly movesPerS: number;
  /** How often lost VMs are restarted and restarted agents told of their VMs. */
  readonly checkPeriodMs?: number;
}

const CHECK_PERIOD_MS = 1000;
/** The index's VMs: idle, 1 vCPU and 1 GiB each (the index does not model load). */
export const VM_INDEX_VM: VmSpec = { vcpus: 1, memoryMiB: 1024, dirtyShare: 0, ve: -1 };

export class VmPlacement {
  readonly vmCount: number;
  /** VM k of the index is VM base + k of the model (set at start). */
  private base = -1;
  private readonly rng: Random;
  private readonly versionOf: Int32Array;
  /** Per host: the index's VMs it lost, in the order it lost them (restarted at the next check). */
  private readonly lostOn: number[][] = [];
  /** Per host: the vm-index instance last seen (to notice an agent that restarted). */
  private readonly agentOf: (VmIndexProtocol | undefined)[] = [];
  private readonly moves: CounterCell;
  private readonly restored: CounterCell;
  private readonly lost: CounterCell;
  private readonly stranded: CounterCell;
  private readonly refused: CounterCell;
  private readonly checkPeriodUs: number;

  constructor(
    private readonly world: VmPlacementWorld,
    private readonly options: VmPlacementOptions,
  ) {
    if (!(Number.isInteger(options.vmCount) && options.vmCount >= 1)) throw new RangeError(`vmCount must be an integer >= 1, got ${options.vmCount}`);
    if (!(options.movesPerS >= 0 && Number.isFinite(options.movesPerS))) throw new RangeError(`movesPerS must be a finite number >= 0, got ${options.movesPerS}`);
    if (world.cloud.vmsMax - world.cloud.vmCount < options.vmCount) throw new RangeError(`the cloud model has room for ${world.cloud.vmsMax - world.cloud.vmCount} more VMs, not ${options.vmCount}`);
    this.vmCount = options.vmCount;
    this.rng = randomStream(options.seed, 'vms');
    this.versionOf = new Int32Array(options.vmCount).fill(-1);
    for (let h = 0; h < world.runtime.nodeCount; h++) {
      this.lostOn.push([]);
      this.agentOf.push(undefined);
    }
    this.moves = world.counters.cell('vms.moves');
    this.restored = world.counters.cell('vms.restored');
    this.lost = world.counters.cell('vms.lost');
    this.stranded = world.counters.cell('vms.stranded');
    this.refused = world.counters.cell('vms.unindexed');
    this.checkPeriodUs = msToUs(options.checkPeriodMs ?? CHECK_PERIOD_MS);
    if (this.checkPeriodUs <= 0) throw new RangeError('checkPeriodMs must be > 0');
    world.hypervisors.onVmPlaced(this.onPlaced);
  }

  /** The model's id of the index's first VM (its VMs are base..base + vmCount - 1); -1 before start. */
  get firstVm(): number {
    return this.base;
  }

  /** Create every VM now (after the hosts started, and hosts that start down were crashed), then start moving them. */
  start(): void {
    const up = this.upHosts();
    if (up.length === 0) throw new Error('VmPlacement.start: no host is up');
    this.base = this.world.cloud.vmCount;
    for (let h = 0; h < this.agentOf.length; h++) this.agentOf[h] = this.agent(h);
    for (let vm = 0; vm < this.vmCount; vm++) this.world.hypervisors.createVm(VM_INDEX_VM, drawInitialHost(this.rng, up));
    if (this.options.movesPerS > 0) this.scheduleMove();
    this.world.sim.after(this.checkPeriodUs, this.onCheck);
  }

  /** The host VM `vm` of the index is on now, as the model says; -1 before start and while lost. */
  hostNow(vm: number): NodeId {
    return this.base < 0 ? -1 : this.world.cloud.vmHost[this.base + vm];
  }

  private agent(host: NodeId): VmIndexProtocol | undefined {
    return this.world.runtime.protocolOf<VmIndexProtocol>(host, VM_INDEX);
  }

  private upHosts(): NodeId[] {
    const out: NodeId[] = [];
    for (let h = 0; h < this.world.runtime.nodeCount; h++) if (this.world.runtime.isUp(h)) out.push(h);
    return out;
  }

  /** The hypervisors' event: tell the hosts' indexes, as their hypervisor agents would. */
  private readonly onPlaced = (vm: number, from: NodeId, to: NodeId): void => {
    const k = vm - this.base;
    if (this.base < 0 || k < 0 || k >= this.vmCount) return; // a VM of the cloud section
    if (from >= 0) this.agent(from)?.vmDeparted(k);
    if (to < 0) {
      this.lost.value++;
      this.lostOn[from].push(k);
      return;
    }
    this.versionOf[k]++;
    this.report(to, k);
  };

  private report(host: NodeId, k: number): void {
    const agent = this.agent(host);
    if (agent !== undefined && !agent.vmArrived(k, this.versionOf[k])) this.refused.value++;
  }

  private scheduleMove(): void {
    this.world.sim.after(drawMoveDelayUs(this.rng, this.options.movesPerS), this.onMove);
  }

  private readonly onMove = (): void => {
    const vm = drawMovingVm(this.rng, this.vmCount);
    const from = this.hostNow(vm);
    const to = drawTargetHost(this.rng, this.upHosts(), from);
    if (from >= 0 && to >= 0 && this.world.hypervisors.relocateVm(this.base + vm, to)) this.moves.value++;
    this.scheduleMove();
  };

  /** Restart the VMs lost since the last check on live hosts; tell restarted agents of the VMs their hosts hold. */
  private readonly onCheck = (): void => {
    const { runtime, cloud } = this.world;
    for (let h = 0; h < runtime.nodeCount; h++) {
      const agent = this.agent(h);
      if (agent !== this.agentOf[h]) {
        this.agentOf[h] = agent;
        if (agent !== undefined) for (const vm of cloud.vmsOf(h)) if (vm >= this.base && vm < this.base + this.vmCount) this.report(h, vm - this.base);
      }
      const lost = this.lostOn[h];
      for (let i = 0; i < lost.length; ) {
        const to = drawTargetHost(this.rng, this.upHosts(), h);
        if (to < 0) {
          this.stranded.value++;
          i++;
          continue;
        }
        this.world.hypervisors.restoreVm(this.base + lost[i], to);
        this.restored.value++;
        lost.splice(i, 1);
      }
    }
    this.world.sim.after(this.checkPeriodUs, this.onCheck);
  };
}

/**
 * Where the VM index's VMs truly were: the cloud model's own record, built from its hypervisors'
 * events (a VM created, moved, restored, lost with its host), for the VM index probe to judge a
 * locate against the host that held the VM when the owner answered. VM k of the index is VM
 * `base + k` of the model. A VM lost with its host is nowhere (`hostAt` -1) until restored.
 */
import type { SimHypervisors } from '../../runtime/sim/sim-hypervisor.js';
import type { NodeId } from '../../runtime/context.js';
import type { Simulator } from '../../kernel/simulator.js';
import { PlacementHistory } from '../vm-moves.js';

export class CloudVmHistory {
  private readonly history: PlacementHistory;

  constructor(sim: Simulator, hypervisors: SimHypervisors, readonly base: number, vmCount: number) {
    this.history = new PlacementHistory(vmCount);
    hypervisors.onVmPlaced((vm, _from, to) => {
      const k = vm - base;
      if (k >= 0 && k < vmCount) this.history.arrive(k, to, sim.nowUs() / 1000);
    });
  }

  /** The host VM `vm` of the index was on at `timeMs` (an arrival at exactly that time counts); -1 before its creation and while lost. */
  hostAt(vm: number, timeMs: number): NodeId {
    return this.history.hostAt(vm, timeMs);
  }

  /** Whether VM `vm` of the index was on `host` at some instant of [fromMs, toMs]. */
  wasOnDuring(vm: number, host: NodeId, fromMs: number, toMs: number): boolean {
    return this.history.wasOnDuring(vm, host, fromMs, toMs);
  }
}

/**
 * The VE members a node hosts, and its copies of their VEs' records. Pure bookkeeping.
 *   - a member is hosted from `arrive` (the scenario's hook at a migration's end, or a test)
 *     or from the hypervisor's own list (`sync`: a VM there with a VE id), until `depart` or
 *     until the hypervisor no longer lists it;
 *   - a record copy is kept while the node hosts a member of the VE, and only a newer version
 *     replaces it: the owner's record survives the owner, in the reports of the member hosts.
 * Bounds: `hostedMax` members (one more is refused, counted by the caller); copies are at most
 * one per hosted member's VE.
 */
import type { VmId, VmInfo } from '../../runtime/context.js';
import type { VeRecordData } from './ve-messages.js';

export class HostedVes {
  private readonly hosted = new Map<VmId, number>();
  private readonly copies = new Map<number, VeRecordData>();

  constructor(readonly hostedMax: number) {
    if (!(Number.isInteger(hostedMax) && hostedMax >= 1)) throw new RangeError(`hostedMax must be an integer >= 1, got ${hostedMax}`);
  }

  get size(): number {
    return this.hosted.size;
  }

  /** `vm` of VE `ve` runs here now; false when `hostedMax` members are hosted already. */
  arrive(vm: VmId, ve: number): boolean {
    if (!this.hosted.has(vm) && this.hosted.size >= this.hostedMax) return false;
    this.hosted.set(vm, ve);
    return true;
  }

  depart(vm: VmId): void {
    this.hosted.delete(vm);
  }

  /**
   * Align with the hypervisor's list: members it no longer lists left; VMs it lists with a VE
   * are hosted (a VE given by `arrive` wins). Returns how many could not be added (the bound).
   */
  sync(vms: readonly VmInfo[]): number {
    const present = new Set<VmId>();
    for (const info of vms) present.add(info.vm);
    for (const vm of [...this.hosted.keys()]) if (!present.has(vm)) this.hosted.delete(vm);
    let refused = 0;
    for (const info of vms) if (info.ve >= 0 && !this.hosted.has(info.vm) && !this.arrive(info.vm, info.ve)) refused++;
    return refused;
  }

  /** The VE of a hosted member, or undefined. */
  veOf(vm: VmId): number | undefined {
    return this.hosted.get(vm);
  }

  /** The VEs with a member here, increasing. */
  ves(): number[] {
    return [...new Set(this.hosted.values())].sort((a, b) => a - b);
  }

  /** The members of `ve` hosted here, increasing. */
  membersOf(ve: number): VmId[] {
    const out: VmId[] = [];
    for (const [vm, of] of this.hosted) if (of === ve) out.push(vm);
    return out.sort((a, b) => a - b);
  }

  hostedVms(): VmId[] {
    return [...this.hosted.keys()].sort((a, b) => a - b);
  }

  copyOf(ve: number): VeRecordData | null {
    return this.copies.get(ve) ?? null;
  }

  /** Keep the owner's record of `ve` if a member is hosted here and it is newer than the copy. */
  learn(ve: number, record: VeRecordData): void {
    const copy = this.copies.get(ve);
    if (copy !== undefined && copy.version >= record.version) return;
    for (const of of this.hosted.values()) {
      if (of !== ve) continue;
      this.copies.set(ve, record);
      return;
    }
  }

  /** Drop the copies of VEs no longer hosted. */
  prune(): void {
    const hostedVes = new Set(this.hosted.values());
    for (const ve of [...this.copies.keys()]) if (!hostedVes.has(ve)) this.copies.delete(ve);
  }
}

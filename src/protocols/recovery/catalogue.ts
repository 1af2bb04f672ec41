/**
 * A store agent's catalogue of the snapshots it holds: per VM, the instant of the state its file
 * holds (on the origin's clock), its size, the host it came from and the VM's spec (what a restore
 * elsewhere needs). A newer snapshot replaces an older one; a crash of the store loses it all
 * (the protocol restarts with an empty catalogue, as its disk is wiped). Iteration by VM id.
 */
import type { NodeId, VeId, VmId } from '../../runtime/context.js';

export interface CatalogueEntry {
  readonly vm: VmId;
  readonly origin: NodeId;
  readonly stateMs: number;
  readonly bytes: number;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly ve: VeId;
  /** The VM's CPU demand when it was snapshotted, millicores (what a restart will add to its host). */
  readonly demandMilli: number;
}

export class SnapshotCatalogue {
  private readonly entries = new Map<VmId, CatalogueEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(vm: VmId): CatalogueEntry | undefined {
    return this.entries.get(vm);
  }

  /** Keeps `entry` unless the catalogue holds a newer state of the VM; returns whether it was kept. */
  put(entry: CatalogueEntry): boolean {
    const held = this.entries.get(entry.vm);
    if (held !== undefined && held.stateMs > entry.stateMs) return false;
    this.entries.set(entry.vm, entry);
    return true;
  }

  /** The VM runs on `origin` now: its entry (if any) names it, keeping the file's state and spec. */
  moveTo(vm: VmId, origin: NodeId): boolean {
    const held = this.entries.get(vm);
    if (held === undefined) return false;
    this.entries.set(vm, { ...held, origin });
    return true;
  }

  forget(vm: VmId): boolean {
    return this.entries.delete(vm);
  }

  /** The VMs whose latest snapshot came from `origin`, by increasing id. */
  ofOrigin(origin: NodeId): VmId[] {
    const vms: VmId[] = [];
    for (const e of this.entries.values()) if (e.origin === origin) vms.push(e.vm);
    return vms.sort((a, b) => a - b);
  }

  /** The hosts the held snapshots came from, by increasing id (those a store watches). */
  origins(): NodeId[] {
    const set = new Set<NodeId>();
    for (const e of this.entries.values()) set.add(e.origin);
    return [...set].sort((a, b) => a - b);
  }
}

/**
 * What a node's protocols may ask of the hypervisor of their host: its capacity, its VMs and
 * their loads, and VM operations (start, stop, suspend, resume, migrate, snapshot). Simulated
 * by `runtime/sim/sim-hypervisor.ts` over the cloud model of `platform/cloud.ts`, real over
 * libvirt by `runtime/live/libvirt-hypervisor.ts`. Protocols reach it through
 * `NodeContext.hypervisor`, never directly.
 *
 * Units: CPU in cores (a VM's demand is vcpus x load / 100), memory in MiB, time in ms, bytes.
 * Everything returned is a snapshot: plain data, safe to put in a message.
 */
import type { NodeId } from './context.js';

export type VmId = number;
/** A virtual environment: a set of VMs with placement constraints. -1: a VM in no VE. */
export type VeId = number;

export interface HostInfo {
  readonly node: NodeId;
  readonly cores: number;
  readonly memoryMiB: number;
  /** The PoP the host sits in (dense index), and its country (ISO code or '' if unknown). */
  readonly site: number;
  readonly country: string;
}

export type VmState = 'running' | 'suspended' | 'stopped';

export interface VmInfo {
  readonly vm: VmId;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** CPU the VM asks for now, in cores: vcpus x load / 100 (0 unless running). */
  readonly cpuDemand: number;
  readonly state: VmState;
  readonly ve: VeId;
  /** True while the VM is being migrated away from this host (its demand still counts here). */
  readonly migrating: boolean;
  /**
   * True for a VM on its way here (`incomingVms()`: a live migration to this host in progress,
   * its memory reserved here, its demand still counted on its source); false in `vms()`.
   */
  readonly incoming: boolean;
}

export interface MigrationOutcome {
  readonly ok: boolean;
  /** Why it failed ('unknown-vm', 'not-here', 'busy', 'no-path', 'target-down', 'no-room', ...). */
  readonly reason: string;
  readonly durationMs: number;
  readonly downtimeMs: number;
  readonly bytes: number;
}

export interface SnapshotOutcome {
  readonly ok: boolean;
  readonly reason: string;
  readonly durationMs: number;
  readonly bytes: number;
}

/** A VM as a snapshot file holds it: enough to define and start it again on another host. */
export interface VmSpecInfo {
  readonly vm: VmId;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly ve: VeId;
}

export interface SnapshotShipOutcome {
  readonly ok: boolean;
  /** Why it failed ('not-here', 'not-running', 'no-snapshot', 'target-down', 'no-path', 'cut', ...). */
  readonly reason: string;
  readonly bytes: number;
  /** The instant of the VM's state the file holds, on this node's clock (ms). */
  readonly stateMs: number;
}

export interface RestoreOutcome {
  readonly ok: boolean;
  /** Why it failed ('no-snapshot', 'no-room', 'exists', 'down', ...). */
  readonly reason: string;
}

export interface Hypervisor {
  host(): HostInfo;
  /** CPU demand of the running VMs hosted here, in cores (cheap: read it every second). */
  cpuDemand(): number;
  memoryUsedMiB(): number;
  /** How many VMs are hosted here, in any state. */
  vmCount(): number;
  /** The VMs hosted here, by increasing id. */
  vms(): VmInfo[];
  /**
   * The VMs on their way here (live migrations to this host in progress), by increasing id:
   * `incoming` true, `migrating` false, demand and state as on their source. A scheduler lists
   * them so that a plan sees them where they are going (VE constraints, room).
   */
  incomingVms(): VmInfo[];
  /**
   * Live-migrate a running VM of this host to node `to` (pre-copy over the modelled network,
   * sharing bandwidth with other transfers). `onDone` is called later, from an event, never
   * from inside this call; after success the VM is on `to`. `by` names who asked (a protocol,
   * e.g. 've' for a VE relocation) for a simulation's metrics; a live hypervisor ignores it.
   */
  migrate(vm: VmId, to: NodeId, onDone: (outcome: MigrationOutcome) => void, by?: string): void;
  /**
   * Live-migrate VMs of this host to `to` as one group (the VMs of a gather): admitted or refused
   * as a whole, every VM refused with the first reason found (one of them not migratable, the
   * target without room for all, fewer free outgoing slots than VMs: 'busy'), so a refusal never
   * leaves part of the group moved. Admitted, they run concurrently, one outgoing migration each;
   * `onDone` once, from an event, when the last has ended, with each VM's outcome in order.
   */
  migrateTogether(vms: readonly VmId[], to: NodeId, onDone: (outcomes: readonly MigrationOutcome[]) => void, by?: string): void;
  /** Start a stopped VM, stop a VM, suspend a running VM, resume a suspended one: false if the VM is not here or not in a state that allows it. */
  start(vm: VmId): boolean;
  stop(vm: VmId): boolean;
  suspend(vm: VmId): boolean;
  resume(vm: VmId): boolean;
  /** Save a VM's memory to local disk; `onDone` later, from an event. */
  snapshot(vm: VmId, onDone: (outcome: SnapshotOutcome) => void): void;
  /**
   * Snapshot a running VM of this host and send the file to node `to`'s snapshot store (the
   * simulation: a bulk transfer capped at the disk's rate; libvirt: `virsh save`, then the file
   * over a TCP stream). `onDone` later, from an event; after success `to` holds the file.
   */
  shipSnapshot(vm: VmId, to: NodeId, onDone: (outcome: SnapshotShipOutcome) => void): void;
  /** Send the snapshot file of `vm` this host's store holds to node `to`'s store (a fetch before a restore); `onDone` later. */
  sendSnapshot(vm: VmId, to: NodeId, onDone: (outcome: SnapshotShipOutcome) => void): void;
  /** Restart VM `spec.vm` on this host from the snapshot file its store holds (`virsh restore`); `onDone` later. */
  restoreSnapshot(spec: VmSpecInfo, onDone: (outcome: RestoreOutcome) => void): void;
  /** Delete the snapshot file of `vm` from this host's store, if it holds one. */
  dropSnapshot(vm: VmId): void;
}

/**
 * Simulated hypervisors over the cloud model: each host's `Hypervisor` reads its VMs from the
 * `Cloud` and runs live migrations as pre-copy rounds of bulk transfers over the modelled
 * network (the source's NIC, the backbone links of the shortest path, the target's NIC), so
 * concurrent migrations share bandwidth max-min fairly and their durations follow.
 *
 * Decisions: a migrating VM's CPU demand stays on its source until the stop-and-copy ends, and
 * its memory is reserved on the target from the start (a target without room refuses); its
 * source lists it `migrating`, its target `incoming` (`incomingVms`), so a scheduler sees it from
 * either end. The
 * dirtying rate is fixed at the start: dirtyShare x migration bandwidth x load (SimGrid's
 * dp_intensity model). Transfers model bandwidth only: the path's propagation latency (ms)
 * is not added to migrations lasting seconds.
 *
 * The VMs of a gather go together (`migrateTogether`): admitted only if each VM could go alone,
 * the host has a free outgoing slot for each and the target room for all, else all refused.
 *
 * A host crash (`setHostUp`, told by the runtime) fails at once every migration to or from the
 * host ('source-down', 'target-down'): the copy stops, the target's memory reservation is
 * released, a VM whose target crashed stays on its source and one whose source crashed is lost
 * with the source's other VMs (`Cloud.setHostUp`).
 *
 * Copies between hosts (`copy`: a snapshot sent to its store, fetched back for a restart, a
 * replica's sync and checkpoint stream) are bulk transfers over the same links, so they compete
 * with migrations; a crash of either end fails them at once. Copies may also cross shared
 * resources added by `addResource` (a PoP image store's disk), shared max-min with the links:
 * copies between PoP stores (`popCopy`, over the backbone path, no host NIC) fail once an end
 * PoP has no host up, reads from a store into a host (`readInto`, over the host's NIC in) once
 * the host crashes.
 *
 * Memory held on a host outside its VMs (`holdMiB`: a replica of a VM running elsewhere) is
 * taken from the memory the host reports (`host().memoryMiB`), so schedulers plan without it,
 * and counts against migrations and restarts to the host.
 */
import type { Simulator } from '../../kernel/simulator.js';
import { BulkTransfers } from '../../platform/bulk-transfers.js';
import { type Cloud, type VmSpec, VM_RUNNING, VM_STATE_NAMES, VM_STOPPED, VM_SUSPENDED } from '../../platform/cloud.js';
import { PreCopyMigration, type PreCopyResult } from '../../platform/pre-copy.js';
import type { Counters } from '../counters.js';
import type { NodeId } from '../context.js';
import type { HostInfo, Hypervisor, MigrationOutcome, RestoreOutcome, SnapshotOutcome, SnapshotShipOutcome, VmInfo, VmSpecInfo } from '../hypervisor.js';

const MIB = 1024 * 1024;

export interface MigrationModel {
  /** Rate cap of one migration (the hypervisor's setting; VMPlaceS: 125 MB/s = 1e9 bit/s). */
  readonly bandwidthBps: number;
  /** Stop-and-copy once the memory left to send is at most this. */
  readonly stopCopyMiB: number;
  readonly roundsMax: number;
  /** Stop the live rounds once they have sent this many times the memory (Xen: 3); roundsMax or more = only roundsMax. */
  readonly sentFactorMax: number;
  /** Outgoing migrations in progress per host at most; beyond, `migrate` fails with 'busy'. */
  readonly outgoingPerHostMax: number;
}

/** The network as migrations need it: who is up, and the links between two hosts. */
export interface TransferNetwork {
  isHostUp(host: number): boolean;
  readonly hostPop: ArrayLike<number>;
  /** Backbone links between two PoPs over what is up ([] within one PoP), null if none. */
  pathLinks(pa: number, pb: number): number[] | null;
}

export interface SimHypervisorsOptions {
  readonly sim: Simulator;
  readonly cloud: Cloud;
  readonly network: TransferNetwork;
  readonly counters: Counters;
  /** Capacity of each backbone link, bits/s (indexed like the backbone's links). */
  readonly linkCapacityBps: ArrayLike<number>;
  /** Each host's NIC, bits/s, each way. */
  readonly nicBandwidthBps: number;
  readonly hostCountry: readonly string[];
  readonly migration: MigrationModel;
  /** Local disk bandwidth for snapshots, bits/s. */
  readonly diskBandwidthBps: number;
  readonly transfersMax: number;
}

/** One migration as it ended, for the metrics. */
export interface MigrationRecord {
  readonly vm: number;
  readonly from: number;
  readonly to: number;
  readonly ok: boolean;
  readonly reason: string;
  readonly startedUs: number;
  readonly durationUs: number;
  readonly downtimeUs: number;
  readonly bytes: number;
  /** True when it crossed the backbone (between PoPs). */
  readonly wan: boolean;
  /** Who asked for it ('' when unnamed): 've' for a VE relocation. */
  readonly by: string;
}

/**
 * A VM that appeared on, moved between, or vanished from hosts of the model, as a host's
 * hypervisor agent sees it: `from` -1 for a VM created or restored, `to` -1 for one lost with its
 * host. Told after the model changed.
 */
export type VmPlacedListener = (vm: number, from: number, to: number) => void;

/** A copy between two hosts ended: ok false when an end crashed first (nothing more is sent); `bytesSent` is what reached the target. */
export type CopyDone = (ok: boolean, durationUs: number, bytesSent: number) => void;

interface ActiveCopy {
  readonly transfer: number;
  readonly bytes: number;
  /** Host ends (-1 for a copy between PoP stores). */
  readonly from: number;
  readonly to: number;
  /** PoP ends of a copy between PoP stores (-1 for a copy between hosts). */
  readonly fromPop: number;
  readonly toPop: number;
  readonly onDone: CopyDone;
}

interface ActiveMigration {
  readonly vm: number;
  readonly from: number;
  readonly to: number;
  readonly memoryMiB: number;
  readonly startedUs: number;
  readonly wan: boolean;
  readonly by: string;
  readonly copy: PreCopyMigration;
  readonly onDone: (outcome: MigrationOutcome) => void;
}

const refused = (reason: string): MigrationOutcome => ({ ok: false, reason, durationMs: 0, downtimeMs: 0, bytes: 0 });

export class SimHypervisors {
  private readonly transfers: BulkTransfers;
  private readonly migrating: Uint8Array;
  private readonly outgoing: Int32Array;
  private readonly incomingMiB: Float64Array;
  private readonly heldMiB: Float64Array;
  private readonly linkCount: number;
  /** Migrations in progress by id, in the order they started. */
  private readonly active = new Map<number, ActiveMigration>();
  private nextMigrationId = 1;
  private readonly listeners: ((record: MigrationRecord) => void)[] = [];
  private readonly placedListeners: VmPlacedListener[] = [];
  private readonly startedListeners: ((vm: number, from: number, to: number) => void)[] = [];
  private readonly hostUpListeners: ((host: number, up: boolean) => void)[] = [];
  /** Copies between hosts in progress by id, in the order they started. */
  private readonly copies = new Map<number, ActiveCopy>();
  private nextCopyId = 1;
  /** Per PoP (by the hosts' `hostPop`): its hosts up now, kept by `setHostUp` (one read instead of a scan of every host). */
  private readonly popHostsUp: Int32Array;
  /** Snapshot files per host's store: VM -> the file (a crash wipes the host's store). */
  private readonly files = new Map<number, Map<number, SnapshotFile>>();
  private snapshotModel: SnapshotModel | null = null;
  private readonly restoredListeners: ((vm: number, host: number, stateUs: number) => void)[] = [];
  private shipsDone = 0;
  private shipBytes = 0;
  /** One hypervisor per host, made on first use and shared by all its protocols and lives. */
  private readonly handles: (Hypervisor | undefined)[] = [];

  constructor(private readonly options: SimHypervisorsOptions) {
    const { cloud, linkCapacityBps, nicBandwidthBps, migration } = options;
    if (!(nicBandwidthBps > 0)) throw new RangeError(`SimHypervisors: nicBandwidthBps must be > 0, got ${nicBandwidthBps}`);
    if (!(migration.bandwidthBps > 0)) throw new RangeError(`SimHypervisors: migration.bandwidthBps must be > 0, got ${migration.bandwidthBps}`);
    if (!(Number.isInteger(migration.outgoingPerHostMax) && migration.outgoingPerHostMax >= 1)) throw new RangeError(`SimHypervisors: migration.outgoingPerHostMax must be an integer >= 1, got ${migration.outgoingPerHostMax}`);
    this.linkCount = linkCapacityBps.length;
    for (const name of ['migrations.done', 'migrations.failed']) options.counters.cell(name); // 0 until the first one ends
    // Links: the backbone's, then each host's NIC out (L + 2h) and in (L + 2h + 1).
    const capacity = new Float64Array(this.linkCount + 2 * cloud.hostCount);
    for (let i = 0; i < this.linkCount; i++) capacity[i] = linkCapacityBps[i];
    capacity.fill(nicBandwidthBps, this.linkCount);
    this.transfers = new BulkTransfers({ sim: options.sim, capacityBps: capacity, transfersMax: options.transfersMax });
    this.migrating = new Uint8Array(cloud.vmsMax);
    this.outgoing = new Int32Array(cloud.hostCount);
    this.incomingMiB = new Float64Array(cloud.hostCount);
    this.heldMiB = new Float64Array(cloud.hostCount);
    let popCount = 0;
    for (let h = 0; h < cloud.hostCount; h++) popCount = Math.max(popCount, options.network.hostPop[h] + 1);
    this.popHostsUp = new Int32Array(popCount);
    for (let h = 0; h < cloud.hostCount; h++) this.popHostsUp[options.network.hostPop[h]] += cloud.hostUp[h];
  }

  /** Told of every migration that ended, in success or failure. */
  onMigrationEnded(listener: (record: MigrationRecord) => void): void {
    this.listeners.push(listener);
  }

  /** Told of every migration admitted, as it starts (its end is `onMigrationEnded`'s). */
  onMigrationStarted(listener: (vm: number, from: number, to: number) => void): void {
    this.startedListeners.push(listener);
  }

  /** Told of every VM created, moved (a migration that succeeded, a relocation), restored or lost. */
  onVmPlaced(listener: VmPlacedListener): void {
    this.placedListeners.push(listener);
  }

  /** Snapshots of `shipSnapshot`: their size per VM and the rate cap of their transfers (the local disk). Without it, ships are refused ('no-snapshots'). */
  configureSnapshots(model: SnapshotModel): void {
    this.snapshotModel = model;
  }

  /** Told of every VM restarted from a snapshot file (`restoreSnapshot`), before its placement event, with the instant of the state the file held. */
  onSnapshotRestored(listener: (vm: number, host: number, stateUs: number) => void): void {
    this.restoredListeners.push(listener);
  }

  /** Snapshots shipped to a store (last byte arrived), and their bytes: fetches to a restart's host not counted. */
  get snapshotsShipped(): number {
    return this.shipsDone;
  }

  get snapshotBytesShipped(): number {
    return this.shipBytes;
  }

  /** Whether an up host's store holds a snapshot file of `vm` (the model's ground truth of files). */
  hasSnapshotFile(vm: number): boolean {
    for (const [host, held] of this.files) if (this.options.cloud.hostUp[host] === 1 && held.has(vm)) return true;
    return false;
  }

  /** Told after a host crashed (its VMs lost, its copies failed) or came back. */
  onHostUp(listener: (host: number, up: boolean) => void): void {
    this.hostUpListeners.push(listener);
  }

  /**
   * Copy `bytes` from host `from` to host `to` (both up) over the source NIC, the backbone path
   * and the target NIC, at most `capBps`, sharing the links max-min with migrations and other
   * copies (on one host: a local read at `capBps`). Returns its id, or -1 (nothing started) when
   * an end is down or no path joins them.
   */
  copy(from: number, to: number, bytes: number, capBps: number, onDone: CopyDone): number {
    const { cloud, network } = this.options;
    if (cloud.hostUp[from] === 0 || cloud.hostUp[to] === 0) return -1;
    const backbone = from === to ? [] : network.pathLinks(network.hostPop[from], network.hostPop[to]);
    if (backbone === null) return -1;
    const links = from === to ? [] : [this.linkCount + 2 * from, ...backbone, this.linkCount + 2 * to + 1];
    return this.track(links, bytes, capBps, from, to, -1, -1, onDone);
  }

  /** Bytes copy `id` has delivered so far (undefined once it ended). */
  copySentBytes(id: number): number | undefined {
    const c = this.copies.get(id);
    const left = c === undefined ? undefined : this.transfers.remainingBitsOf(c.transfer);
    return c === undefined || left === undefined ? undefined : c.bytes - left / 8;
  }

  /** Stop copy `id` now, without calling it back (its owner changes its rate or drops it); returns the bytes it delivered, -1 if it was not in progress. */
  cancelCopy(id: number): number {
    const sent = this.copySentBytes(id);
    const c = this.copies.get(id);
    if (c === undefined || sent === undefined) return -1;
    this.transfers.cancel(c.transfer);
    this.copies.delete(id);
    return sent;
  }

  /** A shared resource transfers may cross besides links and NICs (a store's disk), bits/s: its id for `via`. */
  addResource(capacityBps: number): number {
    return this.transfers.addLink(capacityBps);
  }

  /**
   * Copy `bytes` from the storage of PoP `fromPop` to that of PoP `toPop` over the backbone path
   * and the resources `via` (their disks), sharing them max-min with every other transfer.
   * Returns its id, or -1 (nothing started) when an end PoP has no host up or no path joins them.
   */
  popCopy(fromPop: number, toPop: number, bytes: number, via: readonly number[], onDone: CopyDone): number {
    const { network } = this.options;
    if (!this.popHasHostUp(fromPop, -1) || !this.popHasHostUp(toPop, -1)) return -1;
    const backbone = network.pathLinks(fromPop, toPop);
    if (backbone === null) return -1;
    return this.track([...via, ...backbone], bytes, Infinity, -1, -1, fromPop, toPop, onDone);
  }

  /** Read `bytes` into the up host `host` over its NIC in and the resources `via` (a store's disk); -1 when the host is down. */
  readInto(host: number, bytes: number, via: readonly number[], onDone: CopyDone): number {
    if (this.options.cloud.hostUp[host] === 0) return -1;
    return this.track([this.linkCount + 2 * host + 1, ...via], bytes, Infinity, host, host, -1, -1, onDone);
  }

  private track(links: readonly number[], bytes: number, capBps: number, from: number, to: number, fromPop: number, toPop: number, onDone: CopyDone): number {
    const id = this.nextCopyId++;
    const transfer = this.transfers.start(links, bytes, (durationUs) => {
      this.copies.delete(id);
      onDone(true, durationUs, bytes);
    }, capBps);
    this.copies.set(id, { transfer, bytes, from, to, fromPop, toPop, onDone });
    return id;
  }

  /** Hosts of PoP `pop` up now (0 for a PoP without hosts). */
  hostsUpIn(pop: number): number {
    return pop < this.popHostsUp.length ? this.popHostsUp[pop] : 0;
  }

  /** Whether PoP `pop` has a host up other than `except`. */
  private popHasHostUp(pop: number, except: number): boolean {
    const { cloud, network } = this.options;
    const exceptUp = except >= 0 && network.hostPop[except] === pop ? cloud.hostUp[except] : 0;
    return this.hostsUpIn(pop) - exceptUp > 0;
  }

  /** Memory reserved on `host` for VMs on their way there (migrations, restarts), MiB. */
  incomingMiBOf(host: number): number {
    return this.incomingMiB[host];
  }

  /** Memory taken on `host` beyond its VMs: reserved for VMs on their way and held by replicas, MiB. */
  reservedMiBOf(host: number): number {
    return this.incomingMiB[host] + this.heldMiB[host];
  }

  /** Hold (or release, < 0) memory on `host` for a replica: the host reports that much less memory, and migrations and restarts see it taken. */
  holdMiB(host: number, deltaMiB: number): void {
    this.heldMiB[host] += deltaMiB;
  }

  /** Reserve (or release, < 0) memory on `host` for a VM on its way by other means (a restart): migrations then see it taken. */
  reserveIncomingMiB(host: number, deltaMiB: number): void {
    this.incomingMiB[host] += deltaMiB;
  }

  /** Create a VM on `host` (up), running at 0% load; its id is the model's next one. */
  createVm(spec: VmSpec, host: number): number {
    const vm = this.options.cloud.addVm(spec, host);
    this.placed(vm, -1, host);
    return vm;
  }

  /**
   * Move a VM that is not migrating to the up host `to` at once: a cold relocation (stopped here,
   * started there from shared storage), where a placement is given as instants rather than as
   * transfers. False, and nothing done, when the VM is lost, migrating, already there, or `to` is down.
   */
  relocateVm(vm: number, to: number): boolean {
    const { cloud } = this.options;
    const from = cloud.vmHost[vm];
    if (from < 0 || from === to || this.migrating[vm] === 1 || cloud.hostUp[to] === 0) return false;
    cloud.moveVm(vm, to);
    this.placed(vm, from, to);
    return true;
  }

  /** Restart a VM lost with its host on the up host `host` (from a replica or snapshot). */
  restoreVm(vm: number, host: number): void {
    this.options.cloud.restoreVm(vm, host);
    this.placed(vm, -1, host);
  }

  get migrationsInProgress(): number {
    let n = 0;
    for (const count of this.outgoing) n += count;
    return n;
  }

  isMigrating(vm: number): boolean {
    return this.migrating[vm] === 1;
  }

  /**
   * Host `host` crashed (`up` false) or came back: migrations to or from it fail now, then its
   * VMs are lost in the model. Returns the VMs lost.
   */
  setHostUp(host: number, up: boolean): number[] {
    if (!up) {
      for (const [id, m] of [...this.active]) {
        if (m.from !== host && m.to !== host) continue;
        const bytes = m.copy.cancel();
        this.end(id, m, false, m.from === host ? 'source-down' : 'target-down', this.options.sim.nowUs() - m.startedUs, 0, bytes, true);
      }
      this.failCopies(host);
      this.files.delete(host); // its store's disk goes with it
    }
    const { cloud, network } = this.options;
    if ((cloud.hostUp[host] === 1) !== up) this.popHostsUp[network.hostPop[host]] += up ? 1 : -1;
    const lost = cloud.setHostUp(host, up);
    for (const vm of lost) this.placed(vm, host, -1);
    for (const listener of this.hostUpListeners) listener(host, up);
    return lost;
  }

  /** The copies to or from a crashed host (or a PoP it was the last host up of) stop now and report failure from a later event, as aborted migrations do. */
  private failCopies(host: number): void {
    const { sim, network } = this.options;
    const pop = network.hostPop[host];
    const popDown = !this.popHasHostUp(pop, host);
    for (const [id, c] of [...this.copies]) {
      if (c.from !== host && c.to !== host && !(popDown && (c.fromPop === pop || c.toPop === pop))) continue;
      const sent = this.copySentBytes(id) ?? 0;
      this.transfers.cancel(c.transfer);
      this.copies.delete(id);
      sim.after(0, () => c.onDone(false, 0, sent));
    }
  }

  private placed(vm: number, from: number, to: number): void {
    for (const listener of this.placedListeners) listener(vm, from, to);
  }

  /** The hypervisor of host `node` (the same object on every call). */
  of(node: NodeId): Hypervisor {
    return (this.handles[node] ??= this.make(node));
  }

  private make(node: NodeId): Hypervisor {
    const { cloud, network, hostCountry } = this.options;
    const self = this;
    const info: HostInfo = { node, cores: cloud.hostCores[node], memoryMiB: cloud.hostMemoryMiB[node], site: network.hostPop[node], country: hostCountry[node] };
    const here = (vm: number): boolean => Number.isInteger(vm) && vm >= 0 && vm < cloud.vmCount && cloud.vmHost[vm] === node;
    return {
      host: () => (this.heldMiB[node] === 0 ? info : { ...info, memoryMiB: info.memoryMiB - this.heldMiB[node] }),
      cpuDemand: () => cloud.hostDemandMilli[node] / 1000,
      memoryUsedMiB: () => cloud.hostMemoryUsedMiB[node],
      vmCount: () => cloud.hostVmCount[node],
      vms: () => cloud.vmsOf(node).map((vm) => self.vmInfo(vm, false)),
      incomingVms: () => self.incomingVms(node),
      migrate: (vm, to, onDone, by) => self.migrate(node, vm, to, onDone, by ?? ''),
      migrateTogether: (vms, to, onDone, by) => self.migrateTogether(node, vms, to, onDone, by ?? ''),
      start: (vm) => here(vm) && cloud.vmState[vm] === VM_STOPPED && (cloud.setState(vm, VM_RUNNING), true),
      stop: (vm) => here(vm) && self.migrating[vm] === 0 && cloud.vmState[vm] !== VM_STOPPED && (cloud.setState(vm, VM_STOPPED), true),
      suspend: (vm) => here(vm) && self.migrating[vm] === 0 && cloud.vmState[vm] === VM_RUNNING && (cloud.setState(vm, VM_SUSPENDED), true),
      resume: (vm) => here(vm) && cloud.vmState[vm] === VM_SUSPENDED && (cloud.setState(vm, VM_RUNNING), true),
      snapshot: (vm, onDone) => self.snapshot(node, vm, onDone),
      shipSnapshot: (vm, to, onDone) => self.shipSnapshot(node, vm, to, onDone),
      sendSnapshot: (vm, to, onDone) => self.sendSnapshot(node, vm, to, onDone),
      restoreSnapshot: (spec, onDone) => self.restoreSnapshot(node, spec, onDone),
      dropSnapshot: (vm) => void self.files.get(node)?.delete(vm),
    };
  }

  /** `vm` as its host lists it (`incoming` false) or as the target of its migration does. */
  private vmInfo(vm: number, incoming: boolean): VmInfo {
    const { cloud } = this.options;
    return {
      vm,
      vcpus: cloud.vmVcpus[vm],
      memoryMiB: cloud.vmMemoryMiB[vm],
      cpuDemand: cloud.vmDemandCores(vm),
      state: VM_STATE_NAMES[cloud.vmState[vm]],
      ve: cloud.vmVe[vm],
      migrating: !incoming && this.migrating[vm] === 1,
      incoming,
    };
  }

  /** The VMs whose migration to `node` is in progress, by increasing id (O(migrations in progress)). */
  private incomingVms(node: NodeId): VmInfo[] {
    const vms: number[] = [];
    for (const m of this.active.values()) if (m.to === node) vms.push(m.vm);
    return vms.sort((a, b) => a - b).map((vm) => this.vmInfo(vm, true));
  }

  private migrate(from: NodeId, vm: number, to: NodeId, onDone: (outcome: MigrationOutcome) => void, by: string): void {
    this.migrateTogether(from, [vm], to, ([outcome]) => onDone(outcome), by);
  }

  /** A gather's VMs (or one VM): all admitted or all refused (`Hypervisor.migrateTogether`). */
  private migrateTogether(from: NodeId, vms: readonly number[], to: NodeId, onDone: (outcomes: readonly MigrationOutcome[]) => void, by: string): void {
    const refusal = vms.length === 0 ? 'empty-group' : this.refusal(from, vms, to);
    if (refusal !== '') {
      this.options.counters.count(`migrations.refused.${refusal}`);
      // Never from inside the call: the caller's handler finishes first, as with a real hypervisor.
      this.options.sim.after(0, () => onDone(vms.map(() => refused(refusal))));
      return;
    }
    const { network } = this.options;
    const backbone = network.pathLinks(network.hostPop[from], network.hostPop[to]) as number[]; // not null: admitted
    const outcomes: MigrationOutcome[] = new Array(vms.length);
    let left = vms.length;
    vms.forEach((vm, k) => {
      this.start(from, vm, to, backbone, (outcome) => {
        outcomes[k] = outcome;
        if (--left === 0) onDone(outcomes);
      }, by);
    });
  }

  /** Why migrating `vms` of `from` to `to` at once is refused ('' if it is not): each VM's own state, then the target, the outgoing slots and the room for all of them. */
  private refusal(from: NodeId, vms: readonly number[], to: NodeId): string {
    const { cloud, network, migration } = this.options;
    for (let k = 0; k < vms.length; k++) {
      const vm = vms[k];
      if (!(Number.isInteger(vm) && vm >= 0 && vm < cloud.vmCount)) return 'unknown-vm';
      if (cloud.hostUp[from] === 0) return 'source-down';
      if (cloud.vmHost[vm] !== from) return 'not-here';
      if (this.migrating[vm] === 1 || vms.indexOf(vm) !== k) return 'busy';
      if (cloud.vmState[vm] !== VM_RUNNING) return 'not-running';
    }
    if (!(Number.isInteger(to) && to >= 0 && to < cloud.hostCount) || to === from) return 'bad-target';
    if (!network.isHostUp(to)) return 'target-down';
    if (this.outgoing[from] + vms.length > migration.outgoingPerHostMax) return 'busy';
    let memoryMiB = 0;
    for (const vm of vms) memoryMiB += cloud.vmMemoryMiB[vm];
    if (cloud.hostMemoryUsedMiB[to] + this.reservedMiBOf(to) + memoryMiB > cloud.hostMemoryMiB[to]) return 'no-room';
    if (network.pathLinks(network.hostPop[from], network.hostPop[to]) === null) return 'no-path';
    return '';
  }

  /** An admitted migration starts: the VM is marked, a slot and the target's memory taken, the pre-copy rounds begin. */
  private start(from: NodeId, vm: number, to: NodeId, backbone: readonly number[], onDone: (outcome: MigrationOutcome) => void, by: string): void {
    const { cloud, sim, migration } = this.options;
    const startedUs = sim.nowUs();
    const links = [this.linkCount + 2 * from, ...backbone, this.linkCount + 2 * to + 1];
    const memoryMiB = cloud.vmMemoryMiB[vm];
    this.migrating[vm] = 1;
    this.outgoing[from]++;
    this.incomingMiB[to] += memoryMiB;
    const dirtyRateBytesPerS = (cloud.vmDirtyShare[vm] * (migration.bandwidthBps / 8) * cloud.vmLoadPercent[vm]) / 100;
    const params = { memoryBytes: memoryMiB * MIB, dirtyRateBytesPerS, stopCopyBytes: migration.stopCopyMiB * MIB, roundsMax: migration.roundsMax, sentFactorMax: migration.sentFactorMax, capBps: migration.bandwidthBps };
    const id = this.nextMigrationId++;
    const copy = new PreCopyMigration(this.transfers, sim, links, params, (result: PreCopyResult) => {
      const m = this.active.get(id) as ActiveMigration;
      // A target that went down without being told (a world without crash hooks) still fails it.
      const ok = this.options.network.isHostUp(to);
      this.end(id, m, ok, ok ? '' : 'target-down', result.durationUs, result.downtimeUs, result.bytesSent);
    });
    this.active.set(id, { vm, from, to, memoryMiB, startedUs, wan: backbone.length > 0, by, copy, onDone });
    for (const listener of this.startedListeners) listener(vm, from, to);
  }

  /** A migration ends: its reservations are released, the VM moves on success, listeners and the caller are told. */
  private end(id: number, m: ActiveMigration, ok: boolean, reason: string, durationUs: number, downtimeUs: number, bytes: number, aborted = false): void {
    this.active.delete(id);
    this.migrating[m.vm] = 0;
    this.outgoing[m.from]--;
    this.incomingMiB[m.to] -= m.memoryMiB;
    if (ok) {
      this.options.cloud.moveVm(m.vm, m.to);
      this.placed(m.vm, m.from, m.to);
    }
    this.options.counters.count(ok ? 'migrations.done' : 'migrations.failed');
    const record: MigrationRecord = { vm: m.vm, from: m.from, to: m.to, ok, reason, startedUs: m.startedUs, durationUs, downtimeUs, bytes, wan: m.wan, by: m.by };
    for (const listener of this.listeners) listener(record);
    const outcome: MigrationOutcome = { ok, reason, durationMs: durationUs / 1000, downtimeMs: downtimeUs / 1000, bytes };
    // An aborted one reports from a later event, as a refusal does: the crash's handler finishes first.
    if (aborted) this.options.sim.after(0, () => m.onDone(outcome));
    else m.onDone(outcome);
  }

  private snapshot(node: NodeId, vm: number, onDone: (outcome: SnapshotOutcome) => void): void {
    const { cloud, sim, diskBandwidthBps } = this.options;
    if (!(Number.isInteger(vm) && vm >= 0 && vm < cloud.vmCount) || cloud.vmHost[vm] !== node) {
      sim.after(0, () => onDone({ ok: false, reason: 'not-here', durationMs: 0, bytes: 0 }));
      return;
    }
    const bytes = cloud.vmMemoryMiB[vm] * MIB;
    const durationUs = Math.ceil(((8 * bytes) / diskBandwidthBps) * 1e6);
    sim.after(durationUs, () => onDone({ ok: true, reason: '', durationMs: durationUs / 1000, bytes }));
  }

  /** Snapshot VM `vm` running on `node` now and copy the file to `to`'s store. */
  private shipSnapshot(node: NodeId, vm: number, to: NodeId, onDone: (outcome: SnapshotShipOutcome) => void): void {
    const { cloud, sim } = this.options;
    const model = this.snapshotModel;
    const here = Number.isInteger(vm) && vm >= 0 && vm < cloud.vmCount && cloud.vmHost[vm] === node;
    const refusal = model === null ? 'no-snapshots' : !here ? 'not-here' : cloud.vmState[vm] !== VM_RUNNING ? 'not-running' : '';
    if (refusal !== '' || model === null) {
      sim.after(0, () => onDone({ ok: false, reason: refusal, bytes: 0, stateMs: 0 }));
      return;
    }
    const takenUs = sim.nowUs();
    const bytes = model.bytesOf(vm);
    this.fileCopy(node, to, bytes, model.capBps, onDone, takenUs, vm, () => {
      this.shipsDone++;
      this.shipBytes += bytes;
    });
  }

  /** Copy the file of `vm` held by `node`'s store to `to`'s store (a fetch). */
  private sendSnapshot(node: NodeId, vm: number, to: NodeId, onDone: (outcome: SnapshotShipOutcome) => void): void {
    const file = this.files.get(node)?.get(vm);
    if (file === undefined || this.snapshotModel === null) {
      this.options.sim.after(0, () => onDone({ ok: false, reason: 'no-snapshot', bytes: 0, stateMs: 0 }));
      return;
    }
    this.fileCopy(node, to, file.bytes, this.snapshotModel.capBps, onDone, file.stateUs, vm, () => {});
  }

  private fileCopy(from: NodeId, to: NodeId, bytes: number, capBps: number, onDone: (outcome: SnapshotShipOutcome) => void, stateUs: number, vm: number, counted: () => void): void {
    const { cloud, sim } = this.options;
    const bad = !(Number.isInteger(to) && to >= 0 && to < cloud.hostCount) || to === from;
    const id = bad ? -1 : this.copy(from, to, bytes, capBps, (ok) => {
      if (!ok) return onDone({ ok: false, reason: 'cut', bytes: 0, stateMs: 0 });
      const held = this.files.get(to) ?? new Map<number, SnapshotFile>();
      this.files.set(to, held);
      if ((held.get(vm)?.stateUs ?? -1) < stateUs) held.set(vm, { stateUs, bytes });
      counted();
      onDone({ ok: true, reason: '', bytes, stateMs: stateUs / 1000 });
    });
    if (id >= 0) return;
    const reason = bad ? 'bad-target' : cloud.hostUp[to] === 0 ? 'target-down' : 'no-path';
    sim.after(0, () => onDone({ ok: false, reason, bytes: 0, stateMs: 0 }));
  }

  /**
   * Restart a lost VM on `node` from the file its store holds. Refused when the file is missing,
   * the host lacks the memory (migrations and restarts on their way counted), or the VM is not
   * lost: the model cannot hold a VM twice ('exists', a restore a real host would run beside the
   * original: split brain, counted so that it shows).
   */
  private restoreSnapshot(node: NodeId, spec: VmSpecInfo, onDone: (outcome: RestoreOutcome) => void): void {
    const { cloud, sim, counters } = this.options;
    const vm = spec.vm;
    const file = this.files.get(node)?.get(vm);
    const known = Number.isInteger(vm) && vm >= 0 && vm < cloud.vmCount;
    let reason = '';
    if (cloud.hostUp[node] === 0) reason = 'down';
    else if (file === undefined || !known) reason = 'no-snapshot';
    else if (cloud.vmLost[vm] === 0) reason = 'exists';
    else if (cloud.hostMemoryUsedMiB[node] + this.reservedMiBOf(node) + cloud.vmMemoryMiB[vm] > cloud.hostMemoryMiB[node]) reason = 'no-room';
    if (reason === '' && file !== undefined) {
      for (const listener of this.restoredListeners) listener(vm, node, file.stateUs);
      this.restoreVm(vm, node);
    } else counters.count(`snapshots.restores_refused.${reason}`);
    sim.after(0, () => onDone({ ok: reason === '', reason }));
  }
}

interface SnapshotFile {
  /** The instant of the VM's state it holds, us. */
  readonly stateUs: number;
  readonly bytes: number;
}

export interface SnapshotModel {
  /** Bytes of a snapshot of VM `vm` (its memory image and disk delta). */
  bytesOf(vm: number): number;
  /** Rate cap of a snapshot's transfer (the local disk), bits/s. */
  readonly capBps: number;
}

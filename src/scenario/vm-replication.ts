/**
 * Remus-style VM replication with a watcher that fails over (issue 15 §3). Each replicated VM
 * gets a backup (`backup-host.ts`: another PoP, room reserved there, VE constraints kept), a full
 * memory copy to it (the sync, at the migration's rate cap), then a checkpoint stream: every
 * period T the memory dirtied since the last checkpoint (D bytes/s, the VM's dirty rate) is sent
 * from the primary's host to the backup's over the network model (NICs and backbone links,
 * max-min shared with migrations and snapshots).
 *
 * The stream is one long-running flow per VM whose rate demand is D, started one period after
 * the sync (the first checkpoint's capture), not one transfer per 25 ms: checkpoint k (the bytes
 * dirtied over the period before its capture at t0 + kT) is then sent during the next period, so
 * the flow carries the same bytes and loads the links with the same average rate as the bursts
 * would; it overstates a checkpoint's send time (T instead of D T / link rate, under one period)
 * and keeps the event count to one flow per VM plus one poll a second for all of them. Checkpoint
 * k is complete once the flow has delivered k D T bytes, and never before its capture. A flow that
 * gets less than D (a congested link) falls behind: checkpoints coalesce (the next waits for the
 * previous) and the backup's state ages; the poll then raises the flow's cap to the migration
 * rate until it has caught up, and lowers it back to D. Dirtied bytes are distinct pages (as in
 * the pre-copy model): D is fixed at the stream's start, `dirtyMiBps` or the workload's rate then.
 *
 * The watcher is in the backup's local group: `detectionUs` after the primary's host crashed
 * (the failure detector's timeout, as the snapshot recovery's) the replica becomes the running
 * VM on the backup's host (`restoreVm`), with the state of its last complete checkpoint; a new
 * backup is then chosen and synced. A backup host's crash: a new backup, fully synced. Primary
 * and backup both gone: the VM stays lost (snapshots, if on, restart it).
 *
 * Why a model-level service and not an agent protocol: the backup, the stream and the failover
 * act on the cloud model; moving them into the agent as the snapshots' recovery moved
 * (`protocols/recovery/`: a store's own detector, query, reservation, restore) is the next step.
 */
import { type VeMembers, veMembers } from './ve-members.js';
import type { Simulator } from '../kernel/simulator.js';
import { type Cloud } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';
import type { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import { backupHost, backupKeepsConstraints, type BackupHostInput } from './backup-host.js';

const MIB = 1024 * 1024;
/** The stream's flow: never ends by itself (1 PB), it is cancelled. */
const FLOW_BYTES = 1e15;
const POLL_US = 1_000_000;
const NONE = 0;
const SYNCING = 1;
const STREAMING = 2;

export interface VmReplicationWorld {
  readonly sim: Simulator;
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
  readonly constraints: readonly VeConstraint[];
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  readonly popLatencyUs: (pa: number, pb: number) => number;
  /** 1 for a PoP that survives every single link cut. */
  readonly popSurvivesCuts: ArrayLike<number>;
}

export interface VmReplicationConfig {
  /** The VMs replicated (ids of the cloud section's VMs). */
  readonly vms: readonly number[];
  readonly periodUs: number;
  /** Dirty rate, MiB/s; null = the VM's workload rate at the stream's start. */
  readonly dirtyMiBps: number | null;
  /** Rate cap of a sync and of a stream catching up (the migration's), bits/s. */
  readonly capBps: number;
  readonly migrationBandwidthBps: number;
  readonly detectionUs: number;
  /** Each host's NIC, bits/s each way: the streams to a backup host must fit its NIC in. */
  readonly nicBps: number;
}

export class VmReplication {
  readonly backup: Int32Array;
  private readonly phase: Uint8Array;
  private readonly copyId: Int32Array;
  /** Stream start (the sync's end), us. */
  private readonly t0Us: Float64Array;
  private readonly dirtyBps: Float64Array;
  private readonly capOf: Float64Array;
  /** Per host: the dirty rates of the streams to the backups it holds, bits/s. */
  private readonly streamsInBps: Float64Array;
  /** Bytes the stream delivered before its current flow. */
  private readonly sentBase: Float64Array;
  /** The state the replica held when the primary crashed (-1 none), us. */
  private readonly stateAtCrashUs: Float64Array;
  private readonly crashUs: Float64Array;
  private readonly replicated: Uint8Array;
  /** Per host: its last crash, us (-1 never): a replica does not survive it, even once the host is back. */
  private readonly lastDownUs: Float64Array;
  /** Per VM: the host its migration in progress goes to, -1 none (a VE member stands there too). */
  private readonly migratingTo: Int32Array;
  /** The VM being failed over now (its placement event is the watcher's, not a restart's), -1 otherwise. */
  private failingOver = -1;
  private readonly membersOf: VeMembers['membersOf'];
  private readonly constraintsOf: VeMembers['constraintsOf'];
  readonly failoverS: number[] = [];
  readonly workLostS: number[] = [];
  /** The replicas' lags sampled at the polls, ms -> samples (distinct values: one per stream's phase when it keeps up). */
  readonly lagMsCounts = new Map<number, number>();
  checkpointBytes = 0;
  syncBytes = 0;
  wanBytes = 0;

  constructor(
    private readonly world: VmReplicationWorld,
    private readonly config: VmReplicationConfig,
  ) {
    const n = world.cloud.vmCount;
    this.backup = new Int32Array(n).fill(-1);
    this.phase = new Uint8Array(n);
    this.copyId = new Int32Array(n).fill(-1);
    this.t0Us = new Float64Array(n);
    this.dirtyBps = new Float64Array(n);
    this.capOf = new Float64Array(n);
    this.streamsInBps = new Float64Array(world.cloud.hostCount);
    this.sentBase = new Float64Array(n);
    this.stateAtCrashUs = new Float64Array(n).fill(-1);
    this.crashUs = new Float64Array(n).fill(-1);
    this.replicated = new Uint8Array(n);
    this.migratingTo = new Int32Array(n).fill(-1);
    this.lastDownUs = new Float64Array(world.cloud.hostCount).fill(-1);
    for (const vm of config.vms) this.replicated[vm] = 1;
    ({ membersOf: this.membersOf, constraintsOf: this.constraintsOf } = veMembers(world.cloud, n, world.constraints));
    world.hypervisors.onVmPlaced((vm, from, to) => {
      if (vm >= n || this.replicated[vm] === 0) return;
      if (to < 0) this.primaryLost(vm);
      else if (from >= 0) this.primaryMoved(vm);
      else this.recheckVe(vm); // restored (failed over, or restarted from a snapshot)
    });
    // A VE member migrating toward another member's backup (a relocation planned without seeing backups): that backup moves before a failover could break the VE.
    world.hypervisors.onMigrationStarted((vm, _from, to) => {
      if (vm >= n) return;
      this.migratingTo[vm] = to;
      this.recheckVe(vm);
    });
    world.hypervisors.onMigrationEnded((record) => {
      if (record.vm < n) this.migratingTo[record.vm] = -1;
    });
    // A backup whose host crashed while no copy runs to it (first period, idle VM) is replaced here; the others when their copy fails.
    world.hypervisors.onHostUp((host, up) => {
      if (up) return;
      this.lastDownUs[host] = world.sim.nowUs();
      for (const vm of config.vms) if (this.backup[vm] === host && this.copyId[vm] < 0 && this.crashUs[vm] < 0) this.streamCut(vm);
    });
  }

  /** Whether the placement event being told is `vm`'s failover. */
  isFailingOver(vm: number): boolean {
    return this.failingOver === vm;
  }

  isReplicated(vm: number): boolean {
    return vm < this.replicated.length && this.replicated[vm] === 1;
  }

  /** Whether `vm`'s backup holds a complete checkpoint (its sync ended; kept through its primary's loss until the watcher acts). */
  hasReplicaState(vm: number): boolean {
    return this.isReplicated(vm) && this.backup[vm] >= 0 && (this.phase[vm] === STREAMING || this.stateAtCrashUs[vm] >= 0);
  }

  /** The watcher's delay from a primary's crash to its failover, us. */
  get detectionUs(): number {
    return this.config.detectionUs;
  }

  /** The watcher will fail `vm` over: its replica held a complete state when the primary crashed and its host is up and has not crashed since. */
  willFailOver(vm: number): boolean {
    const backup = this.backup[vm];
    return this.isReplicated(vm) && this.stateAtCrashUs[vm] >= 0 && backup >= 0 && this.world.cloud.hostUp[backup] === 1 && this.lastDownUs[backup] < this.crashUs[vm];
  }

  start(): void {
    for (const vm of this.config.vms) this.protect(vm);
    this.world.sim.after(POLL_US, this.poll);
  }

  /** Choose a backup for a running VM, reserve its memory there, and sync it. */
  private protect(vm: number): void {
    const { cloud, hypervisors } = this.world;
    if (cloud.vmLost[vm] === 1 || this.phase[vm] !== NONE) return;
    const primary = cloud.vmHost[vm];
    const dirtyBps = this.dirtyRateNow(vm);
    // A gather's first backup needs room for the gather's members without one: they must join it.
    const group = this.gatherOpener(vm) ? (this.membersOf.get(cloud.vmVe[vm]) ?? []).filter((m) => cloud.vmLost[m] === 0 && this.backup[m] < 0) : [vm];
    let needMiB = 0;
    let needBps = 0;
    for (const m of group) {
      needMiB += cloud.vmMemoryMiB[m];
      needBps += 8 * this.dirtyRateNow(m);
    }
    const to = backupHost({ ...this.backupInput(vm, needBps), needMiB });
    if (to < 0) return; // no admissible host now: tried again at the next poll
    const bytes = cloud.vmMemoryMiB[vm] * MIB;
    const id = hypervisors.copy(primary, to, bytes, this.config.capBps, (ok, _us, sent) => this.synced(vm, ok, sent));
    if (id < 0) return;
    this.backup[vm] = to;
    this.phase[vm] = SYNCING;
    this.copyId[vm] = id;
    this.dirtyBps[vm] = dirtyBps;
    hypervisors.holdMiB(to, cloud.vmMemoryMiB[vm]);
    this.streamsInBps[to] += 8 * dirtyBps;
  }

  /** The VM's dirty rate if its stream started now, bytes/s. */
  private dirtyRateNow(vm: number): number {
    const { cloud } = this.world;
    return this.config.dirtyMiBps === null ? (cloud.vmDirtyShare[vm] * (this.config.migrationBandwidthBps / 8) * cloud.vmLoadPercent[vm]) / 100 : this.config.dirtyMiBps * MIB;
  }

  /** Whether `vm` opens its gather's backups: its VE gathers and no other member has a backup. */
  private gatherOpener(vm: number): boolean {
    const ve = this.world.cloud.vmVe[vm];
    if (ve < 0 || !(this.constraintsOf.get(ve) ?? []).some((c) => c.kind === 'gather')) return false;
    return (this.membersOf.get(ve) ?? []).every((m) => m === vm || this.backup[m] < 0);
  }

  private backupInput(vm: number, streamBps: number): BackupHostInput {
    const { cloud, hypervisors } = this.world;
    const ve = cloud.vmVe[vm];
    return {
      cloud,
      vm,
      primary: cloud.vmHost[vm],
      constraints: ve < 0 ? [] : (this.constraintsOf.get(ve) ?? []),
      members: ve < 0 ? [] : (this.membersOf.get(ve) ?? []).filter((m) => m !== vm),
      backupOf: (m) => this.backup[m],
      incomingTo: (m) => this.migratingTo[m],
      reservedMiB: (h) => hypervisors.reservedMiBOf(h),
      hostPop: this.world.hostPop,
      hostCountry: this.world.hostCountry,
      popLatencyUs: this.world.popLatencyUs,
      popSurvivesCuts: this.world.popSurvivesCuts,
      streamFits: (h) => this.streamsInBps[h] + streamBps <= this.config.nicBps,
      needMiB: cloud.vmMemoryMiB[vm],
    };
  }

  /** Drop VM `vm`'s backup (its memory released) and protect it anew. */
  private rebackup(vm: number): void {
    const { hypervisors, cloud } = this.world;
    const id = this.copyId[vm];
    const sent = id < 0 ? 0 : hypervisors.cancelCopy(id);
    this.count(vm, Math.max(0, sent), this.phase[vm] === STREAMING);
    this.copyId[vm] = -1;
    this.release(vm);
    this.phase[vm] = NONE;
    this.protect(vm);
  }

  /** Forget VM `vm`'s backup: its memory and stream demand released on the host. */
  private release(vm: number): void {
    const backup = this.backup[vm];
    this.world.hypervisors.holdMiB(backup, -this.world.cloud.vmMemoryMiB[vm]);
    this.streamsInBps[backup] -= 8 * this.dirtyBps[vm];
    this.backup[vm] = -1;
  }

  /** After a member of `vm`'s VE moved: the other members' backups that no longer keep the constraints (a spread member moved onto one's host or PoP) are replaced. */
  private recheckVe(vm: number): void {
    const ve = this.world.cloud.vmVe[vm];
    if (ve < 0 || !this.constraintsOf.has(ve)) return;
    for (const m of this.membersOf.get(ve) ?? []) {
      if (m === vm || this.backup[m] < 0 || this.world.cloud.vmLost[m] === 1) continue;
      if (!backupKeepsConstraints(this.backupInput(m, 0), this.backup[m])) this.rebackup(m);
    }
  }

  private synced(vm: number, ok: boolean, sent: number): void {
    const { sim, cloud } = this.world;
    this.count(vm, sent, false);
    this.copyId[vm] = -1;
    if (!ok) return this.streamCut(vm);
    this.phase[vm] = STREAMING;
    this.t0Us[vm] = sim.nowUs();
    this.sentBase[vm] = 0;
    const t0 = this.t0Us[vm];
    sim.after(this.config.periodUs, () => {
      if (this.phase[vm] === STREAMING && this.t0Us[vm] === t0) this.flow(vm, this.dirtyBps[vm] * 8);
    });
  }

  /** (Re)start the stream's flow at `capBps`. */
  private flow(vm: number, capBps: number): void {
    const { cloud, hypervisors } = this.world;
    if (capBps <= 0) return; // an idle VM's checkpoints are empty
    const id = hypervisors.copy(cloud.vmHost[vm], this.backup[vm], FLOW_BYTES, capBps, (ok, _us, sent) => this.flowCut(vm, ok, sent));
    this.copyId[vm] = id; // -1 when no path joins them now: the poll tries again
    this.capOf[vm] = capBps;
  }

  private flowCut(vm: number, ok: boolean, sent: number): void {
    this.sentBase[vm] += sent;
    this.count(vm, sent, true);
    this.copyId[vm] = -1;
    if (!ok) this.streamCut(vm);
  }

  /** A sync or stream was cut by a crash: of the backup (a new one), or of the primary (the watcher acts). */
  private streamCut(vm: number): void {
    const { cloud, hypervisors } = this.world;
    const backup = this.backup[vm];
    if (backup < 0) return;
    if (this.crashUs[vm] >= 0 && this.phase[vm] === STREAMING) this.stateAtCrashUs[vm] = this.stateUs(vm, this.crashUs[vm]);
    this.phase[vm] = NONE;
    if (cloud.hostUp[backup] === 0 || cloud.vmLost[vm] === 0 || this.stateAtCrashUs[vm] < 0) {
      this.release(vm);
      this.stateAtCrashUs[vm] = -1;
      this.protect(vm);
    }
  }

  /**
   * The primary migrated (or was relocated) to `to`: a backup in the PoP it reached is no longer
   * apart from it, so it is dropped and a new one synced; otherwise the stream goes on from `to`
   * (the flow restarted there, the checkpoints delivered kept).
   */
  private primaryMoved(vm: number): void {
    const { hypervisors } = this.world;
    this.recheckVe(vm);
    const backup = this.backup[vm];
    if (backup < 0) return;
    if (this.phase[vm] === SYNCING || !backupKeepsConstraints(this.backupInput(vm, 0), backup)) return this.rebackup(vm);
    const id = this.copyId[vm];
    if (id < 0) return; // first period or idle: the flow starts from the VM's host when due
    const sent = hypervisors.cancelCopy(id);
    this.sentBase[vm] += sent;
    this.count(vm, sent, true);
    this.flow(vm, this.capOf[vm]);
  }

  /** The primary's host crashed (the VM is lost now): the stream is cut by the same crash; the watcher acts after the detection delay. */
  private primaryLost(vm: number): void {
    this.crashUs[vm] = this.world.sim.nowUs();
    if (this.copyId[vm] < 0) this.streamCut(vm); // no copy for the crash to cut (first period, idle VM)
    this.world.sim.after(this.config.detectionUs, () => this.failOver(vm));
  }

  private failOver(vm: number): void {
    const { cloud, hypervisors, sim } = this.world;
    const crashUs = this.crashUs[vm];
    this.crashUs[vm] = -1;
    const backup = this.backup[vm];
    const stateUs = this.stateAtCrashUs[vm];
    this.stateAtCrashUs[vm] = -1;
    if (backup < 0) return;
    this.release(vm);
    this.phase[vm] = NONE;
    // No failover: restored meanwhile, or the backup's host down too or crashed since (the replica
    // went with it, even if the host is back), or a member migrating there since the crash (the VE
    // relocated it without seeing the lost VM): the recovery service restarts it then, as it does
    // a VM without a replica.
    if (cloud.vmLost[vm] === 0 || stateUs < 0 || cloud.hostUp[backup] === 0 || this.lastDownUs[backup] >= crashUs) return;
    if (!backupKeepsConstraints(this.backupInput(vm, 0), backup)) return;
    this.failingOver = vm;
    hypervisors.restoreVm(vm, backup);
    this.failingOver = -1;
    this.failoverS.push((sim.nowUs() - crashUs) / 1e6);
    this.workLostS.push((crashUs - stateUs) / 1e6);
    this.protect(vm);
  }

  /** The virtual time of the replica's state at `atUs`: its last complete checkpoint's capture. */
  private stateUs(vm: number, atUs: number): number {
    const t0 = this.t0Us[vm];
    const T = this.config.periodUs;
    const captured = Math.floor((atUs - t0) / T);
    const d = this.dirtyBps[vm];
    if (d <= 0) return t0 + captured * T;
    const delivered = Math.min(this.sentBase[vm] + (this.liveSent(vm) ?? 0), captured * d * (T / 1e6));
    return t0 + Math.floor(delivered / (d * (T / 1e6)) + 1e-9) * T;
  }

  private liveSent(vm: number): number | undefined {
    return this.copyId[vm] < 0 ? undefined : this.world.hypervisors.copySentBytes(this.copyId[vm]);
  }

  private count(vm: number, bytes: number, checkpoint: boolean): void {
    if (checkpoint) this.checkpointBytes += bytes;
    else this.syncBytes += bytes;
    const { hostPop, cloud } = this.world;
    const from = cloud.vmHost[vm];
    if (from < 0 || this.backup[vm] < 0 || hostPop[from] !== hostPop[this.backup[vm]]) this.wanBytes += bytes; // a lost primary's backup was in another PoP
  }

  /** Bytes the streams in progress have delivered, not yet counted. */
  get streamingBytes(): number {
    let bytes = 0;
    for (const vm of this.config.vms) if (this.phase[vm] === STREAMING) bytes += this.liveSent(vm) ?? 0;
    return bytes;
  }

  /** Every second: the lag of each stream, its cap (catching up or not), and VMs still without a backup. */
  private readonly poll = (): void => {
    const { sim, cloud, hypervisors } = this.world;
    sim.after(POLL_US, this.poll);
    const now = sim.nowUs();
    const T = this.config.periodUs;
    for (const vm of this.config.vms) {
      if (this.phase[vm] === NONE && cloud.vmLost[vm] === 0) this.protect(vm);
      if (this.phase[vm] !== STREAMING || now < this.t0Us[vm] + T) continue;
      const lagMs = (now - this.stateUs(vm, now)) / 1000;
      this.lagMsCounts.set(lagMs, (this.lagMsCounts.get(lagMs) ?? 0) + 1);
      const d = this.dirtyBps[vm];
      if (d <= 0) continue;
      if (this.copyId[vm] < 0) {
        this.flow(vm, 8 * d); // no path to the backup when it was due (a cut): tried again
        continue;
      }
      const dirtied = d * ((now - this.t0Us[vm] - T) / 1e6);
      const behind = dirtied - (this.sentBase[vm] + (this.liveSent(vm) ?? 0)) > 1.5 * d * (T / 1e6);
      const cap = behind ? Math.max(this.config.capBps, 8 * d) : 8 * d;
      if (cap === this.capOf[vm]) continue;
      const sent = hypervisors.cancelCopy(this.copyId[vm]);
      this.sentBase[vm] += sent;
      this.count(vm, sent, true);
      this.flow(vm, cap);
    }
  };
}

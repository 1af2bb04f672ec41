/**
 * VE lifecycle from any node, over Chord: configure, start, suspend, resume, stop, relocate a
 * member, and find where the members run, for any VE from any node.
 *   - a VE's record (members, state, version, each member's last reported host) lives at the
 *     owner of the VE's key (`veKey`); the issuing node looks the owner up through Chord and
 *     sends it one request; the owner answers at once (configure, find) or coordinates the
 *     command with the members' hosts (`VeOwner`) and answers when they did;
 *   - hosts are soft state: each node reports the VE members it hosts to their VE's owner
 *     every `refreshPeriodMs` and when one arrives (`vmArrived`) (`VeHostAgent`); the owner
 *     forgets a member's host after `entryTtlMs` without a report. The members a node hosts
 *     are those its hypervisor lists with a VE id, and those `vmArrived` named;
 *   - the record itself survives its owner: the owner pushes it to the member hosts, which
 *     send their copy with their reports, so a new owner (the old one crashed, or a node joined
 *     and took the key) rebuilds it at the first report (`ve.records_rebuilt`);
 *   - with the record and every copy lost (every VE manager restarted, the VMs running on), the
 *     owner rebuilds it from the hosts' reports at the next request for it
 *     (`ve.records_rebuilt_from_reports`: the members reported, version 0);
 *   - every operation ends in exactly one outcome in the log (`drainOperations`) and one call
 *     of its optional callback, always from a later event (a refusal on a 0 ms timer), unless
 *     the node stops first; an operation not finished `operationTimeoutMs` after it was issued
 *     (plus `migrationTimeoutMs` for a relocation) fails with 'timeout';
 *   - with `registry: 'store'`, the record's durable state lives in the node's replicated store
 *     instead (`VeOwner`), so an owner's crash loses no acknowledged change;
 *   - workload (`workloadPeriodMs` > 0): see `VeWorkload`.
 * Bounds: `opsInFlightMax` operations issued, `coordinationsMax` commands coordinated,
 * `vesMax` records and `membersMax` members each, `hostedMax` members hosted, the migration
 * runner's `migrationsInFlightMax` and `migrationQueueMax`, `outcomeLogMax` outcomes.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle, VmId } from '../../runtime/context.js';
import type { VeConstraint } from '../../placement/problem.js';
import type { StateStore } from '../state-store.js';
import { type VeConfig, validateVeConfig } from './ve-config.js';
import { type VeKeyLookup, VeHostAgent } from './ve-host.js';
import { veKey } from './ve-key.js';
import { VE_CONFIGURE, VE_FIND, VE_OP_NAMES, VE_RELOCATE, VE_RESUME, VE_START, VE_STOP, VE_SUSPEND, type VeOpName, type VeOutcome, type VeReason, VeLog, veReason, veReasonCode } from './ve-log.js';
import { COMMAND_BYTES, FIND_BYTES, type VeMessage, type VeRecordData, type VeResultMessage, type VeState, checkedRecord, configureBytes, isId } from './ve-messages.js';
import { VeOwner } from './ve-owner.js';
import type { VeView } from './ve-store.js';
import { VeWorkload } from './ve-workload.js';

/** What the issuer learns of an operation: the outcome and the record as the owner knew it after it. */
export interface VeResult {
  readonly opId: number;
  readonly op: VeOpName;
  readonly ve: number;
  /** A relocation's VM and target node (-1 for other kinds). */
  readonly vm: VmId;
  readonly target: NodeId;
  readonly ok: boolean;
  readonly reason: VeReason;
  /** The owner found, -1 when the lookup failed or was refused. */
  readonly owner: NodeId;
  /** null when the owner held no configured record or did not answer. */
  readonly state: VeState | null;
  readonly version: number;
  /** Members (increasing) and their hosts (-1: unknown to the owner), as the owner knew them. */
  readonly members: readonly VmId[];
  readonly hosts: readonly NodeId[];
  readonly acted: number;
  readonly failed: number;
  readonly startMs: number;
  readonly endMs: number;
}

export type VeDone = (result: VeResult) => void;

/**
 * Told of every operation this node issued, as it finishes (before its own callback): how a
 * simulation scores each answer against the cloud model at the moment it arrives, and how a live
 * agent samples them for its launcher to judge. The protocol never scores itself.
 */
export type VeObserver = (node: NodeId, result: VeResult) => void;

interface PendingOp {
  readonly id: number;
  readonly kind: number;
  readonly ve: number;
  readonly vm: VmId;
  readonly to: NodeId;
  readonly members: readonly VmId[];
  readonly startMs: number;
  readonly onDone: VeDone | undefined;
  owner: NodeId;
  timer: TimerHandle | null;
}

interface Answer {
  readonly reason: string;
  readonly record: VeRecordData | null;
  readonly hosts: readonly NodeId[];
  readonly acted: number;
  readonly failed: number;
}

const noAnswer = (reason: string): Answer => ({ reason, record: null, hosts: [], acted: 0, failed: 0 });

export class VeProtocol implements Protocol {
  private readonly owner: VeOwner;
  private readonly host: VeHostAgent;
  private readonly workload: VeWorkload | null;
  private readonly log: VeLog;
  private readonly constraints = new Map<number, VeConstraint[]>();
  private readonly pending = new Map<number, PendingOp>();
  private nextOpId = 1;
  private stopped = false;
  private refreshTimer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly chord: VeKeyLookup,
    private readonly config: VeConfig,
    private readonly observer?: VeObserver,
    /** The node's replicated store: required by `registry: 'store'`, unused otherwise. */
    store: StateStore | null = null,
  ) {
    validateVeConfig(config);
    if (config.registry === 'store' && store === null) throw new RangeError(`VeProtocol: registry 'store' needs the node's replicated store`);
    for (const c of config.constraints) {
      const list = this.constraints.get(c.ve);
      if (list === undefined) this.constraints.set(c.ve, [c]);
      else list.push(c);
    }
    this.log = new VeLog(config.outcomeLogMax);
    this.owner = new VeOwner(ctx, config, (ve) => this.constraints.get(ve) ?? [], this.post, config.registry === 'store' ? store : null);
    this.host = new VeHostAgent(ctx, chord, config, this.post);
    this.workload = config.workloadPeriodMs > 0 ? new VeWorkload(ctx, config, this) : null;
  }

  // ---- operations: each returns its id and ends in one logged outcome ----

  /** Register `ve` with `members` (any order, duplicates ignored; at most membersMax), replacing its membership. */
  configure(ve: number, members: readonly VmId[], onDone?: VeDone): number {
    const sorted = [...new Set(members)].sort((a, b) => a - b);
    if (!sorted.every(isId)) throw new RangeError(`VeProtocol.configure: members must be integers in [0, 2^31), got ${JSON.stringify(members)}`);
    if (sorted.length > this.config.membersMax) throw new RangeError(`VeProtocol.configure: ${sorted.length} members, more than membersMax = ${this.config.membersMax}`);
    return this.issue(VE_CONFIGURE, ve, -1, -1, sorted, onDone);
  }

  find(ve: number, onDone?: VeDone): number {
    return this.issue(VE_FIND, ve, -1, -1, [], onDone);
  }

  start(ve: number, onDone?: VeDone): number {
    return this.issue(VE_START, ve, -1, -1, [], onDone);
  }

  suspend(ve: number, onDone?: VeDone): number {
    return this.issue(VE_SUSPEND, ve, -1, -1, [], onDone);
  }

  resume(ve: number, onDone?: VeDone): number {
    return this.issue(VE_RESUME, ve, -1, -1, [], onDone);
  }

  stop(ve: number, onDone?: VeDone): number {
    return this.issue(VE_STOP, ve, -1, -1, [], onDone);
  }

  /** Live-migrate member `vm` of `ve` to node `to`, keeping the VE's constraints. */
  relocate(ve: number, vm: VmId, to: NodeId, onDone?: VeDone): number {
    if (!isId(vm)) throw new RangeError(`VeProtocol.relocate: vm must be an integer in [0, 2^31), got ${vm}`);
    if (!isId(to)) throw new RangeError(`VeProtocol.relocate: to must be a node id >= 0, got ${to}`);
    return this.issue(VE_RELOCATE, ve, vm, to, [], onDone);
  }

  // ---- what the hosting node's agent, probes and tests use ----

  /** `vm`, a member of `ve`, now runs on this node (the end of a migration): reported at once and every period. */
  vmArrived(vm: VmId, ve: number): boolean {
    if (!isId(vm) || !isId(ve)) throw new RangeError(`VeProtocol.vmArrived: vm and ve must be integers in [0, 2^31), got ${vm} and ${ve}`);
    return this.host.arrived(vm, ve);
  }

  /** `vm` left this node (also noticed from the hypervisor at the next report). */
  vmDeparted(vm: VmId): void {
    this.host.departed(vm);
  }

  hostedVms(): VmId[] {
    return this.host.hosted.hostedVms();
  }

  /** The configured record this node holds as the owner of `ve`, with its members' hosts now, or null. */
  recordOf(ve: number): VeView | null {
    return this.owner.view(ve);
  }

  get recordCount(): number {
    return this.owner.store.size;
  }

  get operationsInFlight(): number {
    return this.pending.size;
  }

  /** The operations finished since the last drain, oldest first. */
  drainOperations(): VeOutcome[] {
    return this.log.drain();
  }

  get operationsDropped(): number {
    return this.log.dropped;
  }

  /** Bounds and bookkeeping (for runs that check invariants after every event). */
  checkInvariants(): string[] {
    const out: string[] = [];
    const c = this.config;
    if (this.pending.size > c.opsInFlightMax) out.push(`ve node ${this.ctx.id}: ${this.pending.size} operations in flight > ${c.opsInFlightMax}`);
    if (this.owner.coordinating > c.coordinationsMax) out.push(`ve node ${this.ctx.id}: ${this.owner.coordinating} coordinations > ${c.coordinationsMax}`);
    if (this.owner.store.size > c.vesMax) out.push(`ve node ${this.ctx.id}: ${this.owner.store.size} records > ${c.vesMax}`);
    if (this.host.hosted.size > c.hostedMax) out.push(`ve node ${this.ctx.id}: ${this.host.hosted.size} members hosted > ${c.hostedMax}`);
    for (const p of this.pending.values()) if (p.timer === null || !p.timer.active) out.push(`ve node ${this.ctx.id}: operation ${p.id} in flight without its timeout`);
    return out;
  }

  // ---- handlers ----

  onStart(): void {
    this.refreshTimer = this.ctx.setTimer(this.ctx.rng.next() * this.config.refreshPeriodMs, this.onRefresh);
    this.workload?.start();
  }

  onStop(): void {
    this.stopped = true;
    this.refreshTimer?.cancel();
    this.refreshTimer = null;
    for (const p of this.pending.values()) p.timer?.cancel();
    this.pending.clear();
    this.owner.stop();
    this.host.stop();
    this.workload?.stop();
  }

  onMessage(from: NodeId, message: Message): void {
    if (this.stopped) return;
    const msg = message as VeMessage;
    switch (msg.type) {
      case 've.configure':
        return this.owner.onConfigure(from, msg);
      case 've.find':
        return this.owner.onFind(from, msg);
      case 've.command':
        return this.owner.onCommand(from, msg);
      case 've.applied':
        return this.owner.onApplied(from, msg);
      case 've.probed':
        return this.owner.onProbed(from, msg);
      case 've.report':
        return this.owner.onReport(from, msg);
      case 've.apply':
        return this.host.onApply(from, msg);
      case 've.migrate':
        return this.host.onMigrate(from, msg);
      case 've.probe':
        return this.host.onProbe(from, msg);
      case 've.record':
        return this.host.onRecord(msg);
      case 've.result':
        return this.onResult(from, msg);
      default:
        this.ctx.metrics.count('ve.unknown_messages');
    }
  }

  private readonly onRefresh = (): void => {
    this.owner.sweep();
    this.host.refresh();
    this.refreshTimer = this.ctx.setTimer(this.config.refreshPeriodMs, this.onRefresh);
  };

  /** Send, or deliver to this node's own protocol from a 0 ms timer (the owner or host may be the issuer). */
  private readonly post = (to: NodeId, message: VeMessage, sizeBytes: number): void => {
    if (to !== this.ctx.id) return this.ctx.send(to, message, sizeBytes);
    this.ctx.setTimer(0, () => this.onMessage(to, message));
  };

  // ---- the issuing side ----

  private issue(kind: number, ve: number, vm: VmId, to: NodeId, members: readonly VmId[], onDone: VeDone | undefined): number {
    if (this.stopped) throw new Error(`VeProtocol: node ${this.ctx.id} is stopped, it cannot issue a ${VE_OP_NAMES[kind]}`);
    const key = veKey(ve, this.chord.idBits); // checks the id
    const p: PendingOp = { id: this.nextOpId++, kind, ve, vm, to, members, startMs: this.ctx.nowMs(), onDone, owner: -1, timer: null };
    if (this.pending.size >= this.config.opsInFlightMax) return this.finishLater(p, 'busy');
    if (!this.chord.lookup(key, (owner) => this.onOwnerFound(p, owner))) return this.finishLater(p, 'not-in-ring');
    this.pending.set(p.id, p);
    const timeoutMs = this.config.operationTimeoutMs + (kind === VE_RELOCATE ? this.config.migrationTimeoutMs : 0);
    p.timer = this.ctx.setTimer(timeoutMs, () => {
      p.timer = null;
      this.ctx.metrics.count('ve.operation_timeouts');
      this.finish(p, noAnswer('timeout'));
    });
    return p.id;
  }

  /** Refused before it started: the outcome comes from a 0 ms timer, never from inside the call. */
  private finishLater(p: PendingOp, reason: string): number {
    this.ctx.metrics.count(`ve.${VE_OP_NAMES[p.kind]}_refused`);
    this.ctx.setTimer(0, () => this.finish(p, noAnswer(reason)));
    return p.id;
  }

  private onOwnerFound(p: PendingOp, owner: NodeId): void {
    if (this.pending.get(p.id) !== p) return;
    if (owner < 0) return this.finish(p, noAnswer('lookup-failed'));
    p.owner = owner;
    if (p.kind === VE_CONFIGURE) this.post(owner, { type: 've.configure', opId: p.id, ve: p.ve, members: p.members }, configureBytes(p.members.length));
    else if (p.kind === VE_FIND) this.post(owner, { type: 've.find', opId: p.id, ve: p.ve }, FIND_BYTES);
    else this.post(owner, { type: 've.command', opId: p.id, ve: p.ve, kind: p.kind, vm: p.vm, to: p.to }, COMMAND_BYTES);
  }

  private onResult(from: NodeId, msg: VeResultMessage): void {
    const p = this.pending.get(msg.opId);
    if (p === undefined || p.owner !== from || p.ve !== msg.ve || typeof msg.reason !== 'string') {
      this.ctx.metrics.count('ve.late_results');
      return;
    }
    const record = msg.record === null ? null : checkedRecord(msg.record, this.config.membersMax);
    const wellFormed = record !== null && Array.isArray(msg.hosts) && msg.hosts.length === record.members.length && msg.hosts.every((h) => Number.isInteger(h) && h >= -1);
    const hosts = record === null ? [] : wellFormed ? msg.hosts : record.members.map(() => -1);
    const count = (n: unknown): number => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0);
    this.finish(p, { reason: msg.ok === true ? '' : msg.reason === '' ? 'refused' : msg.reason, record, hosts, acted: count(msg.acted), failed: count(msg.failed) });
  }

  private finish(p: PendingOp, a: Answer): void {
    if (this.pending.get(p.id) === p) this.pending.delete(p.id);
    p.timer?.cancel();
    p.timer = null;
    const endMs = this.ctx.nowMs();
    const ok = a.reason === '';
    const name = VE_OP_NAMES[p.kind];
    this.ctx.metrics.count(`ve.${name}_${ok ? 'ok' : 'failed'}`);
    this.log.record({ node: this.ctx.id, kind: p.kind, ve: p.ve, vm: p.vm, target: p.to, owner: p.owner, startMs: p.startMs, endMs, ok, members: a.acted, failed: a.failed, reason: veReasonCode(a.reason) });
    const result: VeResult = {
      opId: p.id,
      op: name,
      ve: p.ve,
      vm: p.vm,
      target: p.to,
      ok,
      reason: veReason(a.reason),
      owner: p.owner,
      state: a.record?.state ?? null,
      version: a.record?.version ?? -1,
      members: a.record?.members ?? [],
      hosts: a.hosts,
      acted: a.acted,
      failed: a.failed,
      startMs: p.startMs,
      endMs,
    };
    this.observer?.(this.ctx.id, result);
    p.onDone?.(result);
  }
}

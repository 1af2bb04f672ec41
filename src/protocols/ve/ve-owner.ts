/**
 * The owner's side: the VE records of the keys this node owns (`VeStore`), and the commands it
 * coordinates. One command per VE at a time (another is 'busy'), at most `coordinationsMax`.
 *   - start / suspend / resume / stop: every member's host must be known, or the command fails
 *     at once ('host-unknown') without touching any member; otherwise one `ve.apply` per host,
 *     and the outcome once every host answered, or after `hostAnswerTimeoutMs` (the members of
 *     silent hosts fail: 'host-silent'). On success the record takes the new state;
 *   - relocate: the member's host must be known (and, for a gather or spread, every member:
 *     a record rebuilt from reports, which may lack some, cannot judge one: 'host-unknown');
 *     when the VE has constraints the target is
 *     first asked where it is and which members it holds or receives (`ve.probe`: its word
 *     beats the record's, which misses a move that outlived its command) and the move judged
 *     (`relocationViolation`); then
 *     the host migrates the VM and answers when the migration ended (`hostAnswerTimeoutMs +
 *     migrationTimeoutMs`). On success the member's host is the target at once.
 * A request for a VE of which this owner holds only reports (no record, no host with a copy of
 * it: all lost) rebuilds the record from the reports (`VeStore.rebuildFromReports`).
 *
 * Registry 'store' (a `StateStore` given): the record's durable state is a key of the replicated
 * store. Every request first reads it at quorum R (`VeStore.restore`: a newer record replaces the
 * owner's, stored hosts count as reports), so an owner that just took the key over, or came back
 * empty, answers from what the previous owner committed; every change the owner commits
 * (configure, a command's new state, a relocation's new host) is written at quorum W before the
 * issuer hears of it ('store-failed' otherwise), so an acknowledged change survives the owner's
 * crash; a member's new host learnt from a report is written in the background, unless the
 * store holds a newer record (another node owns the key now), and a read that finds an older
 * record than the owner's puts the owner's back. Reports still
 * say where members run; the hosts' copies are neither pushed nor read, and nothing is rebuilt
 * from reports. Reading at every request rather than once per ownership: the protocol hears of
 * no change of ownership, and a record kept since an earlier ownership could be stale.
 * Every request gets exactly one `ve.result`, sent to the issuer.
 */
import type { NodeContext, NodeId, TimerHandle, VmId } from '../../runtime/context.js';
import type { VeConstraint } from '../../placement/problem.js';
import { STATE_SPACE_VE, type StateStore, stateKey } from '../state-store.js';
import { relocationViolation } from './ve-constraints.js';
import type { VeConfig } from './ve-config.js';
import { VE_RELOCATE, VE_RESUME, VE_START, VE_STOP, VE_SUSPEND, veReason } from './ve-log.js';
import {
  type VeApplied,
  type VeCommandRequest,
  type VeConfigureRequest,
  type VeFindRequest,
  type VeMessage,
  type VeProbed,
  type VeReport,
  type VeResultMessage,
  type VeState,
  MIGRATE_BYTES,
  PROBE_BYTES,
  applyBytes,
  checkedRecord,
  isCountry,
  isId,
  isIdList,
  recordPushBytes,
  resultBytes,
} from './ve-messages.js';
import { type HostPlace, type VeView, VeStore } from './ve-store.js';
import { decodeVeRecord, encodeVeRecord, hostsMoved } from './ve-record-codec.js';

export type Post = (to: NodeId, message: VeMessage, sizeBytes: number) => void;

interface Coordination {
  readonly id: number;
  readonly issuer: NodeId;
  readonly opId: number;
  readonly ve: number;
  readonly kind: number;
  /** The members commanded, their hosts, and their answers ('' done; null while waiting). */
  readonly vms: readonly VmId[];
  readonly hosts: readonly NodeId[];
  readonly reasons: (string | null)[];
  waiting: number;
  /** A relocation's target, once known to be where it said. */
  target: HostPlace | null;
  readonly to: NodeId;
  observedAtMs: number;
  /** The hosts were told to act (for a relocation: once the target passed the constraints). */
  sent: boolean;
  timer: TimerHandle | null;
}

const TARGET_STATE: Readonly<Record<number, VeState>> = { [VE_START]: 'running', [VE_SUSPEND]: 'suspended', [VE_RESUME]: 'running', [VE_STOP]: 'stopped' };

export class VeOwner {
  readonly store: VeStore;
  private readonly coordinations = new Map<number, Coordination>();
  /** VE -> the coordination running on it. */
  private readonly busy = new Map<number, number>();
  private nextCoordId = 1;
  private stopped = false;

  /** `durable`: the node's replicated store when the registry keeps the records there (null: soft state alone). */
  constructor(
    private readonly ctx: NodeContext,
    private readonly config: VeConfig,
    private readonly constraintsOf: (ve: number) => readonly VeConstraint[],
    private readonly post: Post,
    private readonly durable: StateStore | null = null,
  ) {
    this.store = new VeStore(config.vesMax, config.membersMax, config.entryTtlMs);
  }

  get coordinating(): number {
    return this.coordinations.size;
  }

  view(ve: number): VeView | null {
    return this.store.view(ve, this.ctx.nowMs());
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.coordinations.values()) c.timer?.cancel();
    this.coordinations.clear();
    this.busy.clear();
  }

  sweep(): void {
    this.store.sweep(this.ctx.nowMs());
  }

  // ---- requests from issuers ----

  onConfigure(from: NodeId, msg: VeConfigureRequest): void {
    if (!isId(msg.ve) || !isSortedIds(msg.members, this.config.membersMax)) return this.bad();
    this.load(from, msg.opId, msg.ve, () => this.configure(from, msg));
  }

  private configure(from: NodeId, msg: VeConfigureRequest): void {
    if (this.busy.has(msg.ve)) return this.reply(from, msg.opId, msg.ve, 'busy', 0, msg.members.length);
    const evicted = this.store.evicted;
    const stored = this.store.configure(msg.ve, msg.members, this.ctx.nowMs());
    if (this.store.evicted > evicted) this.ctx.metrics.count('ve.placeholders_evicted', this.store.evicted - evicted);
    if (!stored) return this.reply(from, msg.opId, msg.ve, 'full', 0, msg.members.length);
    this.save(msg.ve, (ok) => this.reply(from, msg.opId, msg.ve, ok ? '' : 'store-failed', msg.members.length, 0));
  }

  onFind(from: NodeId, msg: VeFindRequest): void {
    if (!isId(msg.ve)) return this.bad();
    this.load(from, msg.opId, msg.ve, () => this.find(from, msg));
  }

  private find(from: NodeId, msg: VeFindRequest): void {
    this.rebuildFromReports(msg.ve);
    const view = this.view(msg.ve);
    if (view === null) return this.reply(from, msg.opId, msg.ve, 'unknown-ve', 0, 0);
    this.reply(from, msg.opId, msg.ve, '', view.hosts.length, view.hosts.filter((h) => h < 0).length);
  }

  onCommand(from: NodeId, msg: VeCommandRequest): void {
    if (!isId(msg.ve) || !(msg.kind >= VE_START && msg.kind <= VE_RELOCATE)) return this.bad();
    if (msg.kind === VE_RELOCATE && !(isId(msg.vm) && isId(msg.to))) return this.bad();
    this.load(from, msg.opId, msg.ve, () => this.command(from, msg));
  }

  private command(from: NodeId, msg: VeCommandRequest): void {
    this.rebuildFromReports(msg.ve);
    const view = this.view(msg.ve);
    if (view === null) return this.reply(from, msg.opId, msg.ve, 'unknown-ve', 0, 0);
    if (this.busy.has(msg.ve) || this.coordinations.size >= this.config.coordinationsMax) {
      this.ctx.metrics.count('ve.commands_busy');
      return this.reply(from, msg.opId, msg.ve, 'busy', 0, msg.kind === VE_RELOCATE ? 1 : view.hosts.length);
    }
    if (msg.kind === VE_RELOCATE) return this.startRelocation(from, msg, view);
    const unknown = view.hosts.filter((h) => h < 0).length;
    if (unknown > 0) return this.reply(from, msg.opId, msg.ve, 'host-unknown', 0, unknown);
    const c = this.coordinate(from, msg, view.record.members, view.hosts);
    const byHost = new Map<NodeId, VmId[]>();
    c.vms.forEach((vm, k) => {
      const list = byHost.get(c.hosts[k]);
      if (list === undefined) byHost.set(c.hosts[k], [vm]);
      else list.push(vm);
    });
    c.sent = true;
    for (const host of [...byHost.keys()].sort((a, b) => a - b)) {
      const vms = byHost.get(host) as VmId[];
      this.post(host, { type: 've.apply', coordId: c.id, ve: c.ve, kind: c.kind, vms }, applyBytes(vms.length));
    }
    if (c.waiting === 0) return this.complete(c);
    c.timer = this.ctx.setTimer(this.config.hostAnswerTimeoutMs, () => this.onTimeout(c));
  }

  // ---- answers from hosts ----

  onProbed(from: NodeId, msg: VeProbed): void {
    const c = this.coordinations.get(msg.coordId);
    if (c === undefined || c.kind !== VE_RELOCATE || c.target !== null || from !== c.to || !Number.isInteger(msg.site) || !isCountry(msg.country)) return this.late();
    c.timer?.cancel();
    c.timer = null;
    if (msg.site < 0) return this.fail(c, 'no-hypervisor');
    const view = this.view(c.ve);
    if (view === null) return this.fail(c, 'unknown-ve');
    if (!isIdList(msg.members, this.config.membersMax)) return this.bad();
    c.target = { node: c.to, site: msg.site, country: msg.country };
    // Where the target's hypervisor says members are (there, or on their way) overrides the record.
    const target = c.target;
    const there = (k: number): boolean => msg.members.includes(view.record.members[k]);
    const places = { members: view.record.members, hosts: view.hosts.map((h, k) => (there(k) ? target.node : h)), sites: view.sites.map((s, k) => (there(k) ? target.site : s)) };
    const violation = relocationViolation(this.constraintsOf(c.ve), places, c.vms[0], target);
    if (violation !== '') return this.fail(c, violation);
    this.migrate(c);
  }

  onApplied(from: NodeId, msg: VeApplied): void {
    const c = this.coordinations.get(msg.coordId);
    if (c === undefined || !Array.isArray(msg.vms) || !Array.isArray(msg.reasons) || msg.vms.length !== msg.reasons.length) return this.late();
    if (!c.sent) return this.late();
    msg.vms.forEach((vm, i) => {
      const k = c.vms.indexOf(vm);
      if (k < 0 || c.hosts[k] !== from || c.reasons[k] !== null) return;
      const reason = msg.reasons[i];
      c.reasons[k] = typeof reason === 'string' ? (reason === '' ? '' : veReason(reason)) : 'refused';
      c.waiting--;
    });
    if (typeof msg.observedAtMs === 'number' && Number.isFinite(msg.observedAtMs)) c.observedAtMs = msg.observedAtMs;
    if (c.waiting === 0) this.complete(c);
  }

  onReport(from: NodeId, msg: VeReport): void {
    if (!isId(msg.ve) || !isIdList(msg.vms, this.config.membersMax) || !(typeof msg.observedAtMs === 'number' && Number.isFinite(msg.observedAtMs))) return this.bad();
    if (!Number.isInteger(msg.site) || !isCountry(msg.country)) return this.bad();
    const checked = msg.record === null ? null : checkedRecord(msg.record, this.config.membersMax);
    if (msg.record !== null && checked === null) return this.bad();
    const copy = this.durable === null ? checked : null; // with the store, the record is the store's
    const before = this.durable === null ? null : this.view(msg.ve);
    const evicted = this.store.evicted;
    const result = this.store.report(msg.ve, { node: from, site: msg.site, country: msg.country }, msg.vms, msg.observedAtMs, copy, this.ctx.nowMs());
    const metrics = this.ctx.metrics;
    metrics.count('ve.reports_received');
    if (this.store.evicted > evicted) metrics.count('ve.placeholders_evicted', this.store.evicted - evicted);
    if (result.dropped) metrics.count('ve.reports_dropped');
    if (result.rebuilt) metrics.count('ve.records_rebuilt');
    if (result.ignored > 0) metrics.count('ve.reported_members_ignored', result.ignored);
    if (this.durable !== null) {
      const after = this.view(msg.ve);
      if (before !== null && after !== null && hostsMoved(before.hosts, after.hosts)) this.saveMoved(msg.ve);
      return;
    }
    if (result.pushRecord !== null) this.post(from, { type: 've.record', ve: msg.ve, record: result.pushRecord }, recordPushBytes(result.pushRecord));
  }

  /** A request for a VE known only from reports: the record and its copies were lost; rebuild it from them. */
  private rebuildFromReports(ve: number): void {
    if (this.durable !== null) return; // the store holds the record: nothing to rebuild
    if (this.store.rebuildFromReports(ve, this.ctx.nowMs())) this.ctx.metrics.count('ve.records_rebuilt_from_reports');
  }

  // ---- the record in the replicated store (registry 'store') ----

  /** Read the record of `ve` from the store, take it if newer, then `then()`; without the store, `then()` now. */
  private load(issuer: NodeId, opId: number, ve: number, then: () => void): void {
    const durable = this.durable;
    if (durable === null) return then();
    const started = durable.get(stateKey(STATE_SPACE_VE, ve), (read) => {
      if (this.stopped) return;
      if (!read.ok) {
        this.ctx.metrics.count('ve.registry_reads_failed');
        return this.reply(issuer, opId, ve, 'store-failed', 0, 0);
      }
      if (read.data !== null) this.restore(ve, read.data);
      then();
    });
    if (!started) {
      this.ctx.metrics.count('ve.registry_reads_refused');
      this.reply(issuer, opId, ve, 'busy', 0, 0);
    }
  }

  private restore(ve: number, data: readonly number[]): void {
    const d = decodeVeRecord(data, this.config.membersMax);
    if (d === null) return this.ctx.metrics.count('ve.registry_bad_records');
    // A stored host was last reported up to a refresh period before the write: kept for what
    // remains of its ttl after that (at least a period, for its next report to arrive).
    const { entryTtlMs, refreshPeriodMs } = this.config;
    const outcome = this.store.restore(ve, d, this.ctx.nowMs(), Math.max(refreshPeriodMs, entryTtlMs - refreshPeriodMs));
    if (outcome === 'loaded') this.ctx.metrics.count('ve.records_loaded');
    else if (outcome === 'full') this.ctx.metrics.count('ve.records_dropped');
    else if (d.record.version < (this.store.durableOf(ve, this.ctx.nowMs())?.record.version ?? -1)) {
      // An older record written over ours (a late write of a former owner): put ours back.
      this.ctx.metrics.count('ve.registry_repairs');
      this.save(ve, null);
    }
  }

  /**
   * A member moved (a report): write the record in the background, unless the store holds a
   * newer one (the key moved to another owner meanwhile: a late report must not write an older
   * record over its).
   */
  private saveMoved(ve: number): void {
    const durable = this.durable;
    if (durable === null) return;
    const started = durable.get(stateKey(STATE_SPACE_VE, ve), (read) => {
      if (this.stopped || !read.ok) return;
      const stored = read.data === null ? null : decodeVeRecord(read.data, this.config.membersMax);
      const own = this.store.durableOf(ve, this.ctx.nowMs());
      if (own === null || (stored !== null && stored.record.version > own.record.version)) return this.ctx.metrics.count('ve.registry_moves_not_written');
      this.save(ve, null);
    });
    if (!started) this.ctx.metrics.count('ve.registry_reads_refused');
  }

  /** Write the record of `ve` to the store; `then(ok)` once acknowledged (at once, true, without the store). */
  private save(ve: number, then: ((ok: boolean) => void) | null): void {
    const durable = this.durable;
    const d = durable === null ? null : this.store.durableOf(ve, this.ctx.nowMs());
    if (durable === null || d === null) return then?.(true);
    const started = durable.put(stateKey(STATE_SPACE_VE, ve), encodeVeRecord(d), (ok) => {
      if (this.stopped) return;
      if (!ok) this.ctx.metrics.count('ve.registry_writes_failed');
      then?.(ok);
    });
    if (started) return this.ctx.metrics.count('ve.registry_writes');
    this.ctx.metrics.count('ve.registry_writes_refused');
    then?.(false);
  }

  // ---- coordination ----

  private coordinate(issuer: NodeId, msg: VeCommandRequest, vms: readonly VmId[], hosts: readonly NodeId[]): Coordination {
    const c: Coordination = {
      id: this.nextCoordId++,
      issuer,
      opId: msg.opId,
      ve: msg.ve,
      kind: msg.kind,
      vms,
      hosts,
      reasons: vms.map(() => null),
      waiting: vms.length,
      target: null,
      to: msg.to,
      observedAtMs: this.ctx.nowMs(),
      sent: false,
      timer: null,
    };
    this.coordinations.set(c.id, c);
    this.busy.set(c.ve, c.id);
    return c;
  }

  private startRelocation(from: NodeId, msg: VeCommandRequest, view: VeView): void {
    const k = view.record.members.indexOf(msg.vm);
    if (k < 0) return this.reply(from, msg.opId, msg.ve, 'not-member', 0, 1);
    if (view.hosts[k] < 0) return this.reply(from, msg.opId, msg.ve, 'host-unknown', 0, 1);
    const constraints = this.constraintsOf(msg.ve);
    // A record rebuilt from reports may lack members (their hosts' reports went to another owner
    // while the ring healed from a partition, or are yet to come): a gather or spread judged
    // against it could put the VM beside a member it does not list (torture-dvms-small seeds
    // 284, 361). Their hosts are unknown until a configure or a host's copy restores the record.
    if (view.fromReports && constraints.some((c) => c.kind !== 'fence')) return this.reply(from, msg.opId, msg.ve, 'host-unknown', 0, 1);
    const c = this.coordinate(from, msg, [msg.vm], [view.hosts[k]]);
    if (constraints.length === 0) return this.migrate(c);
    this.post(c.to, { type: 've.probe', coordId: c.id, ve: c.ve }, PROBE_BYTES);
    c.timer = this.ctx.setTimer(this.config.hostAnswerTimeoutMs, () => {
      c.timer = null;
      this.fail(c, 'target-silent');
    });
  }

  private migrate(c: Coordination): void {
    c.sent = true;
    this.post(c.hosts[0], { type: 've.migrate', coordId: c.id, ve: c.ve, vm: c.vms[0], to: c.to }, MIGRATE_BYTES);
    c.timer = this.ctx.setTimer(this.config.hostAnswerTimeoutMs + this.config.migrationTimeoutMs, () => this.onTimeout(c));
  }

  private onTimeout(c: Coordination): void {
    c.timer = null;
    this.ctx.metrics.count('ve.host_timeouts');
    for (let k = 0; k < c.reasons.length; k++) if (c.reasons[k] === null) c.reasons[k] = 'host-silent';
    this.complete(c);
  }

  /** Fail every member still waiting with `reason`, and finish. */
  private fail(c: Coordination, reason: string): void {
    for (let k = 0; k < c.reasons.length; k++) if (c.reasons[k] === null) c.reasons[k] = reason;
    this.complete(c);
  }

  private complete(c: Coordination): void {
    c.timer?.cancel();
    c.timer = null;
    this.coordinations.delete(c.id);
    this.busy.delete(c.ve);
    const now = this.ctx.nowMs();
    let failed = 0;
    let reason = '';
    for (const r of c.reasons) {
      if (r === '' || r === null) continue;
      failed++;
      if (reason === '') reason = r;
    }
    const acted = c.sent ? c.vms.length : 0;
    if (failed > 0) return this.reply(c.issuer, c.opId, c.ve, reason, acted, failed);
    if (c.kind !== VE_RELOCATE) this.store.setState(c.ve, TARGET_STATE[c.kind], now);
    else this.store.moved(c.ve, c.vms[0], c.target ?? { node: c.to, site: -1, country: '' }, c.observedAtMs, now);
    this.save(c.ve, (ok) => this.reply(c.issuer, c.opId, c.ve, ok ? '' : 'store-failed', acted, 0));
  }

  private reply(to: NodeId, opId: number, ve: number, reason: string, acted: number, failed: number): void {
    const view = this.view(ve);
    const result: VeResultMessage = { type: 've.result', opId, ve, ok: reason === '', reason, record: view?.record ?? null, hosts: view?.hosts ?? [], acted, failed };
    this.post(to, result, resultBytes(result));
  }

  private bad(): void {
    this.ctx.metrics.count('ve.bad_messages');
  }

  private late(): void {
    this.ctx.metrics.count('ve.late_answers');
  }
}

function isSortedIds(value: unknown, max: number): value is readonly number[] {
  if (!isIdList(value, max)) return false;
  for (let k = 1; k < value.length; k++) if (!(value[k - 1] < value[k])) return false;
  return true;
}

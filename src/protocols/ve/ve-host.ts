/**
 * The hosting side: the VE members this node hosts (`HostedVes`), reported to each VE's owner
 * (one Chord lookup and one `ve.report` per VE hosted) now when a member arrives and every
 * refresh period; the commands owners send, applied through the node's hypervisor; relocations
 * run as migrations through a bounded `MigrationRunner`.
 *
 * A command is idempotent at the host: a VM already in the state asked (a suspend of a
 * suspended VM) counts as done, so that a VE half suspended by a failed operation can be
 * suspended again, and two nodes suspending the same VE both succeed.
 */
import type { Hypervisor, NodeContext, NodeId, TimerHandle, VmId, VmState } from '../../runtime/context.js';
import type { ChordProtocol } from '../chord/chord-protocol.js';
import { MigrationRunner } from '../migration-runner.js';
import type { VeConfig } from './ve-config.js';
import { HostedVes } from './ve-hosted.js';
import { veKey } from './ve-key.js';
import { VE_RESUME, VE_START, VE_STOP, VE_SUSPEND } from './ve-log.js';
import { type VeApply, type VeMigrate, type VeProbe, type VeRecordPush, type VeReport, probedBytes, appliedBytes, checkedRecord, isId, isIdList, reportBytes } from './ve-messages.js';
import type { Post } from './ve-owner.js';

/** What the VE protocol needs of Chord (a ChordProtocol of the same node; tests may fake it). */
export type VeKeyLookup = Pick<ChordProtocol, 'idBits' | 'lookup'>;

const TARGET_VM_STATE: Readonly<Record<number, VmState>> = { [VE_START]: 'running', [VE_SUSPEND]: 'suspended', [VE_RESUME]: 'running', [VE_STOP]: 'stopped' };

export class VeHostAgent {
  readonly hosted: HostedVes;
  /** VEs waiting for a report (at most the VEs hosted), in order of arrival. */
  private readonly queued = new Set<number>();
  private retryTimer: TimerHandle | null = null;
  private runner: MigrationRunner | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly chord: VeKeyLookup,
    private readonly config: VeConfig,
    private readonly post: Post,
  ) {
    this.hosted = new HostedVes(config.hostedMax);
  }

  /** `vm`, a member of `ve`, runs here now: report it at once. False when `hostedMax` members are hosted already. */
  arrived(vm: VmId, ve: number): boolean {
    if (!this.hosted.arrive(vm, ve)) {
      this.ctx.metrics.count('ve.hosted_refused');
      return false;
    }
    this.queued.add(ve);
    this.pump();
    return true;
  }

  departed(vm: VmId): void {
    this.hosted.depart(vm);
  }

  /** The refresh period: align with the hypervisor, then report every VE hosted. */
  refresh(): void {
    this.sync();
    this.hosted.prune();
    for (const ve of this.hosted.ves()) this.queued.add(ve);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.retryTimer?.cancel();
    this.retryTimer = null;
    this.runner?.stop();
    this.queued.clear();
  }

  // ---- reports ----

  private sync(): void {
    const hv = this.ctx.hypervisor;
    if (hv === undefined) return;
    const refused = this.hosted.sync(hv.vms());
    if (refused > 0) this.ctx.metrics.count('ve.hosted_refused', refused);
  }

  /** Report the queued VEs while Chord takes lookups; the rest wait for the retry timer. */
  private pump(): void {
    for (const ve of this.queued) {
      if (this.hosted.membersOf(ve).length === 0) {
        this.queued.delete(ve);
        continue;
      }
      if (!this.chord.lookup(veKey(ve, this.chord.idBits), (owner) => this.onReportLookup(ve, owner))) return this.armRetry();
      this.queued.delete(ve);
    }
  }

  private armRetry(): void {
    if (this.retryTimer !== null && this.retryTimer.active) return;
    this.retryTimer = this.ctx.setTimer(this.config.reportRetryMs, () => {
      this.retryTimer = null;
      this.pump();
    });
  }

  private onReportLookup(ve: number, owner: NodeId): void {
    if (this.stopped) return;
    if (owner < 0) {
      this.ctx.metrics.count('ve.reports_failed');
      this.queued.add(ve);
      return this.armRetry();
    }
    this.sync(); // the hypervisor's list now: a member that left meanwhile is not reported from here
    const vms = this.hosted.membersOf(ve);
    if (vms.length === 0) return;
    const hv = this.ctx.hypervisor;
    const report: VeReport = {
      type: 've.report',
      ve,
      vms,
      observedAtMs: this.ctx.nowMs(),
      site: hv === undefined ? -1 : hv.host().site,
      country: hv === undefined ? '' : hv.host().country,
      record: this.hosted.copyOf(ve),
    };
    this.ctx.metrics.count('ve.reports_sent');
    this.post(owner, report, reportBytes(report));
  }

  onRecord(msg: VeRecordPush): void {
    const record = isId(msg.ve) ? checkedRecord(msg.record, this.config.membersMax) : null;
    if (record === null) {
      this.ctx.metrics.count('ve.bad_messages');
      return;
    }
    this.hosted.learn(msg.ve, record);
  }

  // ---- commands ----

  onApply(from: NodeId, msg: VeApply): void {
    if (!(msg.kind >= VE_START && msg.kind <= VE_STOP) || !isIdList(msg.vms, this.config.membersMax)) {
      this.ctx.metrics.count('ve.bad_messages');
      return;
    }
    const hv = this.ctx.hypervisor;
    const reasons = msg.vms.map((vm) => (hv === undefined ? 'no-hypervisor' : applyCommand(hv, msg.kind, vm)));
    this.ctx.metrics.count('ve.commands_applied', reasons.filter((r) => r === '').length);
    this.post(from, { type: 've.applied', coordId: msg.coordId, vms: msg.vms, reasons, observedAtMs: this.ctx.nowMs() }, appliedBytes(msg.vms.length));
  }

  onMigrate(from: NodeId, msg: VeMigrate): void {
    if (!isId(msg.vm) || !isId(msg.to)) {
      this.ctx.metrics.count('ve.bad_messages');
      return;
    }
    const answer = (reason: string): void => this.post(from, { type: 've.applied', coordId: msg.coordId, vms: [msg.vm], reasons: [reason], observedAtMs: this.ctx.nowMs() }, appliedBytes(1));
    const hv = this.ctx.hypervisor;
    if (hv === undefined) return answer('no-hypervisor');
    this.runner ??= new MigrationRunner(this.ctx, hv, this.config.migrationsInFlightMax, this.config.migrationQueueMax, 've');
    this.runner.order(msg.vm, msg.to, (ok, reason) => {
      if (this.stopped) return;
      if (ok) this.hosted.depart(msg.vm);
      answer(ok ? '' : reason);
    });
  }

  onProbe(from: NodeId, msg: VeProbe): void {
    if (!isId(msg.ve)) {
      this.ctx.metrics.count('ve.bad_messages');
      return;
    }
    const hv = this.ctx.hypervisor;
    const host = hv?.host();
    const members = hv === undefined ? [] : [...hv.vms(), ...hv.incomingVms()].filter((info) => info.ve === msg.ve).map((info) => info.vm).sort((a, b) => a - b);
    this.post(from, { type: 've.probed', coordId: msg.coordId, site: host === undefined ? -1 : host.site, country: host === undefined ? '' : host.country, members }, probedBytes(members.length));
  }
}

/** '' when `vm` is in the state `kind` asks for (now, or already), else 'refused'. */
function applyCommand(hv: Hypervisor, kind: number, vm: VmId): string {
  const done = kind === VE_START ? hv.start(vm) : kind === VE_STOP ? hv.stop(vm) : kind === VE_SUSPEND ? hv.suspend(vm) : hv.resume(vm);
  if (done) return '';
  const info = hv.vms().find((i) => i.vm === vm);
  return info !== undefined && info.state === TARGET_VM_STATE[kind] ? '' : 'refused';
}

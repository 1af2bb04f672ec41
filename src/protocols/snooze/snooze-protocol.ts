/**
 * The hierarchical baseline: Snooze (Feller, Rilling, Morin, CCGrid 2012) as VMPlaceS runs it,
 * on nodes that are all hosts. Roles come from the configuration and change with failures:
 *   - a configured group manager runs a `GroupManager` (its own host is a member of its group);
 *   - every other node runs a `LocalController` (joins a GM through the GL);
 *   - the group leader (`groupLeader` at first) runs a `GroupLeader` beside its local controller.
 * When the GL is silent, the GMs elect the lowest live GM (see `group-manager.ts`); as in
 * VMPlaceS, the promoted GM stops managing its group (its LCs are told to rejoin through it)
 * and its own host joins another GM as a local controller. A GL that hears a better claim
 * (a higher term, then a lower id: e.g. the first GL recovered after an election) steps down,
 * and manages a group again if it is a configured GM. A recovered node starts afresh in its
 * configured role. Rounds are logged by the GM that ran them; counters `snooze.*`.
 */
import type { Hypervisor, Message, NodeContext, NodeId, Protocol } from '../../runtime/context.js';
import type { OutcomeLog } from '../outcome-log.js';
import { newSchedulingLog, type SchedulerProtocol, type SchedulingOutcome } from '../scheduling-outcome.js';
import { GroupLeader } from './group-leader.js';
import { GroupManager } from './group-manager.js';
import type { MemberReport } from './group-view.js';
import { LocalController } from './local-controller.js';
import { MigrationRunner } from '../migration-runner.js';
import { type SnoozeConfig, validateSnoozeConfig } from './snooze-config.js';
import { REDIRECT_BYTES, REJECT_BYTES, type SnoozeMessage, type SnoozeRedirect, type SnoozeReject } from './snooze-messages.js';
import type { SnoozeNode } from './snooze-node.js';

export type SnoozeRole = 'group-leader' | 'group-manager' | 'local-controller';

export class SnoozeProtocol implements Protocol, SchedulerProtocol, SnoozeNode {
  readonly runner: MigrationRunner;
  private readonly hypervisor: Hypervisor;
  readonly log: OutcomeLog<SchedulingOutcome>;
  private lc: LocalController | null = null;
  private gm: GroupManager | null = null;
  private gl: GroupLeader | null = null;
  private seq = 0;
  private stopped = false;

  constructor(
    readonly ctx: NodeContext,
    readonly config: SnoozeConfig,
  ) {
    validateSnoozeConfig(config);
    if (ctx.hypervisor === undefined) throw new RangeError(`SnoozeProtocol: node ${ctx.id} has no hypervisor (the run models no cloud)`);
    this.hypervisor = ctx.hypervisor;
    this.runner = new MigrationRunner(ctx, this.hypervisor, config.migrationsInFlightMax, config.migrationQueueMax, 'snooze');
    this.log = newSchedulingLog(config.outcomeLogMax);
  }

  // ---- what metrics and tests read ----

  /** The roles this node holds now. */
  roles(): SnoozeRole[] {
    const out: SnoozeRole[] = [];
    if (this.gl !== null) out.push('group-leader');
    if (this.gm !== null) out.push('group-manager');
    if (this.lc !== null) out.push('local-controller');
    return out;
  }

  get isGroupLeader(): boolean {
    return this.gl !== null;
  }

  get isGroupManager(): boolean {
    return this.gm !== null;
  }

  /** The GM this node's host belongs to: itself when it is a GM, -1 while its LC is joining. */
  groupManagerOfHost(): NodeId {
    if (this.gm !== null) return this.ctx.id;
    return this.lc?.gm ?? -1;
  }

  /** As a GM, the LCs of its group (own host left out), by increasing id; [] otherwise. */
  groupMembers(): NodeId[] {
    return this.gm?.lcs() ?? [];
  }

  /** As a GL, the LCs per GM as it counts them. */
  lcCounts(): [NodeId, number][] {
    return this.gl?.lcCounts() ?? [];
  }

  /** The GL as far as this node knows. */
  knownGroupLeader(): NodeId {
    if (this.gl !== null) return this.ctx.id;
    if (this.gm !== null) return this.gm.gl;
    return this.lc?.knownGl ?? -1;
  }

  get roundInProgress(): boolean {
    return this.gm?.roundInProgress ?? false;
  }

  drainSchedulingOutcomes(): SchedulingOutcome[] {
    return this.log.drain();
  }

  // ---- handlers ----

  onStart(): void {
    const { groupLeader, groupManagers } = this.config;
    if (groupManagers.includes(this.ctx.id)) {
      this.gm = new GroupManager(this, groupLeader, 0);
      this.gm.start();
      return;
    }
    if (this.ctx.id === groupLeader) {
      this.gl = new GroupLeader(this, 0);
      this.gl.start();
    }
    this.lc = new LocalController(this, groupLeader);
    this.lc.start();
  }

  onStop(): void {
    this.stopped = true;
    this.runner.stop();
    this.gl?.stop();
    this.gm?.stop(false, -1, 0);
    this.lc?.stop(false);
    this.gl = this.gm = this.lc = null;
  }

  onMessage(from: NodeId, message: Message): void {
    if (this.stopped) return;
    const msg = message as SnoozeMessage;
    switch (msg.type) {
      case 'snooze.join':
        if (this.gl !== null) return this.gl.onJoin(from, msg);
        return this.redirect(from);
      case 'snooze.assign':
        return this.lc?.onAssign(from, msg);
      case 'snooze.redirect':
        return this.lc?.onRedirect(from, msg);
      case 'snooze.gm-beat':
        return this.lc?.onGmBeat(from, msg);
      case 'snooze.reject':
        return this.lc?.onReject(from, msg);
      case 'snooze.migrate':
        if (this.lc !== null) return this.lc.onMigrate(from, msg);
        return this.ctx.metrics.count('snooze.bad_messages');
      case 'snooze.lc-beat':
        if (this.gm !== null) return this.gm.onLcBeat(from, msg);
        return this.rejectLc(from);
      case 'snooze.bye':
        return this.gm?.onBye(from);
      case 'snooze.migrated':
        if (this.gm !== null) return this.gm.onMigrated(from, msg);
        return this.ctx.metrics.count('snooze.late_reports');
      case 'snooze.gm-summary':
        if (this.gl !== null) return this.gl.onGmSummary(from, msg);
        return this.ctx.metrics.count('snooze.misdirected');
      case 'snooze.gl-beat':
        if (this.gm !== null) return this.gm.onGlBeat(from, msg);
        return this.gl?.onGlBeat(from, msg);
      case 'snooze.gl-is':
        return this.gl?.onGlIs(msg);
      default:
        this.ctx.metrics.count('snooze.unknown_messages');
    }
  }

  /** A heartbeat reached a node that manages no group (any more): the LC must rejoin. */
  private rejectLc(from: NodeId): void {
    const answer: SnoozeReject = { type: 'snooze.reject', gl: this.knownGroupLeader(), term: 0 };
    this.post(from, answer, REJECT_BYTES);
  }

  /** A join reached a node that does not lead: point to the GL it knows, if another node. */
  private redirect(from: NodeId): void {
    const gl = this.knownGroupLeader();
    if (gl < 0 || gl === this.ctx.id) return;
    const answer: SnoozeRedirect = { type: 'snooze.redirect', gl, term: this.gm?.term ?? 0 };
    this.post(from, answer, REDIRECT_BYTES);
  }

  // ---- SnoozeNode ----

  post(to: NodeId, message: Message, sizeBytes: number): void {
    if (to !== this.ctx.id) return this.ctx.send(to, message, sizeBytes);
    this.ctx.setTimer(0, () => this.onMessage(to, message));
  }

  /** This host's report: its VMs, then those on their way here (a plan sees them where they go). */
  snapshot(): MemberReport {
    let vms = [...this.hypervisor.vms(), ...this.hypervisor.incomingVms()];
    if (vms.length > this.config.vmsPerReportMax) {
      this.ctx.metrics.count('snooze.reports_cut');
      vms = vms.slice(0, this.config.vmsPerReportMax);
    }
    return { host: this.hypervisor.host(), vms, seq: ++this.seq };
  }

  overloadedNow(): boolean {
    const host = this.hypervisor.host();
    return Math.round(this.hypervisor.cpuDemand() * 1000) > Math.round(host.cores * 1000) || this.hypervisor.memoryUsedMiB() > host.memoryMiB;
  }

  promote(term: number): void {
    if (this.gm === null || this.stopped) return;
    this.ctx.metrics.count('snooze.gl_elections');
    this.gm.stop(true, this.ctx.id, term);
    this.gm = null;
    this.gl = new GroupLeader(this, term);
    this.gl.start();
    this.lc = new LocalController(this, this.ctx.id);
    this.lc.start();
  }

  stepDown(gl: NodeId, term: number): void {
    if (this.gl === null || this.stopped) return;
    this.ctx.metrics.count('snooze.gl_stepdowns');
    this.gl.stop();
    this.gl = null;
    if (!this.config.groupManagers.includes(this.ctx.id)) {
      if (this.lc !== null) this.lc.knownGl = gl;
      return;
    }
    this.lc?.stop(true);
    this.lc = null;
    this.gm = new GroupManager(this, gl, term);
    this.gm.start();
  }
}

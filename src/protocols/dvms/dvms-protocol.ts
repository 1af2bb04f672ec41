/**
 * DVMS, the Distributed VM Scheduler (Quesnel, Lebre, Südholt, CCPE 2012; DVMS2 of
 * BeyondTheClouds/DVMS; the DVMS of VMPlaceS), as a thin shell over `Leader`:
 *   - monitoring: every `monitorPeriodMs` a free node compares its hypervisor's CPU demand with
 *     cores x `overloadThreshold`; an overload starts an Iterative Scheduling Procedure (ISP):
 *     the node is initiator and leader of the partition {itself}; not while the VMs migrating
 *     away from it will end the overload (`dvms.overloads_leaving`);
 *   - an ISP arriving at a free node: it joins and leads (after the previous leader confirms);
 *     at a node of another partition: passed on along the ring, or, when both
 *     partitions are blocked and the ISP's ranks higher, offered to the node's leader for a
 *     merge; at a node of its own partition: handed back to its leader (blocked or dissolved);
 *   - members follow their leader's announcements and keep-alives, and leave after
 *     `memberTimeoutMs` without one; a released member is free again;
 *   - a source host runs the migrations ordered to it (at most `migrationsPerHostMax` at once)
 *     and reports each to the leader that ordered it.
 * ISP hops are acknowledged (`IspForwarder`); unanswered peers are suspected for a while.
 */
import type { Hypervisor, Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import { newSchedulingLog, type SchedulerProtocol, type SchedulingOutcome } from '../scheduling-outcome.js';
import type { OutcomeLog } from '../outcome-log.js';
import { type DvmsConfig, validateDvmsConfig } from './dvms-config.js';
import type { DvmsOverlay } from './dvms-overlay.js';
import { type DvmsLeader, type DvmsMessage, type DvmsMigrated, type DvmsPull, type DvmsPullReply, type IspData, type MemberData, MIGRATED_BYTES, type PartitionVersion, PULL_BYTES, VERSION_MESSAGE_BYTES, memberBytes } from './dvms-messages.js';
import { IspForwarder } from './isp-forwarder.js';
import { Leader } from './leader.js';
import type { LeaderEnv } from './leader-env.js';
import { IspRouter } from './isp-router.js';
import { FREE, type MemberView, type PartitionInfo, type Role, roleVersion } from './node-role.js';
import { follows, sameId, sameVersion } from './partition.js';
import { Suspects } from './suspects.js';
import { isValidVersion } from './validate.js';
import { MigrationQueue } from './migration-queue.js';

export const DVMS = 'dvms';

/**
 * A host's CPU demand once the VMs migrating away from it have left (their demand counts at the
 * source until the migration ends). A pre-copy migration under WAN contention can outlast
 * `migrationTimeoutMs` many times over: the leader that ordered it has dissolved its partition,
 * and an initiator that started a new ISP for the overload its migrations are ending would order
 * other VMs away, which contend for the same links and outlast the timeout in turn.
 */
function demandStaying(hv: Hypervisor): number {
  let leaving = 0;
  for (const vm of hv.vms()) if (vm.migrating) leaving += vm.cpuDemand;
  return hv.cpuDemand() - leaving;
}

/** Deadlines within this of now have passed (timers are rounded to whole microseconds). */
const EPSILON_MS = 1e-3;

export class DvmsProtocol implements Protocol, SchedulerProtocol {
  private readonly log: OutcomeLog<SchedulingOutcome>;
  private readonly suspects: Suspects;
  private readonly forwarder: IspForwarder;
  private readonly router: IspRouter;
  private readonly migrations: MigrationQueue;
  private readonly env: LeaderEnv;
  private role: Role = FREE;
  private seq = 0;
  private nextId = 1;
  private monitorTimer: TimerHandle | null = null;
  private memberTimer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly overlay: DvmsOverlay,
    private readonly config: DvmsConfig,
  ) {
    validateDvmsConfig(config);
    this.log = newSchedulingLog(config.outcomeLogMax);
    this.suspects = new Suspects(config.suspectsMax, config.suspectTimeMs);
    this.forwarder = new IspForwarder(ctx, config, this.suspects, overlay, (isp) => this.router.hopGaveUp(isp));
    this.router = new IspRouter(ctx, config, this.forwarder, {
      role: () => this.role,
      joinData: () => this.joinData(),
      join: (isp, data) => this.join(isp, data),
      send: (to, msg, sizeBytes) => this.send(to, msg, sizeBytes),
    });
    this.migrations = new MigrationQueue(ctx, config, (leader, report) => this.reportMigration(leader, report));
    this.env = {
      ctx,
      config,
      overlay,
      suspects: this.suspects,
      forwarder: this.forwarder,
      log: this.log,
      newId: () => this.nextId++,
      migrateLocal: (moves, to) => this.migrations.enqueue(ctx.id, moves, to),
      ended: (held) => {
        this.role = FREE;
        if (held !== null) this.router.reprocess(held);
      },
      reprocess: (isp) => this.router.reprocess(isp),
    };
  }

  // ---- what metrics and tests read ----

  drainSchedulingOutcomes(): SchedulingOutcome[] {
    return this.log.drain();
  }

  get outcomesDropped(): number {
    return this.log.dropped;
  }

  isFree(): boolean {
    return this.role.kind === 'free';
  }

  /** The version of the partition this node is in, as it knows it (null when free); allocates nothing. */
  partitionVersion(): PartitionVersion | null {
    return roleVersion(this.role);
  }

  partition(): PartitionInfo | null {
    const r = this.role;
    if (r.kind === 'free') return null;
    if (r.kind === 'member') return { role: 'member', version: r.view.version, state: r.view.state, phase: 'member', members: [] };
    return { role: 'leader', version: r.leader.version, state: r.leader.state, phase: r.leader.phase, members: r.leader.memberList() };
  }

  // ---- handlers ----

  onStart(): void {
    this.monitorTimer = this.ctx.setTimer(this.ctx.rng.next() * this.config.monitorPeriodMs, this.onMonitor);
  }

  onStop(): void {
    this.stopped = true;
    this.monitorTimer?.cancel();
    this.memberTimer?.cancel();
    this.monitorTimer = this.memberTimer = null;
    if (this.role.kind === 'leader') this.role.leader.stop();
    this.role = FREE;
    this.forwarder.stop();
    this.migrations.stop();
  }

  onMessage(from: NodeId, message: Message): void {
    if (this.stopped) return;
    this.suspects.clear(from);
    const msg = message as DvmsMessage;
    if ('version' in msg && !isValidVersion(msg.version)) return this.ctx.metrics.count('dvms.bad_messages');
    const leader = this.role.kind === 'leader' ? this.role.leader : null;
    switch (msg.type) {
      case 'dvms.isp':
        return this.router.onIsp(from, msg);
      case 'dvms.isp-ack':
        return this.forwarder.onAck(from, msg);
      case 'dvms.isp-returned':
        if (leader !== null) return leader.onReturned(msg.isp);
        return this.ctx.metrics.count('dvms.isps_stale');
      case 'dvms.leader':
        return this.onLeader(from, msg);
      case 'dvms.leader-ack':
        return leader?.onLeaderAck(from, msg);
      case 'dvms.not-member':
        return leader?.onNotMember(from, msg);
      case 'dvms.release':
        return this.onRelease(msg.version);
      case 'dvms.merge-offer':
        return leader !== null ? leader.onMergeOffer(msg.isp) : this.router.reprocess(msg.isp);
      case 'dvms.merge-ask':
        if (leader !== null) return leader.onMergeAsk(from, msg);
        return this.send(from, { type: 'dvms.merge-reply', askId: msg.askId, ok: false }, VERSION_MESSAGE_BYTES);
      case 'dvms.merge-reply':
        return leader?.onMergeReply(from, msg);
      case 'dvms.pull':
        return this.onPull(from, msg);
      case 'dvms.pull-reply':
        return this.onPullReply(from, msg, leader);
      case 'dvms.migrate':
        return this.migrations.enqueue(from, msg.moves, msg.to);
      case 'dvms.migrated':
        return leader?.onMigrated(from, msg);
      default:
        this.ctx.metrics.count('dvms.unknown_messages');
    }
  }

  // ---- monitoring ----

  private readonly onMonitor = (): void => {
    const { ctx, config } = this;
    this.monitorTimer = ctx.setTimer(config.monitorPeriodMs, this.onMonitor);
    const hv = ctx.hypervisor;
    if (hv === undefined || this.role.kind !== 'free') return;
    const capacity = hv.host().cores * config.overloadThreshold;
    if (!(hv.cpuDemand() > capacity)) return;
    ctx.metrics.count('dvms.overloads_seen');
    if (!(demandStaying(hv) > capacity)) return ctx.metrics.count('dvms.overloads_leaving');
    const data = this.joinData();
    if (data === null) return;
    this.seq++;
    const version: PartitionVersion = { initiator: ctx.id, seq: this.seq, epoch: 0, leader: ctx.id };
    ctx.metrics.count('dvms.isps_started');
    this.lead(new Leader(this.env, { version, members: [data], startedAtMs: ctx.nowMs(), plans: 0, planningMs: 0, previousLeader: -1 }));
  };

  /**
   * This host's monitoring data: its VMs and those on their way here (a plan must see them where
   * they are going); null when it cannot take part (no hypervisor, more VMs than `vmsPerHostMax`).
   */
  private joinData(): MemberData | null {
    const hv = this.ctx.hypervisor;
    if (hv === undefined) return null;
    const incoming = hv.incomingVms();
    if (hv.vmCount() + incoming.length > this.config.vmsPerHostMax) {
      this.ctx.metrics.count('dvms.hosts_oversized');
      return null;
    }
    return { host: hv.host(), vms: [...hv.vms(), ...incoming], atMs: this.ctx.nowMs() };
  }

  private lead(leader: Leader): void {
    this.memberTimer?.cancel();
    this.memberTimer = null;
    this.role = { kind: 'leader', leader };
    leader.start();
  }

  // ---- ISPs ----

  private join(isp: IspData, data: MemberData): void {
    const id = this.ctx.id;
    const version: PartitionVersion = { ...isp.version, epoch: isp.version.epoch + 1, leader: id };
    this.ctx.metrics.count('dvms.joins');
    const members = [...isp.members, data];
    this.lead(new Leader(this.env, { version, members, startedAtMs: isp.startedAtMs, plans: isp.plans, planningMs: isp.planningMs, previousLeader: isp.version.leader }));
  }

  // ---- membership ----

  private onLeader(from: NodeId, msg: DvmsLeader): void {
    const { ctx } = this;
    const r = this.role;
    const current = roleVersion(r);
    const fromLeader = from === msg.version.leader;
    const accepted =
      current !== null &&
      fromLeader &&
      (follows(current, msg.version) || (msg.absorbed !== null && follows(current, msg.absorbed))) &&
      (r.kind !== 'leader' || r.leader.canHandOver);
    if (!accepted) {
      const superseded = current !== null && (sameId(current, msg.version) || (msg.absorbed !== null && sameId(current, msg.absorbed)));
      return this.send(from, { type: 'dvms.not-member', version: msg.version, superseded }, VERSION_MESSAGE_BYTES);
    }
    const held = r.kind === 'leader' ? r.leader.stop() : null;
    if (r.kind === 'leader') ctx.metrics.count('dvms.handovers');
    const view: MemberView = { version: msg.version, state: msg.state, lastHeardMs: ctx.nowMs() };
    if (r.kind === 'member') r.view = view;
    else this.role = { kind: 'member', view };
    this.armMemberTimer();
    this.send(from, { type: 'dvms.leader-ack', version: msg.version }, VERSION_MESSAGE_BYTES);
    if (held !== null) this.router.reprocess(held);
  }

  private onRelease(version: PartitionVersion): void {
    const r = this.role;
    if (r.kind !== 'member' || !sameVersion(r.view.version, version)) return;
    this.ctx.metrics.count('dvms.members_released');
    this.becomeFree();
  }

  private becomeFree(): void {
    this.role = FREE;
    this.memberTimer?.cancel();
    this.memberTimer = null;
  }

  /** One timer per member, for the latest news: it re-arms itself for what is left of the timeout. */
  private armMemberTimer(): void {
    if (this.memberTimer !== null && this.memberTimer.active) return;
    this.memberTimer = this.ctx.setTimer(this.config.memberTimeoutMs, this.onMemberTimer);
  }

  private readonly onMemberTimer = (): void => {
    this.memberTimer = null;
    const r = this.role;
    if (r.kind !== 'member') return;
    const silentMs = this.ctx.nowMs() - r.view.lastHeardMs;
    // Timers are rounded to whole microseconds: within EPSILON_MS of the deadline, it has passed.
    if (silentMs < this.config.memberTimeoutMs - EPSILON_MS) {
      this.memberTimer = this.ctx.setTimer(this.config.memberTimeoutMs - silentMs, this.onMemberTimer);
      return;
    }
    this.ctx.metrics.count('dvms.member_timeouts');
    this.becomeFree();
  };

  // ---- locality pulls ----

  private onPull(from: NodeId, msg: DvmsPull): void {
    const data = this.role.kind === 'free' && from === msg.version.leader ? this.joinData() : null;
    if (data !== null) {
      this.role = { kind: 'member', view: { version: msg.version, state: 'growing', lastHeardMs: this.ctx.nowMs() } };
      this.armMemberTimer();
    }
    const reply: DvmsPullReply = { type: 'dvms.pull-reply', pullId: msg.pullId, version: msg.version, member: data };
    this.ctx.send(from, reply, PULL_BYTES + memberBytes(data));
  }

  private onPullReply(from: NodeId, msg: DvmsPullReply, leader: Leader | null): void {
    if (leader !== null && sameVersion(leader.version, msg.version)) return leader.onPullReply(from, msg);
    if (msg.member !== null) this.send(from, { type: 'dvms.release', version: msg.version }, VERSION_MESSAGE_BYTES);
  }

  private send(to: NodeId, msg: DvmsMessage, sizeBytes: number): void {
    this.ctx.send(to, msg, sizeBytes);
  }

  // ---- migrations at the source host ----

  private reportMigration(leader: NodeId, report: DvmsMigrated): void {
    if (leader !== this.ctx.id) return this.ctx.send(leader, report, MIGRATED_BYTES);
    if (this.role.kind === 'leader') this.role.leader.onMigrated(leader, report);
  }
}


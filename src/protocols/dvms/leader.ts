/**
 * A partition as its leader runs it: the members' monitoring data (from the ISP it took over),
 * keep-alives, members silent for `memberTimeoutMs` dropped (the initiator's loss dissolves the
 * partition, unless its plan is being applied). Under `partitionSizeMin` hosts it grows (ISP on,
 * or a pull); then it plans (`PlanRound`): a plan is applied and the partition dissolved, no plan
 * grows it. Its own ISP handed back by a member blocks it, or dissolves it if blocked already; a
 * higher blocked ISP offered by a member is merged in after a handshake (`MergeHandshake`).
 * A leader that took over from another first confirms with it (see `LeaderStart.previousLeader`).
 */
import type { NodeId, TimerHandle } from '../../runtime/context.js';
import { type DvmsLeader, type DvmsLeaderAck, type DvmsMergeAsk, type DvmsMergeReply, type DvmsMigrated, type DvmsNotMember, type DvmsPullReply, type IspData, type MemberData, type PartitionState, type PartitionVersion } from './dvms-messages.js';
import type { LeaderEnv, LeaderPhase, LeaderStart } from './leader-env.js';
import { disjoint, sameId, sameVersion } from './partition.js';
import { PartitionMembers } from './partition-members.js';
import { PlanRound, type PlanVerdict } from './plan-round.js';
import { MergeHandshake } from './merge-handshake.js';
import { Puller } from './puller.js';
import type { MoveGroup } from '../../placement/move-groups.js';

export class Leader {
  version: PartitionVersion;
  state: PartitionState = 'growing';
  phase: LeaderPhase = 'growing';
  private readonly members: PartitionMembers;
  private readonly startedAtMs: number;
  private readonly previousLeader: NodeId;
  private absorbed: PartitionVersion | null = null;
  private readonly round: PlanRound;
  private readonly puller: Puller | null;
  private keepAliveTimer: TimerHandle | null = null;
  private ispTimer: TimerHandle | null = null;
  private confirmTimer: TimerHandle | null = null;
  private readonly handshake: MergeHandshake;
  /** Our own ISP, back while a merge handshake was under way: decided once the handshake ends. */
  private heldReturn: IspData | null = null;
  private stopped = false;

  constructor(
    private readonly env: LeaderEnv,
    start: LeaderStart,
  ) {
    this.version = start.version;
    this.members = new PartitionMembers(env.ctx, start.members);
    this.startedAtMs = start.startedAtMs;
    this.previousLeader = start.previousLeader;
    this.round = new PlanRound(env, (verdict, moves) => this.onPlanned(verdict, moves), () => this.dissolve(true));
    this.round.plans = start.plans;
    this.round.planningMs = start.planningMs;
    this.handshake = new MergeHandshake(env, (isp) => (this.blockedAndWaiting() ? this.absorb(isp) : this.mergeRefused(isp)), (isp) => this.mergeRefused(isp));
    this.puller = env.config.variant === 'locality' ? new Puller(env, (n) => this.members.has(n), (m) => this.onPulled(m), () => this.dissolve(false)) : null;
  }

  /** Whether a newer leader may take over: only while our ISP is out (never while planning or applying). */
  get canHandOver(): boolean {
    return this.phase === 'growing';
  }

  memberList(): NodeId[] {
    return this.members.nodes();
  }

  start(): void {
    this.keepAliveTimer = this.env.ctx.setTimer(this.env.config.keepAlivePeriodMs, this.onKeepAlive);
    if (this.previousLeader < 0) return this.next();
    this.phase = 'confirming';
    this.members.announce(this.leaderMessage(), this.previousLeader);
    this.confirmTimer = this.env.ctx.setTimer(this.env.config.forwardTimeoutMs, () => {
      this.confirmTimer = null;
      this.env.suspects.add(this.previousLeader, this.env.ctx.nowMs());
      if (!this.removeMember(this.previousLeader)) this.confirmed();
    });
  }

  /** Stop every timer; returns an ISP held for a merge handshake (to process anew), if any. */
  stop(): IspData | null {
    this.stopped = true;
    for (const timer of [this.keepAliveTimer, this.ispTimer, this.confirmTimer]) timer?.cancel();
    this.keepAliveTimer = this.ispTimer = this.confirmTimer = null;
    this.round.stop();
    this.puller?.stop();
    this.heldReturn = null;
    return this.handshake.stop();
  }

  // ---- members ----

  onLeaderAck(from: NodeId, msg: DvmsLeaderAck): void {
    if (!sameVersion(msg.version, this.version)) return;
    this.members.acked(from);
    if (this.phase === 'confirming' && from === this.previousLeader) this.confirmed();
  }

  onNotMember(from: NodeId, msg: DvmsNotMember): void {
    if (!sameVersion(msg.version, this.version) || !this.members.has(from)) return;
    // The previous leader refused the handover, or the initiator follows a newer version: this ISP was stale.
    if ((this.phase === 'confirming' && from === this.previousLeader) || (msg.superseded && from === this.version.initiator)) return this.withdraw();
    this.env.ctx.metrics.count('dvms.members_left');
    this.removeMember(from);
  }

  private confirmed(): void {
    this.confirmTimer?.cancel();
    this.confirmTimer = null;
    this.phase = 'growing';
    this.announce();
    this.next();
  }

  private readonly onKeepAlive = (): void => {
    const { ctx, config } = this.env;
    this.keepAliveTimer = null;
    if (this.phase !== 'confirming') {
      for (const node of this.members.silent(config.memberTimeoutMs)) {
        ctx.metrics.count('dvms.member_crashes');
        if (this.removeMember(node)) return;
      }
      this.announce();
    }
    this.keepAliveTimer = ctx.setTimer(config.keepAlivePeriodMs, this.onKeepAlive);
  };

  /**
   * Drop a member; true when that ended the partition. Losing the initiator dissolves it, unless
   * its plan is being applied already (the migrations run on; the round ends with them).
   */
  private removeMember(node: NodeId): boolean {
    this.members.remove(node);
    this.round.membershipChanged();
    if (node !== this.version.initiator || this.phase === 'applying') {
      this.round.sourceLost(node);
      return this.stopped;
    }
    this.env.ctx.metrics.count('dvms.initiators_lost');
    this.dissolve(false);
    return true;
  }

  private announce(): void {
    this.members.announce(this.leaderMessage());
  }

  private leaderMessage(): DvmsLeader {
    return { type: 'dvms.leader', version: this.version, state: this.state, absorbed: this.absorbed };
  }

  // ---- growing and planning ----

  private next(): void {
    if (this.members.size < this.env.config.partitionSizeMin) return this.grow();
    this.phase = 'planning';
    this.round.plan(this.members.data);
  }

  private grow(): void {
    const { config, ctx } = this.env;
    this.phase = 'growing';
    if (this.members.size >= config.partitionSizeMax) {
      ctx.metrics.count('dvms.size_max_reached');
      return this.dissolve(false);
    }
    if (this.puller !== null) return this.puller.pullNext(this.version);
    this.sendIsp();
  }

  private sendIsp(): void {
    const isp: IspData = { version: this.version, state: this.state === 'blocked' ? 'blocked' : 'growing', members: this.members.data, startedAtMs: this.startedAtMs, plans: this.round.plans, planningMs: this.round.planningMs, hops: 0 };
    if (this.env.forwarder.sendOwn(isp)) return this.armIspTimer(this.env.config.ispTimeoutMs);
    this.env.ctx.metrics.count('dvms.isps_stuck');
    this.dissolve(false);
  }

  /** The forwarder gave up on our ISP: no next node answered. */
  ownIspLost(): void {
    if (this.phase !== 'growing') return;
    this.env.ctx.metrics.count('dvms.isps_lost');
    this.dissolve(false);
  }

  private armIspTimer(delayMs: number): void {
    this.ispTimer?.cancel();
    this.ispTimer = this.env.ctx.setTimer(delayMs, () => {
      this.ispTimer = null;
      this.env.ctx.metrics.count('dvms.isp_timeouts');
      this.dissolve(false);
    });
  }

  private onPlanned(verdict: PlanVerdict, groups: readonly MoveGroup[]): void {
    if (verdict === 'stale') return this.next();
    if (verdict === 'failed') return this.grow();
    this.phase = 'applying';
    this.state = 'finishing';
    this.announce();
    this.round.apply(groups);
  }

  onMigrated(from: NodeId, msg: DvmsMigrated): void {
    if (this.phase === 'applying') this.round.onMigrated(from, msg);
  }

  onPullReply(from: NodeId, msg: DvmsPullReply): void {
    this.puller?.onReply(from, msg, this.version); // a reply it no longer waits for is released
  }

  private onPulled(member: MemberData): void {
    this.members.addAll([member]);
    this.env.ctx.metrics.count('dvms.joins');
    this.next();
  }

  // ---- blocked, merged, dissolved ----

  /** Our ISP came back to the partition (a member handed it back): blocked if growing, dissolved if blocked already. */
  onReturned(isp: IspData): void {
    if (!sameVersion(isp.version, this.version) || this.phase !== 'growing' || this.puller !== null) {
      this.env.ctx.metrics.count('dvms.isps_stale');
      return;
    }
    if (this.handshake.asking) {
      this.heldReturn = isp;
      return;
    }
    this.ispTimer?.cancel();
    this.ispTimer = null;
    if (this.state === 'blocked') return this.dissolve(false);
    this.state = 'blocked';
    this.env.ctx.metrics.count('dvms.isps_blocked');
    this.announce();
    this.sendIsp();
  }

  /** A member met the blocked ISP of a higher partition while ours is blocked: merge it in, if its leader agrees. */
  onMergeOffer(isp: IspData): void {
    const fits = this.members.size + isp.members.length <= this.env.config.partitionSizeMax && disjoint(this.members.data, isp.members);
    if (!this.blockedAndWaiting() || this.handshake.asking || this.handshake.locked || sameId(isp.version, this.version) || !fits) return this.env.reprocess(isp);
    this.handshake.ask(isp);
  }

  onMergeAsk(from: NodeId, msg: DvmsMergeAsk): void {
    if (this.handshake.answer(from, msg, sameVersion(msg.version, this.version) && this.blockedAndWaiting())) this.armIspTimer(this.env.config.mergeLockTimeoutMs);
  }

  onMergeReply = (from: NodeId, msg: DvmsMergeReply): void => this.handshake.onReply(from, msg);

  private blockedAndWaiting(): boolean {
    return this.puller === null && this.phase === 'growing' && this.state === 'blocked';
  }

  /** No merge: pass the offered ISP on, then decide on our own ISP if it came back meanwhile. */
  private mergeRefused(isp: IspData): void {
    const held = this.heldReturn;
    this.heldReturn = null;
    this.env.reprocess(isp);
    if (held !== null && !this.stopped) this.onReturned(held);
  }

  private absorb(isp: IspData): void {
    this.members.addAll(isp.members);
    this.version = { ...this.version, epoch: Math.max(this.version.epoch, isp.version.epoch) + 1 };
    this.absorbed = isp.version;
    this.state = 'growing';
    this.round.plans += isp.plans;
    this.round.planningMs += isp.planningMs;
    this.heldReturn = null; // our old ISP is stale now
    this.ispTimer?.cancel();
    this.ispTimer = null;
    this.env.ctx.metrics.count('dvms.merges');
    this.announce();
    this.next();
  }

  /** End the partition: release every member and log the round. */
  dissolve(solved: boolean): void {
    if (this.stopped) return;
    const { ctx } = this.env;
    this.members.release(this.version);
    this.env.log.record(this.round.outcome(this.startedAtMs, this.members.size, this.members.vmCount(), solved));
    ctx.metrics.count(solved ? 'dvms.isps_solved' : 'dvms.isps_dissolved');
    this.env.ended(this.stop());
  }

  /**
   * Leave without logging: this leadership was stale (the partition goes on, or ended, elsewhere).
   * Only members that followed this very version obey the release; none did before the handover was confirmed.
   */
  private withdraw(): void {
    this.env.ctx.metrics.count('dvms.leaders_withdrawn');
    if (this.phase !== 'confirming') this.members.release(this.version);
    this.env.ended(this.stop());
  }
}

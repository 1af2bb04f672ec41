/**
 * A group manager: keeps its group (its own host and the LCs the GL sent it, at most
 * `groupSizeMax`), beats to them and to the GL every `heartbeatPeriodMs`, forgets an LC silent
 * for `heartbeatTimeoutMs`, and plans for its group when a member reports an overload: one round
 * at a time, the modelled planning time charged on the group's size, then migrations between
 * the group's hosts only (the problem holds nothing else). One SchedulingOutcome per round; the
 * round itself is `SchedulingRounds` (`../scheduling-round.ts`), shared with the central manager.
 *
 * The GL: the GM follows the best claim it hears (higher term, then lower id) and tells a worse
 * claimant so. When the GL is silent for `heartbeatTimeoutMs`, the GM drops it from the GMs the
 * GL last listed as live and takes the lowest remaining id (itself included) as the new GL: if
 * that is itself, it is promoted (term + 1); otherwise it waits for that GM's heartbeats, and
 * moves on to the next if it stays silent. Every GM applies the same rule to the same list, so
 * they agree without a vote (a deterministic bully election).
 */
import type { NodeId, TimerHandle } from '../../runtime/context.js';
import { SchedulingRounds } from '../scheduling-round.js';
import { GroupView, groupProblemOf, isOverloaded, type MemberReport, validReport } from './group-view.js';
import type { SnoozeGlBeat, SnoozeGlIs, SnoozeGmBeat, SnoozeGmSummary, SnoozeLcBeat, SnoozeMigrated, SnoozeReject } from './snooze-messages.js';
import { GL_IS_BYTES, GM_BEAT_BYTES, GM_SUMMARY_BYTES, REJECT_BYTES } from './snooze-messages.js';
import { claimBeats, isId, type SnoozeNode } from './snooze-node.js';

export class GroupManager {
  readonly view: GroupView;
  /** The GL this GM follows, and the term of its claim. */
  gl: NodeId;
  term: number;
  /** Election candidates: the GMs the GL last listed as live. */
  private liveGms: Set<NodeId>;
  private readonly rounds: SchedulingRounds<'snooze'>;
  private stopped = false;
  private beatTimer: TimerHandle | null = null;
  private monitorTimer: TimerHandle | null = null;
  private glWatchdog: TimerHandle | null = null;

  constructor(
    private readonly node: SnoozeNode,
    gl: NodeId,
    term: number,
  ) {
    this.view = new GroupView(node.config.groupSizeMax);
    this.gl = gl;
    this.term = term;
    this.liveGms = new Set(node.config.groupManagers);
    const { ctx, config, runner, log } = node;
    this.rounds = new SchedulingRounds({ ctx, config, runner, log, prefix: 'snooze', applyMove: (vm, from, to) => this.view.applyMove(vm, from, to) });
  }

  get roundInProgress(): boolean {
    return this.rounds.inProgress;
  }

  /** The LCs of the group (its own host left out), by increasing id. */
  lcs(): NodeId[] {
    return this.view.nodes().filter((n) => n !== this.node.ctx.id);
  }

  start(): void {
    const { ctx, config } = this.node;
    this.view.add(ctx.id, ctx.nowMs());
    this.refreshOwn();
    this.beatTimer = ctx.setTimer(ctx.rng.next() * config.heartbeatPeriodMs, this.onBeatPeriod);
    this.monitorTimer = ctx.setTimer(ctx.rng.next() * config.monitorPeriodMs, this.onMonitorPeriod);
    this.armGlWatchdog();
  }

  /** Stop the role; `rejectLcs`: tell the LCs to rejoin elsewhere (through `gl`), the node stays up. */
  stop(rejectLcs: boolean, gl: NodeId, term: number): void {
    this.stopped = true;
    for (const timer of [this.beatTimer, this.monitorTimer, this.glWatchdog]) timer?.cancel();
    this.rounds.endNow(); // logged as it stands, solved if it had a plan
    if (!rejectLcs) return;
    const msg: SnoozeReject = { type: 'snooze.reject', gl, term };
    for (const lc of this.lcs()) this.node.post(lc, msg, REJECT_BYTES);
  }

  // ---- membership and heartbeats ----

  onLcBeat(from: NodeId, msg: SnoozeLcBeat): void {
    const { ctx } = this.node;
    if (!validReport(msg.host, msg.vms) || msg.host.node !== from || !isId(msg.seq)) {
      ctx.metrics.count('snooze.bad_messages');
      return;
    }
    if (!this.view.has(from)) {
      if (!this.view.add(from, ctx.nowMs())) {
        ctx.metrics.count('snooze.rejects');
        const reject: SnoozeReject = { type: 'snooze.reject', gl: this.gl, term: this.term };
        this.node.post(from, reject, REJECT_BYTES);
        return;
      }
      ctx.metrics.count('snooze.lcs_accepted');
    }
    const report: MemberReport = { host: msg.host, vms: msg.vms, seq: msg.seq };
    this.view.heard(from, report, ctx.nowMs());
    if (isOverloaded(report)) this.maybeStartRound();
  }

  onBye(from: NodeId): void {
    if (from !== this.node.ctx.id) this.view.remove(from);
  }

  private readonly onBeatPeriod = (): void => {
    const { ctx, config } = this.node;
    this.beatTimer = ctx.setTimer(config.heartbeatPeriodMs, this.onBeatPeriod);
    const lost = this.view.expire(ctx.nowMs(), config.heartbeatTimeoutMs, ctx.id);
    if (lost.length > 0) ctx.metrics.count('snooze.lcs_lost', lost.length);
    const lcs = this.lcs();
    if (this.gl !== ctx.id) {
      const summary: SnoozeGmSummary = { type: 'snooze.gm-summary', lcCount: lcs.length };
      this.node.post(this.gl, summary, GM_SUMMARY_BYTES);
    }
    const beat: SnoozeGmBeat = { type: 'snooze.gm-beat', gl: this.gl, term: this.term };
    for (const lc of lcs) this.node.post(lc, beat, GM_BEAT_BYTES);
    if (this.refreshOwn()) this.maybeStartRound();
  };

  private readonly onMonitorPeriod = (): void => {
    this.monitorTimer = this.node.ctx.setTimer(this.node.config.monitorPeriodMs, this.onMonitorPeriod);
    if (!this.rounds.inProgress && this.node.overloadedNow() && this.refreshOwn()) this.maybeStartRound();
  };

  /** Read this GM's own host into the view; true when it is overloaded. */
  private refreshOwn(): boolean {
    const report = this.node.snapshot();
    this.view.heard(this.node.ctx.id, report, this.node.ctx.nowMs());
    return isOverloaded(report);
  }

  // ---- the group leader ----

  onGlBeat(from: NodeId, msg: SnoozeGlBeat): void {
    if (!isId(msg.term) || !Array.isArray(msg.gms)) {
      this.node.ctx.metrics.count('snooze.bad_messages');
      return;
    }
    if (from !== this.gl && !claimBeats(msg.term, from, this.term, this.gl)) {
      const answer: SnoozeGlIs = { type: 'snooze.gl-is', gl: this.gl, term: this.term };
      this.node.post(from, answer, GL_IS_BYTES);
      return;
    }
    this.gl = from;
    this.term = Math.max(this.term, msg.term);
    this.liveGms = new Set(msg.gms.filter(isId));
    this.armGlWatchdog();
  }

  private armGlWatchdog(): void {
    this.glWatchdog?.cancel();
    this.glWatchdog = this.node.ctx.setTimer(this.node.config.heartbeatTimeoutMs, this.onGlSilent);
  }

  private readonly onGlSilent = (): void => {
    if (this.stopped) return;
    const { ctx } = this.node;
    ctx.metrics.count('snooze.gl_timeouts');
    this.liveGms.delete(this.gl);
    this.liveGms.add(ctx.id);
    const next = Math.min(...this.liveGms);
    if (next === ctx.id) return this.node.promote(this.term + 1);
    this.gl = next;
    this.armGlWatchdog();
  };

  // ---- scheduling rounds ----

  private maybeStartRound(): void {
    if (this.rounds.inProgress || this.stopped) return;
    this.rounds.start(groupProblemOf(this.view.reports(), this.node.config.constraints, this.node.config.policies));
  }

  onMigrated(from: NodeId, msg: SnoozeMigrated): void {
    this.rounds.onMigrated(from, msg);
  }
}

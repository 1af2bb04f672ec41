/**
 * A local controller (every host not managing a group): joins a GM through the GL, then sends
 * its heartbeat with its host's monitoring data every `heartbeatPeriodMs`, and at once when its
 * host becomes overloaded (checked every `monitorPeriodMs`); runs the migrations its GM orders.
 * When its GM is silent for `heartbeatTimeoutMs`, or rejects it, it rejoins through the GL,
 * naming the GM to avoid. A join left unanswered for `heartbeatTimeoutMs` is asked of the next
 * candidate leader ([first GL, GMs...] in id order, cyclically): after a GL crash the GMs elect
 * the lowest live GM, so the walk reaches it; a node that is not the GL redirects to the GL it knows.
 */
import type { NodeId, TimerHandle } from '../../runtime/context.js';
import { runMigrateOrder } from '../scheduling-round.js';
import { isOverloaded } from './group-view.js';
import type { SnoozeAssign, SnoozeGmBeat, SnoozeJoin, SnoozeLcBeat, SnoozeMigrate, SnoozeRedirect, SnoozeReject } from './snooze-messages.js';
import { BYE_BYTES, JOIN_BYTES, lcBeatBytes, MIGRATED_BYTES } from './snooze-messages.js';
import { isId, type SnoozeNode } from './snooze-node.js';

/** Redirects followed within one join attempt (two nodes pointing at each other cannot ping-pong). */
const REDIRECTS_PER_JOIN_MAX = 4;

export class LocalController {
  /** The GM this LC belongs to, -1 while joining. */
  gm: NodeId = -1;
  /** The GL as far as this LC knows (from its GM's heartbeats), whom it asks to join. */
  knownGl: NodeId;
  private avoid: NodeId = -1;
  private redirects = 0;
  private noGmAnswered = false;
  private lastSentOverloaded = false;
  private stopped = false;
  private beatTimer: TimerHandle | null = null;
  private monitorTimer: TimerHandle | null = null;
  private watchdog: TimerHandle | null = null;
  private readonly candidates: NodeId[];

  constructor(
    private readonly node: SnoozeNode,
    gl: NodeId,
  ) {
    this.knownGl = gl;
    const { groupLeader, groupManagers } = node.config;
    this.candidates = [groupLeader, ...groupManagers].sort((a, b) => a - b);
  }

  get joined(): boolean {
    return this.gm >= 0;
  }

  start(): void {
    const { ctx, config } = this.node;
    this.join();
    this.beatTimer = ctx.setTimer(ctx.rng.next() * config.heartbeatPeriodMs, this.onBeatPeriod);
    this.monitorTimer = ctx.setTimer(ctx.rng.next() * config.monitorPeriodMs, this.onMonitorPeriod);
  }

  /** Stop the role; `sayBye`: tell the GM (the node stays up and becomes a GM itself). */
  stop(sayBye: boolean): void {
    this.stopped = true;
    for (const timer of [this.beatTimer, this.monitorTimer, this.watchdog]) timer?.cancel();
    if (sayBye && this.gm >= 0) this.node.post(this.gm, { type: 'snooze.bye' }, BYE_BYTES);
    this.gm = -1;
  }

  // ---- joining ----

  private join(): void {
    this.gm = -1;
    this.redirects = 0;
    this.noGmAnswered = false;
    const msg: SnoozeJoin = { type: 'snooze.join', avoid: this.avoid };
    this.node.post(this.knownGl, msg, JOIN_BYTES);
    this.arm(this.node.config.heartbeatTimeoutMs, this.onJoinTimeout);
  }

  private readonly onJoinTimeout = (): void => {
    this.node.ctx.metrics.count('snooze.join_timeouts');
    // Silent: ask the next candidate. Answered "no GM yet": ask the same GL again.
    if (!this.noGmAnswered) this.knownGl = this.nextCandidate(this.knownGl);
    this.join();
  };

  private nextCandidate(after: NodeId): NodeId {
    for (const c of this.candidates) if (c > after) return c;
    return this.candidates[0];
  }

  onAssign(from: NodeId, msg: SnoozeAssign): void {
    if (this.gm >= 0 || from !== this.knownGl || !Number.isInteger(msg.gm)) return; // late or not asked
    if (msg.gm < 0) {
      this.noGmAnswered = true;
      return;
    }
    this.gm = msg.gm;
    this.avoid = -1;
    this.node.ctx.metrics.count('snooze.joins');
    this.sendBeat();
    this.arm(this.node.config.heartbeatTimeoutMs, this.onGmSilent);
  }

  onRedirect(from: NodeId, msg: SnoozeRedirect): void {
    if (this.gm >= 0 || from !== this.knownGl || !isId(msg.gl) || msg.gl === from) return;
    if (this.redirects >= REDIRECTS_PER_JOIN_MAX) return; // the join timer moves on
    this.redirects++;
    this.node.ctx.metrics.count('snooze.redirects');
    this.knownGl = msg.gl;
    const join: SnoozeJoin = { type: 'snooze.join', avoid: this.avoid };
    this.node.post(this.knownGl, join, JOIN_BYTES);
  }

  // ---- membership ----

  onGmBeat(from: NodeId, msg: SnoozeGmBeat): void {
    if (from !== this.gm) {
      this.node.post(from, { type: 'snooze.bye' }, BYE_BYTES); // a GM that still counts this LC in
      return;
    }
    if (isId(msg.gl)) this.knownGl = msg.gl;
    this.arm(this.node.config.heartbeatTimeoutMs, this.onGmSilent);
  }

  onReject(from: NodeId, msg: SnoozeReject): void {
    if (from !== this.gm) return;
    this.node.ctx.metrics.count('snooze.rejoins');
    this.avoid = from;
    if (isId(msg.gl)) this.knownGl = msg.gl;
    this.join();
  }

  private readonly onGmSilent = (): void => {
    this.node.ctx.metrics.count('snooze.gm_timeouts');
    this.node.ctx.metrics.count('snooze.rejoins');
    this.avoid = this.gm;
    this.join();
  };

  private arm(delayMs: number, handler: () => void): void {
    this.watchdog?.cancel();
    this.watchdog = this.node.ctx.setTimer(delayMs, () => {
      this.watchdog = null;
      if (!this.stopped) handler();
    });
  }

  // ---- heartbeats and monitoring ----

  private readonly onBeatPeriod = (): void => {
    this.beatTimer = this.node.ctx.setTimer(this.node.config.heartbeatPeriodMs, this.onBeatPeriod);
    if (this.gm >= 0) this.sendBeat();
  };

  private readonly onMonitorPeriod = (): void => {
    this.monitorTimer = this.node.ctx.setTimer(this.node.config.monitorPeriodMs, this.onMonitorPeriod);
    if (this.gm < 0 || this.lastSentOverloaded) return;
    if (this.node.overloadedNow()) this.sendBeat(); // an overload appeared: report it now
  };

  private sendBeat(): void {
    if (this.gm < 0) return;
    const report = this.node.snapshot();
    this.lastSentOverloaded = isOverloaded(report);
    const msg: SnoozeLcBeat = { type: 'snooze.lc-beat', seq: report.seq, host: report.host, vms: report.vms };
    this.node.post(this.gm, msg, lcBeatBytes(report.vms.length));
  }

  // ---- migrations ordered by the GM ----

  onMigrate(from: NodeId, msg: SnoozeMigrate): void {
    const ran = from === this.gm && runMigrateOrder('snooze', this.node.runner, msg, (reply) => this.node.post(from, reply, MIGRATED_BYTES));
    if (!ran) this.node.ctx.metrics.count('snooze.bad_messages');
  }
}

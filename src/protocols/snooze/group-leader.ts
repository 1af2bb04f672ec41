/**
 * The group leader: knows the GMs (from the configured list) and how many LCs each manages
 * (from their heartbeats), and assigns a joining LC to the live GM with the fewest LCs, ties by
 * lower id, never the one the LC asks to avoid. An assignment counts at once (the GM's next
 * heartbeat corrects the count), so a burst of joins is spread evenly. A GM is live when heard
 * within `heartbeatTimeoutMs` (presumed so during the first timeout after the GL starts leading).
 * It beats to every configured GM every `heartbeatPeriodMs` with its term and the GMs it holds
 * live, the election candidates should it fail. It steps down on hearing a better claim.
 */
import type { NodeId, TimerHandle } from '../../runtime/context.js';
import type { SnoozeAssign, SnoozeGlBeat, SnoozeGlIs, SnoozeGmSummary, SnoozeJoin } from './snooze-messages.js';
import { ASSIGN_BYTES, GL_IS_BYTES, glBeatBytes } from './snooze-messages.js';
import { claimBeats, isId, type SnoozeNode } from './snooze-node.js';

interface GmEntry {
  lastHeardMs: number;
  lcCount: number;
}

export class GroupLeader {
  /** One entry per configured GM (this node excluded): bounded by the configuration. */
  private readonly gms = new Map<NodeId, GmEntry>();
  private beatTimer: TimerHandle | null = null;

  constructor(
    private readonly node: SnoozeNode,
    readonly term: number,
  ) {}

  start(): void {
    const { ctx, config } = this.node;
    for (const gm of config.groupManagers) if (gm !== ctx.id) this.gms.set(gm, { lastHeardMs: ctx.nowMs(), lcCount: 0 });
    this.onBeatPeriod();
  }

  stop(): void {
    this.beatTimer?.cancel();
    this.beatTimer = null;
  }

  /** The GMs heard within the timeout, by increasing id. */
  liveGms(): NodeId[] {
    const now = this.node.ctx.nowMs();
    const out: NodeId[] = [];
    for (const [gm, entry] of this.gms) if (now - entry.lastHeardMs <= this.node.config.heartbeatTimeoutMs) out.push(gm);
    return out.sort((a, b) => a - b);
  }

  /** LCs per GM as the GL counts them, by increasing GM id. */
  lcCounts(): [NodeId, number][] {
    return [...this.gms.entries()].map(([gm, e]): [NodeId, number] => [gm, e.lcCount]).sort((a, b) => a[0] - b[0]);
  }

  onJoin(from: NodeId, msg: SnoozeJoin): void {
    let best: NodeId = -1;
    let bestCount = Infinity;
    for (const gm of this.liveGms()) {
      const count = this.gms.get(gm)?.lcCount ?? 0;
      if (gm === msg.avoid || gm === from || count >= bestCount) continue;
      best = gm;
      bestCount = count;
    }
    if (best >= 0) {
      const entry = this.gms.get(best);
      if (entry !== undefined) entry.lcCount++;
      this.node.ctx.metrics.count('snooze.assignments');
    } else this.node.ctx.metrics.count('snooze.assignments_none');
    const answer: SnoozeAssign = { type: 'snooze.assign', gm: best, term: this.term };
    this.node.post(from, answer, ASSIGN_BYTES);
  }

  onGmSummary(from: NodeId, msg: SnoozeGmSummary): void {
    const entry = this.gms.get(from);
    if (entry === undefined || !isId(msg.lcCount)) {
      this.node.ctx.metrics.count('snooze.bad_messages');
      return;
    }
    entry.lastHeardMs = this.node.ctx.nowMs();
    entry.lcCount = msg.lcCount;
  }

  /** Another node claims to lead: the better claim wins; a worse claimant is told. */
  onGlBeat(from: NodeId, msg: SnoozeGlBeat): void {
    if (!isId(msg.term)) return;
    if (claimBeats(msg.term, from, this.term, this.node.ctx.id)) return this.node.stepDown(from, msg.term);
    const answer: SnoozeGlIs = { type: 'snooze.gl-is', gl: this.node.ctx.id, term: this.term };
    this.node.post(from, answer, GL_IS_BYTES);
  }

  onGlIs(msg: SnoozeGlIs): void {
    if (isId(msg.gl) && isId(msg.term) && claimBeats(msg.term, msg.gl, this.term, this.node.ctx.id)) this.node.stepDown(msg.gl, msg.term);
  }

  private readonly onBeatPeriod = (): void => {
    const { ctx, config } = this.node;
    this.beatTimer = ctx.setTimer(config.heartbeatPeriodMs, this.onBeatPeriod);
    const live = this.liveGms();
    const beat: SnoozeGlBeat = { type: 'snooze.gl-beat', term: this.term, gms: live };
    for (const gm of this.gms.keys()) this.node.post(gm, beat, glBeatBytes(live.length));
  };
}

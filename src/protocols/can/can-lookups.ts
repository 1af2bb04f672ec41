/**
 * CAN's workload: one lookup of a random point every `lookupPeriodMs`, routed greedily to the
 * node holding the point, its outcome kept in a bounded log that the simulator scores.
 */
import type { NodeContext, NodeId, TimerHandle } from '../../runtime/context.js';
import type { CanConfig } from './can-config.js';
import { type CanLookupOutcome, CanLookupLog } from './can-lookup-log.js';
import { type CanLookup, type CanLookupReply, LOOKUP_BYTES, LOOKUP_REPLY_BYTES } from './can-messages.js';

/** What routing a lookup needs from the node. */
export interface LookupRouter {
  isJoined(): boolean;
  /** One of the node's zones holds the point. */
  holds(x: number, y: number): boolean;
  /** The neighbour closest to the point; -1 with none. */
  nextHop(x: number, y: number): NodeId;
}

interface PendingLookup {
  readonly x: number;
  readonly y: number;
  readonly startedAtMs: number;
}

export class CanLookups {
  private readonly pending = new Map<number, PendingLookup>();
  private readonly log: CanLookupLog;
  private nextLookupId = 1;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: CanConfig,
    private readonly router: LookupRouter,
  ) {
    this.log = new CanLookupLog(config.outcomeLogMax);
  }

  /** Starts the periodic lookups (once: a node that joins again keeps its running timer). */
  start(): void {
    if (this.config.lookupPeriodMs > 0 && (this.timer === null || !this.timer.active)) {
      this.timer = this.ctx.setTimer(this.config.lookupPeriodMs, () => this.tick());
    }
  }

  stop(): void {
    this.pending.clear();
  }

  drain(): CanLookupOutcome[] {
    return this.log.drain();
  }

  get dropped(): number {
    return this.log.dropped;
  }

  onLookup(msg: CanLookup): void {
    if (!this.router.isJoined()) return;
    if (this.router.holds(msg.x, msg.y)) {
      this.reply(msg, this.ctx.id);
      return;
    }
    const next = this.router.nextHop(msg.x, msg.y);
    if (next < 0 || msg.hops >= this.config.hopsMax) {
      this.reply(msg, -1);
      return;
    }
    const forward: CanLookup = { ...msg, hops: msg.hops + 1 };
    this.ctx.send(next, forward, LOOKUP_BYTES);
  }

  onReply(msg: CanLookupReply): void {
    const p = this.pending.get(msg.lookupId);
    if (p === undefined) return;
    this.pending.delete(msg.lookupId);
    this.finish(p, msg.owner, msg.hops);
  }

  private tick(): void {
    const nowMs = this.ctx.nowMs();
    for (const [id, p] of this.pending) {
      if (nowMs - p.startedAtMs >= this.config.lookupTimeoutMs) {
        this.pending.delete(id);
        this.finish(p, -1, 0);
      }
    }
    this.timer = this.ctx.setTimer(this.config.lookupPeriodMs, () => this.tick());
    if (!this.router.isJoined()) return;
    const x = this.ctx.rng.next();
    const y = this.ctx.rng.next();
    const p: PendingLookup = { x, y, startedAtMs: nowMs };
    if (this.router.holds(x, y)) return this.finish(p, this.ctx.id, 0);
    if (this.pending.size >= this.config.lookupsInFlightMax) {
      this.ctx.metrics.count('can.lookups.skipped');
      return;
    }
    const next = this.router.nextHop(x, y);
    if (next < 0) return this.finish(p, -1, 0);
    const lookupId = this.nextLookupId++;
    this.pending.set(lookupId, p);
    const lookup: CanLookup = { type: 'can.lookup', lookupId, origin: this.ctx.id, x, y, hops: 1 };
    this.ctx.send(next, lookup, LOOKUP_BYTES);
  }

  private reply(msg: CanLookup, owner: NodeId): void {
    const reply: CanLookupReply = { type: 'can.lookup-reply', lookupId: msg.lookupId, owner, hops: msg.hops };
    this.ctx.send(msg.origin, reply, LOOKUP_REPLY_BYTES);
  }

  private finish(p: PendingLookup, owner: NodeId, hops: number): void {
    const nowMs = this.ctx.nowMs();
    this.log.record({ x: p.x, y: p.y, owner, hops, ok: owner >= 0, latencyMs: nowMs - p.startedAtMs, finishedAtMs: nowMs });
  }
}

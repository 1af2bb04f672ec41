/**
 * Keeping a Chord node's neighbours right, with one request of each kind in flight:
 *   - stabilize: ask the successor for its predecessor and successor list, adopt the
 *     predecessor if it sits between, notify the successor; a silent successor is dropped;
 *   - check predecessor: ping it; a silent one is forgotten (also on suspicion, at once);
 *   - convergence after bursts of joins: a node that takes a closer predecessor tells the old
 *     one (`chord.closer-successor`), and so does a node notified by one that is not the
 *     closest, so a gap filled by many joiners at once sorts itself out in round trips rather
 *     than one stabilize period per node; a get-pred from far behind is answered with the
 *     recent notifier nearest after the asker (`NotifierCache`).
 * A node not in a ring (or alone in its own) tries to join instead.
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import type { ChordConfig } from './chord-config.js';
import { type ChordPredecessorReply, CLOSER_SUCCESSOR_BYTES, GET_PRED_BYTES, NOTIFY_BYTES, PING_BYTES, predReplySizeBytes, sendChord } from './chord-messages.js';
import type { ChordTable } from './chord-table.js';
import type { NotifierCache } from './notifier-cache.js';
import { inOpen } from './ring.js';

/** What keeping the neighbours needs from the rest of the protocol. */
export interface MaintenanceHost {
  /** A join through the bootstrap peers (a no-op while one is in flight). */
  startJoin(): void;
  startSuccessorCheck(): void;
  /** Alone in a ring of its own: invite the joiners turned away and the bootstrap peers. */
  inviteWaiting(): void;
  /** A request now has a deadline: the timeout timer must fire by then. */
  armTimeouts(): void;
  peerDied(peer: NodeId): void;
  isDeadRecent(peer: NodeId): boolean;
}

export class RingMaintenance {
  private seq = 0;
  private stabTarget: NodeId = -1;
  private stabSeq = 0;
  private stabDeadlineMs = Infinity;
  private pingTarget: NodeId = -1;
  private pingSeq = 0;
  private pingDeadlineMs = Infinity;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ChordConfig,
    private readonly table: ChordTable,
    private readonly notifiers: NotifierCache | null,
    private readonly host: MaintenanceHost,
  ) {}

  stabilize(): void {
    const table = this.table;
    if (!table.joined || table.alone) {
      // Alone in a ring of its own: invite the bootstrap peers too (started ones that wait for a ring join at once).
      if (table.alone) this.host.inviteWaiting();
      this.host.startJoin();
      return;
    }
    if (table.pred < 0) this.host.startSuccessorCheck(); // nobody has notified this node yet
    if (this.stabTarget >= 0) return; // one in flight
    this.stabTarget = table.successorAt(0);
    this.stabSeq = ++this.seq;
    this.stabDeadlineMs = this.ctx.nowMs() + this.config.rpcTimeoutMs;
    sendChord(this.ctx, this.stabTarget, { type: 'chord.get-pred', seq: this.stabSeq }, GET_PRED_BYTES);
    this.host.armTimeouts();
  }

  onGetPredecessor(from: NodeId, seq: number): void {
    if (!this.table.joined) return; // not in a ring: let the asker time out
    sendChord(this.ctx, from, { type: 'chord.pred-reply', seq, pred: this.predecessorFor(from), successors: this.table.successors() }, predReplySizeBytes(this.table.successorCountNow));
  }

  onPredReply(from: NodeId, msg: ChordPredecessorReply): void {
    if (from !== this.stabTarget || msg.seq !== this.stabSeq) return;
    this.stabTarget = -1;
    this.stabDeadlineMs = Infinity;
    const table = this.table;
    if (!table.joined || table.successorAt(0) !== from) return;
    const x = msg.pred;
    if (x >= 0 && x !== this.ctx.id && !this.host.isDeadRecent(x) && inOpen(table.idOf(x), table.selfId, table.idOf(from), table.size)) {
      // A closer successor: ask it at once rather than a period later. Each round trip moves the
      // successor strictly closer, so this ends; after a burst of joins it walks back in RTTs.
      table.setSuccessors(x, from, msg.successors);
      this.stabilize();
      return;
    }
    table.setSuccessors(from, -1, msg.successors);
    sendChord(this.ctx, from, { type: 'chord.notify' }, NOTIFY_BYTES);
  }

  /**
   * The `pred` of a get-pred reply: the node known nearest after the asker (the predecessor, or a
   * recent notifier), so an asker far behind jumps close to its place rather than walking back.
   */
  private predecessorFor(asker: NodeId): NodeId {
    const table = this.table;
    if (this.notifiers === null) return table.pred;
    const hint = this.notifiers.nearestAfter(table.idOf(asker), table.selfId, table.size, (node) => table.idOf(node), table.pred, this.ctx.nowMs());
    return hint >= 0 ? hint : table.pred;
  }

  onNotify(from: NodeId): void {
    const table = this.table;
    if (!table.joined) return;
    this.notifiers?.remember(from, this.ctx.nowMs());
    if (table.alone) {
      table.setSuccessors(from, -1, []);
      table.pred = from;
      return;
    }
    const old = table.pred;
    if (table.acceptsPredecessor(from)) {
      table.pred = from;
      // The old predecessor still points here, past the newcomer: tell it now, not at its next stabilize.
      if (old >= 0 && old !== from) sendChord(this.ctx, old, { type: 'chord.closer-successor', node: from }, CLOSER_SUCCESSOR_BYTES);
    } else if (from !== old) {
      // The notifier sits before our predecessor: point it there, and check that the predecessor is alive.
      sendChord(this.ctx, from, { type: 'chord.closer-successor', node: this.predecessorFor(from) }, CLOSER_SUCCESSOR_BYTES);
      this.checkPredecessor();
    }
  }

  /** Our successor names a node between us: adopt it and stabilize with it at once (it may walk back further). */
  onCloserSuccessor(from: NodeId, node: NodeId): void {
    const table = this.table;
    if (!table.joined || table.alone || table.successorAt(0) !== from) return;
    if (node < 0 || node === this.ctx.id || this.host.isDeadRecent(node) || !inOpen(table.idOf(node), table.selfId, table.idOf(from), table.size)) return;
    table.setSuccessors(node, from, table.successors());
    this.stabTarget = -1; // a reply still in flight from the old successor is ignored (its seq is stale)
    this.stabDeadlineMs = Infinity;
    this.stabilize();
  }

  checkPredecessor(): void {
    const pred = this.table.pred;
    if (pred < 0 || this.pingTarget >= 0) return;
    this.pingTarget = pred;
    this.pingSeq = ++this.seq;
    this.pingDeadlineMs = this.ctx.nowMs() + this.config.rpcTimeoutMs;
    sendChord(this.ctx, pred, { type: 'chord.ping', seq: this.pingSeq }, PING_BYTES);
    this.host.armTimeouts();
  }

  onPing(from: NodeId, seq: number): void {
    // Only a ring member answers: a node that restarted since is not the predecessor it was.
    if (!this.table.joined) return;
    sendChord(this.ctx, from, { type: 'chord.pong', seq }, PING_BYTES);
  }

  onPong(from: NodeId, seq: number): void {
    if (from === this.pingTarget && seq === this.pingSeq) {
      this.pingTarget = -1;
      this.pingDeadlineMs = Infinity;
    }
  }

  earliestDeadlineMs(): number {
    return Math.min(this.stabDeadlineMs, this.pingDeadlineMs);
  }

  /** The stabilize or ping request whose deadline is at or before `dueMs` timed out. */
  expire(dueMs: number): void {
    if (this.stabDeadlineMs <= dueMs) {
      const dead = this.stabTarget;
      this.stabTarget = -1;
      this.stabDeadlineMs = Infinity;
      this.host.peerDied(dead);
      this.stabilize(); // the next successor at once, or a new join
    }
    if (this.pingDeadlineMs <= dueMs) {
      const dead = this.pingTarget;
      this.pingTarget = -1;
      this.pingDeadlineMs = Infinity;
      this.host.peerDied(dead);
    }
  }
}

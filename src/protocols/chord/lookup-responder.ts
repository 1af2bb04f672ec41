/**
 * A Chord node's part in lookups others started: it answers an iterative step with the decision
 * its table takes (and, when it owns the key and is asked, its successor list), and passes a
 * recursive request on toward the key, the owner answering the origin with `chord.found`.
 * Fingers are learnt in passing: a ring member that sends a step or forwards a request fills the
 * finger whose interval holds it (or replaces it when nearer, with proximity).
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import type { ChordConfig } from './chord-config.js';
import { type ChordForward, type ChordStep, type ChordStepReply, FORWARD_BYTES, FOUND_BYTES, sendChord, stepReplySizeBytes } from './chord-messages.js';
import type { ChordTable } from './chord-table.js';
import type { PeerRttMs } from './coordinate-source.js';

/** What answering lookups tells the rest of the protocol. */
export interface ResponderHost {
  /** A joining node asked while this node was not in a ring yet (it is invited once this node joins). */
  turnedAway(node: NodeId): void;
  /** Routing found the predecessor at odds with the previous hop: worth checking now. */
  predecessorSuspect(): void;
}

export class LookupResponder {
  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ChordConfig,
    private readonly table: ChordTable,
    private readonly rttMs: PeerRttMs | null,
    private readonly host: ResponderHost,
  ) {}

  onStep(from: NodeId, msg: ChordStep): void {
    const table = this.table;
    if (msg.fromMember) table.learnFinger(from, this.rttMs);
    else if (!table.joined) this.host.turnedAway(from);
    table.route(msg.key, msg.prev, msg.expectOwner, msg.afterTimeout);
    if (table.rPredSuspect) this.host.predecessorSuspect();
    const successors = table.rDone && msg.wantSuccessors ? table.successors() : null;
    const reply: ChordStepReply = {
      type: 'chord.step-reply',
      lookupId: msg.lookupId,
      done: table.rDone,
      node: table.rNode,
      nextPrev: table.rNextPrev,
      backup: table.rBackup,
      backupPrev: table.rBackupPrev,
      expectOwner: table.rExpectOwner,
      successors,
    };
    sendChord(this.ctx, from, reply, stepReplySizeBytes(successors === null ? 0 : successors.length));
  }

  onForward(from: NodeId, msg: ChordForward): void {
    const table = this.table;
    table.learnFinger(from, this.rttMs); // it routed the request: a ring member
    table.route(msg.key, msg.prev, msg.expectOwner, false);
    if (table.rPredSuspect) this.host.predecessorSuspect();
    if (table.rDone) return sendChord(this.ctx, msg.origin, { type: 'chord.found', lookupId: msg.lookupId, owner: this.ctx.id, hops: msg.hops }, FOUND_BYTES);
    const next = table.rNode;
    if (next < 0 || next === this.ctx.id || msg.hops >= this.config.lookupHopsMax) {
      if (msg.hops >= this.config.lookupHopsMax) this.ctx.metrics.count('chord.hop_limits');
      return sendChord(this.ctx, msg.origin, { type: 'chord.found', lookupId: msg.lookupId, owner: -1, hops: msg.hops }, FOUND_BYTES);
    }
    const forward: ChordForward = { type: 'chord.forward', origin: msg.origin, lookupId: msg.lookupId, key: msg.key, prev: table.rNextPrev, expectOwner: table.rExpectOwner, hops: msg.hops + 1 };
    sendChord(this.ctx, next, forward, FORWARD_BYTES);
  }
}

/**
 * How a Chord node gets into the ring and makes sure of its place:
 *   - join: an iterative lookup of the node's own identifier through its bootstrap peers (tried
 *     in turn; a node that is not in a ring answers "cannot help"), or through an inviter;
 *   - invitations: a node not yet in a ring remembers the joiners it turned away, and once it
 *     joins (or while it is the creator alone) invites them and its bootstrap peers to join
 *     through it, so a join waits for a peer to join rather than for 50 s timeouts and retries;
 *   - successor check: a lookup of the successor of its own identifier, entered as a join, which
 *     corrects a successor far past the true one in one lookup rather than one step per period;
 *     an owner past the successor is notified, as a join would: the entry's ring lacks this node
 *     (two rings after a partition), and merges with this one through its predecessor pointers
 *     (the Chord paper's partitions healed through nodes known from before, here the bootstrap peers).
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import type { ChordConfig } from './chord-config.js';
import { INVITE_BYTES, NOTIFY_BYTES, sendChord } from './chord-messages.js';
import type { ChordTable } from './chord-table.js';
import type { PeerRttMs } from './coordinate-source.js';
import { JOIN, SUCCESSOR_CHECK } from './lookup.js';
import type { LookupEngine } from './lookup-engine.js';
import { inOpen } from './ring.js';

/**
 * Joining nodes this node could not help (it was not in a ring yet) and invites once it joins,
 * so a join waits for the first of its bootstrap peers to join rather than for retry periods.
 */
const INVITES_MAX = 8;

export class RingJoin {
  private joining = false;
  private checkingSuccessor = false;
  private readonly invitees = new Int32Array(INVITES_MAX);
  private inviteeCount = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ChordConfig,
    private readonly table: ChordTable,
    private readonly rttMs: PeerRttMs | null,
    private readonly lookups: LookupEngine,
  ) {}

  /** A join through the bootstrap peers, or through `entry` (an inviter, which replaces a join in flight). */
  startJoin(entry: NodeId = -1): void {
    if (this.joining) {
      if (entry < 0) return;
      this.lookups.abandon(JOIN);
    }
    this.joining = true;
    this.lookups.start(this.table.selfId, JOIN, entry);
  }

  onInvite(from: NodeId): void {
    if (this.table.joined && !this.table.alone) return;
    this.startJoin(from);
  }

  startSuccessorCheck(): void {
    if (this.checkingSuccessor || this.lookups.inFlight >= this.config.lookupsInFlightMax) return;
    this.checkingSuccessor = true;
    this.lookups.start((this.table.selfId + 1) % this.table.size, SUCCESSOR_CHECK);
  }

  /** The join lookup ended: `owner` (-1: failed, retried next stabilize period) is the successor, `successors` its list. */
  joinFinished(owner: NodeId, successors: readonly NodeId[] | null): void {
    const table = this.table;
    this.joining = false;
    if (owner < 0 || owner === this.ctx.id) return;
    if (table.joined && !table.alone) return; // others joined through this node meanwhile
    table.setSuccessors(owner, -1, successors ?? []);
    table.pred = -1;
    table.clearFingers();
    for (const node of table.successors()) table.learnFinger(node, this.rttMs); // the low fingers, before any fix
    this.ctx.metrics.count('chord.joins');
    sendChord(this.ctx, owner, { type: 'chord.notify' }, NOTIFY_BYTES);
    this.inviteWaiting();
  }

  successorCheckFinished(owner: NodeId, successors: readonly NodeId[] | null): void {
    const table = this.table;
    this.checkingSuccessor = false;
    if (owner < 0 || owner === this.ctx.id || !table.joined || table.alone) return;
    const succ = table.successorAt(0);
    if (owner === succ) return;
    if (!inOpen(table.idOf(owner), table.selfId, table.idOf(succ), table.size)) {
      // The entry's ring puts this node's successor past its own, at a node not in its successor
      // list: that ring does not know this node's arc (a partition left two rings, each consistent
      // on its own). Notify the owner: a ring that lacks this node takes it as predecessor and
      // tells the old one, which merges the rings; a ring that has it refuses (its predecessor is
      // nearer). An owner in the list is this ring's, past a successor that died: stabilize's.
      // Without this, rings {0, 1} and the 30 others of torture-dvms-small seed 445 never met.
      if (table.successors().includes(owner)) return;
      this.ctx.metrics.count('chord.foreign_owner_notifies');
      sendChord(this.ctx, owner, { type: 'chord.notify' }, NOTIFY_BYTES);
      return;
    }
    this.ctx.metrics.count('chord.successor_corrections');
    table.setSuccessors(owner, -1, successors ?? []);
    sendChord(this.ctx, owner, { type: 'chord.notify' }, NOTIFY_BYTES);
  }

  rememberInvitee(node: NodeId): void {
    for (let k = 0; k < this.inviteeCount; k++) if (this.invitees[k] === node) return;
    if (this.inviteeCount < INVITES_MAX) this.invitees[this.inviteeCount++] = node;
  }

  /** Just joined: invite the joiners this node turned away, and its own bootstrap peers (those already in a ring ignore it). */
  inviteWaiting(): void {
    for (let k = 0; k < this.inviteeCount; k++) sendChord(this.ctx, this.invitees[k], { type: 'chord.invite' }, INVITE_BYTES);
    for (const peer of this.ctx.bootstrapPeers()) {
      let invited = false;
      for (let k = 0; k < this.inviteeCount; k++) if (this.invitees[k] === peer) invited = true;
      if (!invited && peer !== this.ctx.id) sendChord(this.ctx, peer, { type: 'chord.invite' }, INVITE_BYTES);
    }
    this.inviteeCount = 0;
  }
}

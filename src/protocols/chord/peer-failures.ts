/**
 * What a Chord node does when a peer fails it: one that timed out is forgotten everywhere (table,
 * notifier hints) and remembered as dead for a while; one that answered it is not in a ring is
 * forgotten but not barred. A node whose successors all went takes the nearest peer it still
 * knows, and stabilize walks back from there.
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import type { ChordConfig } from './chord-config.js';
import type { ChordTable } from './chord-table.js';
import type { NotifierCache } from './notifier-cache.js';

/**
 * Peers found dead in the last two timeouts are not adopted again from another node's stale
 * predecessor pointer (that node checks its predecessor when notified, within one timeout).
 * The table keeps them (`ChordTable.bar`), beside the routing state every message reads anyway.
 */
export class PeerFailures {
  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ChordConfig,
    private readonly table: ChordTable,
    private readonly notifiers: NotifierCache | null,
  ) {}

  /** `peer` did not answer within `rpcTimeoutMs`. */
  peerDied(peer: NodeId): void {
    if (peer < 0 || peer === this.ctx.id) return;
    this.ctx.metrics.count('chord.peers_timed_out');
    const table = this.table;
    table.bar(peer, this.ctx.nowMs());
    this.notifiers?.forget(peer);
    if (!table.joined) return;
    table.remove(peer);
    if (!table.joined) this.rebuildSuccessor();
  }

  /**
   * A peer answered that it is not in a ring (it restarted since this node learnt of it): forget
   * it like a dead one, so a retry takes another route, but do not bar it: it will rejoin soon.
   */
  peerLeftRing(peer: NodeId): void {
    if (peer < 0 || peer === this.ctx.id) return;
    this.notifiers?.forget(peer);
    const table = this.table;
    if (!table.joined || !table.knows(peer)) return;
    this.ctx.metrics.count('chord.peers_left_ring');
    table.remove(peer);
    if (!table.joined) this.rebuildSuccessor();
  }

  isDeadRecent(peer: NodeId): boolean {
    return this.table.isBarredSince(peer, this.ctx.nowMs() - 2 * this.config.rpcTimeoutMs);
  }

  /** Every successor died: the nearest finger (or the predecessor) will do; stabilize walks back from it. */
  private rebuildSuccessor(): void {
    const table = this.table;
    let best = -1;
    let bestDistance = Infinity;
    const consider = (node: NodeId): void => {
      if (node < 0 || node === this.ctx.id) return;
      const d = (table.idOf(node) - table.selfId + table.size) % table.size;
      if (d < bestDistance) {
        best = node;
        bestDistance = d;
      }
    };
    for (let i = 0; i < table.bits; i++) consider(table.fingerAt(i));
    consider(table.pred);
    if (best >= 0) table.setSuccessors(best, -1, []);
  }
}

/**
 * A service that keeps its own view of its overlay neighbourhood from notifications alone: it
 * adds a peer on join, removes it on leave, and takes the full list on neighbours-changed (which
 * also follows an overlay swap). The simulator compares that view with the overlay's actual
 * neighbours, so a run shows whether notifications keep services in step with the overlay, and
 * how many a service receives. Bounded by `neighboursMax` (beyond it, peers are not added and
 * the overflow is counted).
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import type { NotificationOrigin } from '../notification-actor.js';
import type { ServiceActor } from '../supervisor.js';

export class NeighbourWatch implements ServiceActor {
  private view: NodeId[] = [];
  private joins = 0;
  private leaves = 0;
  private changes = 0;

  /** `initial`: the peer actor's neighbours when the service (re)starts, so a restart loses nothing. */
  constructor(
    private readonly ctx: NodeContext,
    initial: readonly NodeId[] = [],
    private readonly neighboursMax = 1024,
  ) {
    this.view = initial.slice(0, neighboursMax);
  }

  /** The neighbourhood as the notifications described it. */
  neighbours(): readonly NodeId[] {
    return this.view;
  }

  /** Notifications received since start, by kind. */
  notificationCounts(): { readonly joins: number; readonly leaves: number; readonly changes: number } {
    return { joins: this.joins, leaves: this.leaves, changes: this.changes };
  }

  onStart(): void {}

  onJoin(peer: NodeId, _origin: NotificationOrigin): void {
    this.joins++;
    if (this.view.includes(peer)) return;
    if (this.view.length >= this.neighboursMax) {
      this.ctx.metrics.count('watch.overflow');
      return;
    }
    this.view = [...this.view, peer];
  }

  onLeave(peer: NodeId, _origin: NotificationOrigin): void {
    this.leaves++;
    this.view = this.view.filter((p) => p !== peer);
  }

  onNeighboursChanged(neighbours: readonly NodeId[], _origin: NotificationOrigin): void {
    this.changes++;
    this.view = neighbours.slice(0, this.neighboursMax);
  }
}

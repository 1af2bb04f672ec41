/**
 * A service that keeps copies of its node's data on the node's first `copies` overlay neighbours
 * (bound to a ring overlay, these are the successors, as in DHash or PAST). It learns of every
 * change through its peer actor's neighbours-changed notifications and acts on each: a neighbour
 * that enters the replica set gets a copy (a bulk message of `dataBytes`), one that leaves it is
 * told to drop its copy. It never polls the overlay itself.
 *
 * Holders keep the copies they were sent, bounded by `heldMax` (further copies are refused and
 * counted); whether an owner is fully replicated is judged by the simulator from who holds what.
 */
import type { Message, NodeContext, NodeId } from '../../runtime/context.js';
import type { NotificationOrigin } from '../notification-actor.js';
import type { ServiceActor } from '../supervisor.js';

export interface ReplicaKeeperConfig {
  /** Copies kept of the node's data (on its first `copies` neighbours). */
  readonly copies: number;
  /** Modelled size of one copy. */
  readonly dataBytes: number;
  /** Copies of other nodes' data one node holds at most. */
  readonly heldMax: number;
}

export const defaultReplicaKeeperConfig: ReplicaKeeperConfig = { copies: 3, dataBytes: 1_000_000, heldMax: 64 };

interface ReplicaCopy {
  readonly type: 'replica.copy';
}
interface ReplicaDrop {
  readonly type: 'replica.drop';
}
type ReplicaMessage = ReplicaCopy | ReplicaDrop;

const DROP_BYTES = 32;

export class ReplicaKeeper implements ServiceActor {
  /** Where this node's copies are (in neighbour order). */
  private holders: NodeId[] = [];
  /** Owners whose copies this node holds, in arrival order. */
  private readonly held: NodeId[] = [];

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ReplicaKeeperConfig,
  ) {
    if (!(Number.isInteger(config.copies) && config.copies >= 1)) throw new RangeError(`ReplicaKeeper: copies must be an integer >= 1, got ${config.copies}`);
    if (!(config.dataBytes >= 0)) throw new RangeError(`ReplicaKeeper: dataBytes must be >= 0, got ${config.dataBytes}`);
    if (!(Number.isInteger(config.heldMax) && config.heldMax >= 1)) throw new RangeError(`ReplicaKeeper: heldMax must be an integer >= 1, got ${config.heldMax}`);
  }

  /** The nodes this node's copies were sent to and not withdrawn from. */
  holderList(): readonly NodeId[] {
    return this.holders;
  }

  /** The owners whose copies this node holds. */
  heldOwners(): readonly NodeId[] {
    return this.held;
  }

  onStart(): void {}

  onNeighboursChanged(neighbours: readonly NodeId[], _origin: NotificationOrigin): void {
    const next = neighbours.slice(0, this.config.copies);
    for (const node of next) {
      if (this.holders.includes(node)) continue;
      this.ctx.send(node, { type: 'replica.copy' } satisfies ReplicaCopy, this.config.dataBytes);
      this.ctx.metrics.count('replicas.copies_sent');
    }
    for (const node of this.holders) if (!next.includes(node)) this.ctx.send(node, { type: 'replica.drop' } satisfies ReplicaDrop, DROP_BYTES);
    this.holders = next;
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as ReplicaMessage;
    const index = this.held.indexOf(from);
    if (msg.type === 'replica.copy') {
      if (index >= 0) return;
      if (this.held.length >= this.config.heldMax) {
        this.ctx.metrics.count('replicas.copies_refused');
        return;
      }
      this.held.push(from);
    } else if (msg.type === 'replica.drop') {
      if (index >= 0) this.held.splice(index, 1);
    } else {
      this.ctx.metrics.count('replicas.unknown_messages');
    }
  }
}

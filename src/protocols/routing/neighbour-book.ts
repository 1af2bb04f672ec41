/**
 * The coordinates of a node's close neighbours as routing knows them: the spiral gives close
 * peers by id only, so a node greets each new one (`routing.hello`, its own coordinate) and
 * keeps the coordinate of the answer. A greeting also makes a link the other way: the greeted
 * node keeps the greeter as an inbound neighbour (it holds the greeted node close), so close
 * links count both ways. Two tables, each bounded by `capacity`, the least recently refreshed
 * entry dropped first, so that many greeters never push out a node's own close peers. Never self
 * (the caller's concern); no duplicates within a table.
 */
import type { NodeId } from '../../runtime/context.js';
import type { RoutedNode } from './routing-messages.js';

/** Insertion-ordered map as an LRU of bounded size. */
class RecentNodes {
  readonly nodes = new Map<NodeId, RoutedNode>();

  constructor(private readonly capacity: number) {}

  put(node: RoutedNode): void {
    if (this.capacity === 0) return;
    this.nodes.delete(node.peer);
    this.nodes.set(node.peer, node);
    if (this.nodes.size > this.capacity) this.nodes.delete(this.nodes.keys().next().value as NodeId);
  }

  /** A newer coordinate for a node already held, in place. */
  update(node: RoutedNode): void {
    if (this.nodes.has(node.peer)) this.nodes.set(node.peer, node);
  }
}

export class NeighbourBook {
  private readonly outbound: RecentNodes;
  private readonly inboundNodes: RecentNodes;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 0)) throw new RangeError(`neighbour book capacity must be an integer >= 0, got ${capacity}`);
    this.outbound = new RecentNodes(capacity);
    this.inboundNodes = new RecentNodes(capacity);
  }

  /** Entries of both tables. */
  get size(): number {
    return this.outbound.nodes.size + this.inboundNodes.nodes.size;
  }

  /** A close peer's coordinate, from its answer to a greeting. */
  putOutbound(node: RoutedNode): void {
    this.outbound.put(node);
  }

  /** A node that greeted this one (it holds this node close). */
  putInbound(node: RoutedNode): void {
    this.inboundNodes.put(node);
  }

  /** A newer coordinate for a node already held, in either table. */
  update(node: RoutedNode): void {
    this.outbound.update(node);
    this.inboundNodes.update(node);
  }

  /** The coordinate held for `peer`, from either table. */
  get(peer: NodeId): RoutedNode | undefined {
    return this.outbound.nodes.get(peer) ?? this.inboundNodes.nodes.get(peer);
  }

  hasOutbound(peer: NodeId): boolean {
    return this.outbound.nodes.has(peer);
  }

  isInbound(peer: NodeId): boolean {
    return this.inboundNodes.nodes.has(peer);
  }

  /** The nodes that greeted this one, least recent first. */
  inbound(): RoutedNode[] {
    return [...this.inboundNodes.nodes.values()];
  }
}

/**
 * The nodes that recently named this node their successor (sent it `chord.notify`). After a
 * burst of joins, many nodes far behind this one hold it as successor; plain stabilize walks each
 * of them back one predecessor per round trip, O(g) round trips for a gap of g joiners and O(g^2)
 * messages in all. Answering a node's `get-pred` with the notifier nearest after it instead
 * sends it close to its place at once: the last `capacity` notifiers are a sample of the gap, so
 * each reply divides the distance left by about `capacity`.
 *
 * Bounded: a ring buffer of `capacity` entries; an entry older than `freshMs` is ignored (a node
 * that still points here notifies again every stabilize period). Dead entries cost the asker one
 * timeout at most, after which it falls back to the node that gave the hint.
 */
import type { NodeId } from '../../runtime/context.js';
import { inOpen, ringDistance } from './ring.js';

export class NotifierCache {
  private readonly nodes: Int32Array;
  private readonly atMs: Float64Array;
  private next = 0;

  constructor(
    capacity: number,
    private readonly freshMs: number,
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`NotifierCache: capacity must be an integer >= 1, got ${capacity}`);
    this.nodes = new Int32Array(capacity).fill(-1);
    this.atMs = new Float64Array(capacity);
  }

  remember(node: NodeId, nowMs: number): void {
    const nodes = this.nodes;
    for (let k = 0; k < nodes.length; k++) {
      if (nodes[k] === node) {
        this.atMs[k] = nowMs;
        return;
      }
    }
    nodes[this.next] = node;
    this.atMs[this.next] = nowMs;
    this.next = (this.next + 1) % nodes.length;
  }

  forget(node: NodeId): void {
    for (let k = 0; k < this.nodes.length; k++) if (this.nodes[k] === node) this.nodes[k] = -1;
  }

  /**
   * Of `start` and the fresh entries, the node in (fromId, selfId) nearest after `fromId`
   * (clockwise); `start` when none is nearer, -1 when `start` is -1 or outside the interval too.
   */
  nearestAfter(fromId: number, selfId: number, size: number, idOf: (node: NodeId) => number, start: NodeId, nowMs: number): NodeId {
    let best = -1;
    let bestDistance = Infinity;
    const sinceMs = nowMs - this.freshMs;
    // The start, then the fresh entries: the nearest after `fromId` inside (fromId, selfId).
    for (let k = -1; k < this.nodes.length; k++) {
      const node = k < 0 ? start : this.atMs[k] >= sinceMs ? this.nodes[k] : -1;
      if (node < 0) continue;
      const id = idOf(node);
      if (!inOpen(id, fromId, selfId, size)) continue;
      const d = ringDistance(fromId, id, size);
      if (d < bestDistance) {
        best = node;
        bestDistance = d;
      }
    }
    return best;
  }
}

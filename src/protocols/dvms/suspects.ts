/**
 * Peers that failed to answer an ISP hop, a pull or a merge question, avoided as next nodes for
 * a while. A fixed ring of `suspectsMax` entries: the oldest suspicion is overwritten first.
 */
import type { NodeId } from '../../runtime/context.js';

export class Suspects {
  private readonly nodes: Int32Array;
  private readonly sinceMs: Float64Array;
  private next = 0;

  constructor(
    capacity: number,
    private readonly forgetAfterMs: number,
  ) {
    this.nodes = new Int32Array(capacity).fill(-1);
    this.sinceMs = new Float64Array(capacity);
  }

  add(node: NodeId, nowMs: number): void {
    for (let k = 0; k < this.nodes.length; k++) {
      if (this.nodes[k] === node) {
        this.sinceMs[k] = nowMs;
        return;
      }
    }
    this.nodes[this.next] = node;
    this.sinceMs[this.next] = nowMs;
    this.next = (this.next + 1) % this.nodes.length;
  }

  /** Any message from `node` proves it alive. */
  clear(node: NodeId): void {
    for (let k = 0; k < this.nodes.length; k++) if (this.nodes[k] === node) this.nodes[k] = -1;
  }

  has(node: NodeId, nowMs: number): boolean {
    for (let k = 0; k < this.nodes.length; k++) if (this.nodes[k] === node && nowMs - this.sinceMs[k] < this.forgetAfterMs) return true;
    return false;
  }
}

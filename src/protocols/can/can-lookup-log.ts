/** The bounded log of finished workload lookups, drained by the simulator, which judges them against the true owner. */
import type { NodeId } from '../../runtime/context.js';

export interface CanLookupOutcome {
  readonly x: number;
  readonly y: number;
  /** The owner the lookup resolved to; -1 when it failed (timeout or hop limit). */
  readonly owner: NodeId;
  /** Forwarding messages from the origin to the owner (0: the origin owns the point). */
  readonly hops: number;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly finishedAtMs: number;
}

/** A ring of at most `capacityMax` outcomes; the oldest is dropped (and counted) when full. */
export class CanLookupLog {
  private readonly items: CanLookupOutcome[] = [];
  private head = 0;
  dropped = 0;

  constructor(private readonly capacityMax: number) {
    if (!(Number.isInteger(capacityMax) && capacityMax >= 1)) throw new RangeError(`capacityMax must be an integer >= 1, got ${capacityMax}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  record(outcome: CanLookupOutcome): void {
    if (this.size === this.capacityMax) {
      this.head++;
      this.dropped++;
    }
    this.items.push(outcome);
    if (this.head > this.capacityMax) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  drain(): CanLookupOutcome[] {
    const out = this.items.slice(this.head);
    this.items.length = 0;
    this.head = 0;
    return out;
  }
}

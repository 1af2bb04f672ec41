/**
 * The bounded log of finished workload lookups, drained by a metrics probe. The protocol only
 * records what it saw; correctness is judged by the simulator against the true successor.
 * A ring buffer of flat typed arrays, grown by doubling up to `capacityMax` (a node drained often
 * stays small); when full, the oldest outcome is dropped and counted.
 */
import type { NodeId } from '../../runtime/context.js';

export interface LookupOutcome {
  readonly key: number;
  /** The node the lookup resolved to; -1 when it timed out. */
  readonly owner: NodeId;
  /** Step requests sent (answered or not), over every attempt. */
  readonly hops: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly finishedAtMs: number;
}

export class LookupLog {
  private keys = new Float64Array(0);
  private owners = new Int32Array(0);
  private hops = new Int32Array(0);
  private latencies = new Float64Array(0);
  private finishedAt = new Float64Array(0);
  private head = 0;
  private count = 0;
  /** Outcomes dropped because the log was full. */
  dropped = 0;

  constructor(private readonly capacityMax: number) {
    if (!(Number.isInteger(capacityMax) && capacityMax >= 1)) throw new RangeError(`capacityMax must be an integer >= 1, got ${capacityMax}`);
  }

  get size(): number {
    return this.count;
  }

  /** owner -1 = timed out. */
  record(key: number, owner: NodeId, hops: number, latencyMs: number, finishedAtMs: number): void {
    if (this.count === this.keys.length) {
      if (this.keys.length < this.capacityMax) this.grow(Math.min(this.capacityMax, Math.max(4, 2 * this.keys.length)));
      else {
        this.head = (this.head + 1) % this.keys.length;
        this.count--;
        this.dropped++;
      }
    }
    const at = (this.head + this.count) % this.keys.length;
    this.keys[at] = key;
    this.owners[at] = owner;
    this.hops[at] = hops;
    this.latencies[at] = latencyMs;
    this.finishedAt[at] = finishedAtMs;
    this.count++;
  }

  /** The outcomes recorded since the last drain, oldest first; the log is emptied. */
  drain(): LookupOutcome[] {
    const out: LookupOutcome[] = [];
    for (let k = 0; k < this.count; k++) {
      const at = (this.head + k) % this.keys.length;
      const owner = this.owners[at];
      out.push({ key: this.keys[at], owner, hops: this.hops[at], latencyMs: this.latencies[at], ok: owner >= 0, finishedAtMs: this.finishedAt[at] });
    }
    this.head = 0;
    this.count = 0;
    return out;
  }

  private grow(capacity: number): void {
    const keys = new Float64Array(capacity);
    const owners = new Int32Array(capacity);
    const hops = new Int32Array(capacity);
    const latencies = new Float64Array(capacity);
    const finishedAt = new Float64Array(capacity);
    for (let k = 0; k < this.count; k++) {
      const at = (this.head + k) % this.keys.length;
      keys[k] = this.keys[at];
      owners[k] = this.owners[at];
      hops[k] = this.hops[at];
      latencies[k] = this.latencies[at];
      finishedAt[k] = this.finishedAt[at];
    }
    this.keys = keys;
    this.owners = owners;
    this.hops = hops;
    this.latencies = latencies;
    this.finishedAt = finishedAt;
    this.head = 0;
  }
}

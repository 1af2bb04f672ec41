/**
 * The bounded log of finished locates, drained by a metrics probe. The protocol only records
 * what the locating node saw; whether the answer was right is judged outside, against where the
 * VM truly was. A ring of at most `capacityMax` outcomes; when full, the oldest is dropped and
 * counted.
 */
import type { NodeId } from '../../runtime/context.js';

/** `LocateOutcome.host` when the owner did not know the VM. */
export const LOCATE_UNKNOWN = -1;
/** `LocateOutcome.host` when no answer came: the lookup failed, or the owner stayed silent. */
export const LOCATE_FAILED = -2;

export interface LocateOutcome {
  readonly locator: NodeId;
  readonly vm: number;
  /** The host answered (>= 0), LOCATE_UNKNOWN or LOCATE_FAILED. */
  readonly host: NodeId;
  /** The answered entry's version; -1 without one. */
  readonly version: number;
  /** The owner the lookup found; -1 when it failed. */
  readonly owner: NodeId;
  /** Chord hops of the lookup, plus one for the get when the owner is another node. */
  readonly hops: number;
  readonly startedAtMs: number;
  /** When the owner answered (its clock); NaN without an answer. */
  readonly answeredAtMs: number;
  readonly finishedAtMs: number;
}

export class LocateLog {
  private readonly ring: LocateOutcome[] = [];
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

  record(outcome: LocateOutcome): void {
    if (this.count === this.capacityMax) {
      this.ring[this.head] = outcome; // overwrite the oldest
      this.head = (this.head + 1) % this.capacityMax;
      this.dropped++;
      return;
    }
    this.ring[(this.head + this.count) % this.capacityMax] = outcome;
    this.count++;
  }

  /** The outcomes recorded since the last drain, oldest first; the log is emptied. */
  drain(): LocateOutcome[] {
    const out: LocateOutcome[] = [];
    for (let k = 0; k < this.count; k++) out.push(this.ring[(this.head + k) % this.capacityMax]);
    this.ring.length = 0;
    this.head = 0;
    this.count = 0;
    return out;
  }
}

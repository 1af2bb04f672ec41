/**
 * The bounded log of finished workload lookups, drained by a metrics probe. The protocol only
 * records what it saw; correctness is judged by the simulator against the true successor.
 * An `OutcomeLog`: when full, the oldest outcome is dropped and counted.
 */
import type { NodeId } from '../../runtime/context.js';
import { type Columns, OutcomeLog } from '../outcome-log.js';

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

/** Keys are up to 2^32 - 1: doubles, not int32. */
const LOOKUP_COLUMNS: Columns<LookupOutcome> = { key: 'f64', owner: 'i32', hops: 'i32', latencyMs: 'f64', ok: 'bool', finishedAtMs: 'f64' };

export class LookupLog {
  private readonly log: OutcomeLog<LookupOutcome>;

  constructor(capacityMax: number) {
    this.log = new OutcomeLog(capacityMax, LOOKUP_COLUMNS);
  }

  get size(): number {
    return this.log.size;
  }

  /** Outcomes dropped because the log was full. */
  get dropped(): number {
    return this.log.dropped;
  }

  /** owner -1 = timed out. */
  record(key: number, owner: NodeId, hops: number, latencyMs: number, finishedAtMs: number): void {
    this.log.record({ key, owner, hops, latencyMs, ok: owner >= 0, finishedAtMs });
  }

  /** The outcomes recorded since the last drain, oldest first; the log is emptied. */
  drain(): LookupOutcome[] {
    return this.log.drain();
  }
}

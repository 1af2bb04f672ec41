/** The bounded log of finished workload lookups, drained by the simulator, which judges them against the true owner. */
import type { NodeId } from '../../runtime/context.js';
import { type Columns, OutcomeLog } from '../outcome-log.js';

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

const CAN_LOOKUP_COLUMNS: Columns<CanLookupOutcome> = { x: 'f64', y: 'f64', owner: 'i32', hops: 'i32', ok: 'bool', latencyMs: 'f64', finishedAtMs: 'f64' };

/** At most `capacityMax` outcomes; the oldest is dropped (and counted) when full. */
export class CanLookupLog extends OutcomeLog<CanLookupOutcome> {
  constructor(capacityMax: number) {
    super(capacityMax, CAN_LOOKUP_COLUMNS);
  }
}

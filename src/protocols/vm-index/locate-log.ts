/**
 * The bounded log of finished locates, drained by a metrics probe. The protocol only records
 * what the locating node saw; whether the answer was right is judged outside, against where the
 * VM truly was. An `OutcomeLog` of at most `capacityMax` outcomes; when full, the oldest is
 * dropped and counted.
 */
import type { NodeId } from '../../runtime/context.js';
import { type Columns, OutcomeLog } from '../outcome-log.js';

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

/** VM ids are below 2^31 (`vmKey`); versions are unbounded counts: doubles. */
const LOCATE_COLUMNS: Columns<LocateOutcome> = {
  locator: 'i32',
  vm: 'i32',
  host: 'i32',
  version: 'f64',
  owner: 'i32',
  hops: 'i32',
  startedAtMs: 'f64',
  answeredAtMs: 'f64',
  finishedAtMs: 'f64',
};

export class LocateLog extends OutcomeLog<LocateOutcome> {
  constructor(capacityMax: number) {
    super(capacityMax, LOCATE_COLUMNS);
  }
}

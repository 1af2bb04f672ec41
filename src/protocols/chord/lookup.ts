/** One lookup a Chord node started, and what it is for. */
import type { NodeId } from '../../runtime/context.js';

/** Lookup purposes; a finger fix carries its finger index (>= 0). */
export const WORKLOAD = -1;
export const JOIN = -2;
/**
 * A lookup of the successor of this node's own identifier, entered through the bootstrap peers
 * (as a join): a node that joined while the ring was unsettled may hold a successor far past
 * the true one, and stabilize alone walks back one predecessor per period.
 */
export const SUCCESSOR_CHECK = -3;
/** A lookup for a service of this node (`lookup()`): travels as the workload's do, answers a callback. */
export const SERVICE = -4;

/** How a service learns the owner of its key: -1 when the lookup failed after its retries. */
export type LookupDone = (owner: NodeId, hops: number) => void;

export class Lookup {
  attempts = 0;
  hops = 0;
  hopsAtAttempt = 0;
  current: NodeId = -1;
  backup: NodeId = -1;
  backupPrev: NodeId = -1;
  backupExpect = false;
  deadlineMs = Infinity;
  bootstrapIndex = 0;
  /** The first step of a join goes here (an inviter) rather than to the bootstrap peers; -1: none. */
  entry: NodeId = -1;
  /** A service lookup's callback (null for every other purpose). */
  onDone: LookupDone | null = null;
  constructor(
    readonly id: number,
    readonly key: number,
    readonly purpose: number,
    readonly startedAtMs: number,
  ) {}
}

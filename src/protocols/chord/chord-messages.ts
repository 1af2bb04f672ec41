/** Chord's wire messages: readonly plain data. Node ids travel as 4 bytes (ring ids derive from them). */
import type { NodeContext, NodeId } from '../../runtime/context.js';

/** One step of an iterative lookup: "who is next for `key`?" (always answered to the origin). */
export interface ChordStep {
  readonly type: 'chord.step';
  readonly lookupId: number;
  readonly key: number;
  /** The node that named the receiver (-1: none), so the receiver can check the claim. */
  readonly prev: NodeId;
  /** The previous hop believes the receiver owns the key. */
  readonly expectOwner: boolean;
  /** The candidate named before the receiver did not answer: the receiver owns (prev, self]. */
  readonly afterTimeout: boolean;
  /** The owner answers with its successor list (joins, proximity finger choice). */
  readonly wantSuccessors: boolean;
  /** The origin is a ring member (not a joining node): the receiver may take it as a finger. */
  readonly fromMember: boolean;
}

export interface ChordStepReply {
  readonly type: 'chord.step-reply';
  readonly lookupId: number;
  /** `node` owns the key (it is the responder); otherwise `node` is the next hop. */
  readonly done: boolean;
  /** Owner or next hop; -1: the responder is not in a ring and cannot help. */
  readonly node: NodeId;
  /** The `prev` to give the next hop. */
  readonly nextPrev: NodeId;
  /** A fallback for the next hop if it does not answer (-1: none), and the prev to give it. */
  readonly backup: NodeId;
  readonly backupPrev: NodeId;
  readonly expectOwner: boolean;
  readonly successors: readonly NodeId[] | null;
}

/**
 * A recursive lookup (lookupStyle 'recursive', as SimGrid's example routes): each node forwards
 * the request toward the key and the owner answers the origin directly with `chord.found`.
 */
export interface ChordForward {
  readonly type: 'chord.forward';
  readonly origin: NodeId;
  readonly lookupId: number;
  readonly key: number;
  readonly prev: NodeId;
  readonly expectOwner: boolean;
  /** Nodes the request has reached, this one included. */
  readonly hops: number;
}

export interface ChordFound {
  readonly type: 'chord.found';
  readonly lookupId: number;
  /** The owner (the sender), or -1: a node on the way could not route (not in a ring, or the hop limit). */
  readonly owner: NodeId;
  readonly hops: number;
}

export interface ChordGetPredecessor {
  readonly type: 'chord.get-pred';
  readonly seq: number;
}

export interface ChordPredecessorReply {
  readonly type: 'chord.pred-reply';
  readonly seq: number;
  /** -1: none known. */
  readonly pred: NodeId;
  readonly successors: readonly NodeId[];
}

export interface ChordNotify {
  readonly type: 'chord.notify';
}

/**
 * From a node to its predecessor-side neighbour: `node` sits between you and me, take it as your
 * successor. Sent to the old predecessor when a closer one notifies, and to a notifier that is
 * not the closest, so a burst of joins into one gap sorts itself out in round trips, not periods.
 */
export interface ChordCloserSuccessor {
  readonly type: 'chord.closer-successor';
  readonly node: NodeId;
}

/** From a node that just joined a ring to a node that asked it to join before (or to its bootstrap peers): join through me. */
export interface ChordInvite {
  readonly type: 'chord.invite';
}

export interface ChordPing {
  readonly type: 'chord.ping';
  readonly seq: number;
}

export interface ChordPong {
  readonly type: 'chord.pong';
  readonly seq: number;
}

export type ChordMessage = ChordStep | ChordStepReply | ChordForward | ChordFound | ChordGetPredecessor | ChordPredecessorReply | ChordNotify | ChordCloserSuccessor | ChordInvite | ChordPing | ChordPong;

/** Header (type, addressing) modelled as 32 bytes; ids, keys and sequence numbers 4 bytes; lists 2 + 4 per entry. */
const HEADER_BYTES = 32;
const WORD_BYTES = 4;
const listBytes = (count: number): number => 2 + WORD_BYTES * count;

export const STEP_BYTES = HEADER_BYTES + 3 * WORD_BYTES + 1;
export const FORWARD_BYTES = HEADER_BYTES + 5 * WORD_BYTES + 1;
export const FOUND_BYTES = HEADER_BYTES + 3 * WORD_BYTES;
export const GET_PRED_BYTES = HEADER_BYTES + WORD_BYTES;
export const NOTIFY_BYTES = HEADER_BYTES;
export const CLOSER_SUCCESSOR_BYTES = HEADER_BYTES + WORD_BYTES;
export const INVITE_BYTES = HEADER_BYTES;
export const PING_BYTES = HEADER_BYTES + WORD_BYTES;

export function stepReplySizeBytes(successorCount: number): number {
  return HEADER_BYTES + 5 * WORD_BYTES + 1 + listBytes(successorCount);
}

export function predReplySizeBytes(successorCount: number): number {
  return HEADER_BYTES + 2 * WORD_BYTES + listBytes(successorCount);
}

/** Sends a Chord message: typed, so a message literal is checked against `ChordMessage`. */
export function sendChord(ctx: NodeContext, to: NodeId, message: ChordMessage, sizeBytes: number): void {
  ctx.send(to, message, sizeBytes);
}

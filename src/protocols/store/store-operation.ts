/**
 * A client operation as its coordinator saw it, for the history a checker judges. The protocol
 * fills it at invocation and completes it in place; an observer (the simulation's store probe)
 * keeps the object, so an operation whose node crashed before it completed stays invoked and
 * never completed, as Jepsen's indeterminate operations do.
 */
import type { NodeId } from '../../runtime/context.js';

export type StoreOpKind = 'read' | 'write';

export interface StoreOperation {
  /** The client's node, which coordinates the operation. */
  readonly client: NodeId;
  readonly kind: StoreOpKind;
  readonly key: number;
  readonly invokedAtMs: number;
  /** NaN until completed (an operation that never completes stays NaN). */
  completedAtMs: number;
  /** Write: acknowledged by W home replicas; read: answered by R. False on a timeout. */
  ok: boolean;
  /** Write: the version and value written. Read: those returned (ts -1: the key had none). */
  ts: number;
  writer: NodeId;
  value: number;
}

/** Told of every operation a node invokes and completes (the same object both times). */
export interface StoreObserver {
  invoked(op: StoreOperation): void;
  completed(op: StoreOperation): void;
}

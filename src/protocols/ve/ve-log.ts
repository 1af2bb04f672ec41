/**
 * Operation kinds, failure reasons and the bounded log of finished operations, drained by a
 * scenario probe. The protocol records what the issuing node saw; whether an answer was right
 * (a find's hosts, a suspend's effect) is judged outside, against the cloud model.
 */
import type { NodeId } from '../../runtime/context.js';
import { type Columns, OutcomeLog } from '../outcome-log.js';

/** Operation kinds: the integer codes of `VeOutcome.kind`, indices of `VE_OP_NAMES`. */
export const VE_CONFIGURE = 0;
export const VE_FIND = 1;
export const VE_START = 2;
export const VE_SUSPEND = 3;
export const VE_RESUME = 4;
export const VE_STOP = 5;
export const VE_RELOCATE = 6;
export const VE_OP_NAMES = ['configure', 'find', 'start', 'suspend', 'resume', 'stop', 'relocate'] as const;
export type VeOpName = (typeof VE_OP_NAMES)[number];
/** The kinds that act on every member through its host's hypervisor. */
export type VeCommandKind = typeof VE_START | typeof VE_SUSPEND | typeof VE_RESUME | typeof VE_STOP;

/**
 * Why an operation failed: the integer codes of `VeOutcome.reason` ('' = success). A
 * relocation's migration refusals are the hypervisor's reasons; any other maps to 'migration-failed'.
 */
export const VE_REASONS = [
  '',
  /** The owner holds no configured record of the VE. */
  'unknown-ve',
  /** Chord refused the lookup: this node is not in a ring yet, or its service lookups are all busy. */
  'not-in-ring',
  /** Every lookup attempt failed. */
  'lookup-failed',
  /** Too many operations in flight at the issuer or the owner, or another command on the VE is running. */
  'busy',
  /** The owner's store is full of records. */
  'full',
  /** No answer from the owner within the operation's time. */
  'timeout',
  /** A member's host is unknown to the owner (never reported, or forgotten after entryTtlMs). */
  'host-unknown',
  /** A member's host did not acknowledge within hostAnswerTimeoutMs (crashed, or the message was lost). */
  'host-silent',
  /** The hypervisor refused the command (the VM is not there, or in a state that does not allow it). */
  'refused',
  /** The host runs no hypervisor. */
  'no-hypervisor',
  /** Relocation of a VM that is not a member of the VE. */
  'not-member',
  /** The relocation would break one of the VE's constraints (gather, spread, fence). */
  'constraint',
  /** A relocation's target did not say where it is within hostAnswerTimeoutMs. */
  'target-silent',
  /** Registry 'store': the replicated store did not answer the owner's read or write of the record at its quorum. */
  'store-failed',
  'unknown-vm',
  'not-here',
  'not-running',
  'bad-target',
  'target-down',
  'no-room',
  'no-path',
  'queue-full',
  'migration-failed',
] as const;
export type VeReason = (typeof VE_REASONS)[number];

/** The code of a reason string; one this list does not name is 'migration-failed' (only migrations say other things). */
export function veReasonCode(reason: string): number {
  const code = (VE_REASONS as readonly string[]).indexOf(reason);
  return code >= 0 ? code : VE_REASONS.indexOf('migration-failed');
}

export function veReason(reason: string): VeReason {
  return VE_REASONS[veReasonCode(reason)];
}

export interface VeOutcome {
  /** The issuing node. */
  readonly node: NodeId;
  readonly kind: number;
  readonly ve: number;
  /** The relocated VM, -1 for other kinds. */
  readonly vm: number;
  /** The relocation's target node, -1 for other kinds. */
  readonly target: NodeId;
  /** The owner the lookup found, -1 without one. */
  readonly owner: NodeId;
  readonly startMs: number;
  readonly endMs: number;
  readonly ok: boolean;
  /**
   * Members acted on: commanded (start/suspend/resume/stop: 0 when a host was unknown, as the
   * command is then sent to none), registered (configure), listed (find), 1 (relocate).
   */
  readonly members: number;
  /** Members that failed: refused, silent or of unknown host; for a find, those of unknown host. */
  readonly failed: number;
  /** Index in VE_REASONS (0 on success). */
  readonly reason: number;
}

/** VE and VM ids are below 2^31 (`veKey`); times are doubles. */
const VE_COLUMNS: Columns<VeOutcome> = {
  node: 'i32',
  kind: 'i32',
  ve: 'i32',
  vm: 'i32',
  target: 'i32',
  owner: 'i32',
  startMs: 'f64',
  endMs: 'f64',
  ok: 'bool',
  members: 'i32',
  failed: 'i32',
  reason: 'i32',
};

export class VeLog extends OutcomeLog<VeOutcome> {
  constructor(capacityMax: number) {
    super(capacityMax, VE_COLUMNS);
  }
}

/**
 * The VM index's wire messages: readonly plain data. A VM id travels as 16 bytes (a UUID, as
 * cloud platforms name VMs), node ids, versions and request ids as 4 bytes, times as 8.
 */
import type { NodeId } from '../../runtime/context.js';

/** From the hosting node to the owner of the VM's key: `vm` runs on `host` (the sender), as of `version`. */
export interface VmIndexPut {
  readonly type: 'vmindex.put';
  readonly vm: number;
  readonly host: NodeId;
  /** The VM's migration count: a put never overwrites an entry of a higher version. */
  readonly version: number;
}

/** From a locating node to the owner of the VM's key: where is `vm`? */
export interface VmIndexGet {
  readonly type: 'vmindex.get';
  readonly locateId: number;
  readonly vm: number;
}

export interface VmIndexAnswer {
  readonly type: 'vmindex.answer';
  readonly locateId: number;
  readonly vm: number;
  /** The host the owner knows, or -1: unknown to it. */
  readonly host: NodeId;
  /** The entry's version, -1 when unknown. */
  readonly version: number;
  /** When the owner answered, by its clock (one clock in simulation: the time the answer is judged at). */
  readonly answeredAtMs: number;
}

export type VmIndexMessage = VmIndexPut | VmIndexGet | VmIndexAnswer;

const HEADER_BYTES = 32;
const VM_ID_BYTES = 16;
const WORD_BYTES = 4;
const TIME_BYTES = 8;

export const PUT_BYTES = HEADER_BYTES + VM_ID_BYTES + 2 * WORD_BYTES;
export const GET_BYTES = HEADER_BYTES + VM_ID_BYTES + WORD_BYTES;
export const ANSWER_BYTES = HEADER_BYTES + VM_ID_BYTES + 3 * WORD_BYTES + TIME_BYTES;

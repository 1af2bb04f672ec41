/**
 * The store's wire messages: readonly plain data. A key travels as 16 bytes (an application
 * key), a version as 12 (timestamp and writer), request ids and node ids as 4, a value as the
 * config's `valueBytes` (it travels as a number: its modelled size is apart), or for a client's
 * payload (`data`, empty for the workload's registers) 8 bytes per word.
 */
import type { NodeId } from '../../runtime/context.js';
import type { KeyedValue } from './replica-table.js';

/** Coordinator -> replica (or a hint holder, `hint` naming the home replica it stands in for; -1: none). */
export interface StoreWrite {
  readonly type: 'store.write';
  /** The coordinator's request id; 0 for a read repair (no one waits for its ack). */
  readonly req: number;
  readonly key: number;
  readonly ts: number;
  readonly writer: NodeId;
  readonly value: number;
  readonly data: readonly number[];
  readonly hint: NodeId;
}

export interface StoreWriteAck {
  readonly type: 'store.write-ack';
  readonly req: number;
  readonly key: number;
}

export interface StoreRead {
  readonly type: 'store.read';
  readonly req: number;
  readonly key: number;
}

/** The replica's version of the key (ts -1: it has none). */
export interface StoreReadReply {
  readonly type: 'store.read-reply';
  readonly req: number;
  readonly key: number;
  readonly ts: number;
  readonly writer: NodeId;
  readonly value: number;
  readonly data: readonly number[];
}

/** Hint holder -> home replica: the writes it missed. */
export interface StoreHandoff {
  readonly type: 'store.handoff';
  readonly entries: readonly KeyedValue[];
}

/** Home replica -> hint holder: the hints it now holds (or holds newer), to forget. */
export interface StoreHandoffAck {
  readonly type: 'store.handoff-ack';
  readonly entries: readonly KeyedValue[];
}

/** Anti-entropy: one hash per bucket of the key range (lo, hi]. */
export interface StoreDigest {
  readonly type: 'store.digest';
  readonly lo: number;
  readonly hi: number;
  readonly hashes: readonly number[];
}

/** Anti-entropy: the sender's entries in the buckets where the digests differ; `reply` asks for the receiver's. */
export interface StoreSync {
  readonly type: 'store.sync';
  readonly lo: number;
  readonly hi: number;
  readonly buckets: readonly number[];
  readonly entries: readonly KeyedValue[];
  readonly reply: boolean;
}

export type StoreMessage = StoreWrite | StoreWriteAck | StoreRead | StoreReadReply | StoreHandoff | StoreHandoffAck | StoreDigest | StoreSync;

const HEADER_BYTES = 32;
const KEY_BYTES = 16;
const VERSION_BYTES = 12;
const WORD_BYTES = 4;
const DATA_WORD_BYTES = 8;

/** A value's modelled size: `valueBytes` for the workload's registers (no payload), 8 bytes per word of a payload. */
export function valueSize(valueBytes: number, dataWords: number): number {
  return dataWords === 0 ? valueBytes : DATA_WORD_BYTES * dataWords;
}

export function writeBytes(valueBytes: number, dataWords: number): number {
  return HEADER_BYTES + 3 * WORD_BYTES + KEY_BYTES + VERSION_BYTES + valueSize(valueBytes, dataWords);
}
export const WRITE_ACK_BYTES = HEADER_BYTES + WORD_BYTES + KEY_BYTES;
export const READ_BYTES = HEADER_BYTES + WORD_BYTES + KEY_BYTES;
export function readReplyBytes(valueBytes: number, dataWords: number): number {
  return HEADER_BYTES + WORD_BYTES + KEY_BYTES + VERSION_BYTES + valueSize(valueBytes, dataWords);
}
export function entriesBytes(entries: readonly KeyedValue[], valueBytes: number): number {
  let bytes = HEADER_BYTES;
  for (const e of entries) bytes += KEY_BYTES + VERSION_BYTES + valueSize(valueBytes, e.data.length);
  return bytes;
}
export function versionsBytes(count: number): number {
  return HEADER_BYTES + count * (KEY_BYTES + VERSION_BYTES);
}
export function digestBytes(buckets: number): number {
  return HEADER_BYTES + 2 * WORD_BYTES + buckets * WORD_BYTES;
}

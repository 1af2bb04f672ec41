/**
 * The wire format of the live runtime: one message = one UDP datagram,
 *
 *   header (21 bytes, big-endian) | body (JSON, UTF-8) | MAC (32 bytes)
 *   header = version u8 (1) | from u32 | to u32 | epochMs u48 | counter u48
 *   body   = {"p": protocolName, "m": message}
 *   MAC    = HMAC-SHA256(cluster key, header | body)
 *
 * The MAC covers the sender, the destination and the (epoch, counter) pair, so a datagram can
 * be neither forged, nor re-sent to another node, nor replayed unseen (`replay-window.ts`).
 * `epochMs` is the sender's start time on the wall clock and `counter` counts its datagrams to
 * this destination from 0: a restarted sender has a later epoch, not a replayed counter.
 * Without a key (`--insecure`) the MAC is 32 zero bytes and nobody checks it.
 *
 * Messages are plain data, with one exception the codec handles so protocols need not care: a
 * Float64Array (Vivaldi's coordinates) is sent as `{"$f64": [numbers]}` and revived as one.
 */
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { Message, NodeId } from '../context.js';

/** The largest UDP payload over IPv4: 65535 - 8 (UDP header) - 20 (IP header). */
export const DATAGRAM_BYTES_MAX = 65_507;
export const WIRE_VERSION = 1;
export const HEADER_BYTES = 21;
export const MAC_BYTES = 32;
/** Bytes a datagram carries besides its JSON body. */
export const WIRE_OVERHEAD_BYTES = HEADER_BYTES + MAC_BYTES;
/** Epochs and counters are 48-bit on the wire (a safe integer, and ms since 1970 fit until year 10889). */
export const U48_MAX = 2 ** 48 - 1;

export interface WireHeader {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly epochMs: number;
  readonly counter: number;
}

export interface Opened extends WireHeader {
  readonly body: Buffer;
}

export interface Envelope {
  readonly protocolName: string;
  readonly message: Message;
}

/** Why an incoming datagram was dropped at the framing or the body; each reason has its own counter. */
export type FrameFailure = 'malformed' | 'misdirected' | 'bad-mac';
export type DecodeFailure = 'not-json' | 'bad-envelope';

const F64_TAG = '$f64';
const NO_MAC = Buffer.alloc(MAC_BYTES);

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Float64Array) return { [F64_TAG]: Array.from(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const tagged = (value as Record<string, unknown>)[F64_TAG];
    if (Array.isArray(tagged) && Object.keys(value).length === 1 && tagged.every((x) => typeof x === 'number')) {
      return Float64Array.from(tagged as number[]);
    }
  }
  return value;
}

function mac(key: KeyObject, signed: Buffer): Buffer {
  return createHmac('sha256', key).update(signed).digest();
}

/** One datagram: header, the JSON body of `{p, m}`, and the MAC (zeros when `key` is null). */
export function encodeDatagram(header: WireHeader, protocolName: string, message: Message, key: KeyObject | null): Buffer {
  const body = JSON.stringify({ p: protocolName, m: message }, replacer);
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  const datagram = Buffer.allocUnsafe(HEADER_BYTES + bodyBytes + MAC_BYTES);
  datagram.writeUInt8(WIRE_VERSION, 0);
  datagram.writeUInt32BE(header.from, 1);
  datagram.writeUInt32BE(header.to, 5);
  datagram.writeUIntBE(header.epochMs, 9, 6);
  datagram.writeUIntBE(header.counter, 15, 6);
  datagram.write(body, HEADER_BYTES, 'utf8');
  const signed = datagram.subarray(0, HEADER_BYTES + bodyBytes);
  (key === null ? NO_MAC : mac(key, signed)).copy(datagram, HEADER_BYTES + bodyBytes);
  return datagram;
}

/**
 * Check the framing and the MAC (unless `key` is null): the sender must be a peer, the
 * destination `self` (a node may send to itself, through its socket, like to any peer). Says nothing yet of replays: that is the window's business,
 * once the MAC vouches for the header.
 */
export function openDatagram(datagram: Buffer, key: KeyObject | null, self: NodeId, peerCount: number): Opened | FrameFailure {
  if (datagram.length < WIRE_OVERHEAD_BYTES + 2 || datagram.readUInt8(0) !== WIRE_VERSION) return 'malformed';
  const from = datagram.readUInt32BE(1);
  const to = datagram.readUInt32BE(5);
  if (from >= peerCount) return 'malformed';
  const macAt = datagram.length - MAC_BYTES;
  // The MAC first: an unauthenticated datagram tells nothing, not even where it was meant to go.
  if (key !== null && !timingSafeEqual(mac(key, datagram.subarray(0, macAt)), datagram.subarray(macAt))) return 'bad-mac';
  if (to !== self) return 'misdirected';
  return { from, to, epochMs: datagram.readUIntBE(9, 6), counter: datagram.readUIntBE(15, 6), body: datagram.subarray(HEADER_BYTES, macAt) };
}

/** Parse the body and check the envelope's shape; the message's fields are its protocol's schema's business. */
export function decodeBody(body: Buffer): Envelope | DecodeFailure {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'), reviver);
  } catch {
    return 'not-json';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'bad-envelope';
  const { p, m } = parsed as Record<string, unknown>;
  if (typeof p !== 'string' || p.length === 0) return 'bad-envelope';
  if (typeof m !== 'object' || m === null || Array.isArray(m) || typeof (m as Record<string, unknown>).type !== 'string') return 'bad-envelope';
  return { protocolName: p, message: m as Message };
}

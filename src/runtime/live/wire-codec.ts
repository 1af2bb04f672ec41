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
 * A body too large for one datagram is sent as 2..FRAGMENTS_MAX fragments, each a datagram of
 * its own with the same header but version 2 (its own counter, so the replay window guards each)
 * and a fragment header under the MAC:
 *
 *   header (version 2) | messageId u32 | index u16 | count u16 | bodyBytes u32 | chunk | MAC
 *
 * The receiver joins the chunks (`reassembly.ts`) and decodes the whole body as one datagram's.
 *
 * Messages are plain data, with one exception the codec handles so protocols need not care: a
 * Float64Array (Vivaldi's coordinates) is sent as `{"$f64": [numbers]}` and revived as one.
 */
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { Message, NodeId } from '../context.js';

/** The largest UDP payload over IPv4: 65535 - 8 (UDP header) - 20 (IP header). */
export const DATAGRAM_BYTES_MAX = 65_507;
export const WIRE_VERSION = 1;
/** The version byte of a fragment of a message larger than one datagram. */
export const WIRE_VERSION_FRAGMENT = 2;
export const HEADER_BYTES = 21;
export const MAC_BYTES = 32;
/** Bytes a datagram carries besides its JSON body. */
export const WIRE_OVERHEAD_BYTES = HEADER_BYTES + MAC_BYTES;
/** messageId u32 | index u16 | count u16 | bodyBytes u32, after the header. */
export const FRAGMENT_HEADER_BYTES = 12;
/** Bytes a fragment carries besides its chunk of the body. */
export const FRAGMENT_OVERHEAD_BYTES = HEADER_BYTES + FRAGMENT_HEADER_BYTES + MAC_BYTES;
/** Fragments of one message at most: with 65,507-byte datagrams, a body of 4,188,288 bytes. */
export const FRAGMENTS_MAX = 64;
/** The largest body a receiver takes in fragments (FRAGMENTS_MAX full datagrams' chunks). */
export const FRAGMENTED_BODY_BYTES_MAX = FRAGMENTS_MAX * (DATAGRAM_BYTES_MAX - FRAGMENT_OVERHEAD_BYTES);
/** Epochs and counters are 48-bit on the wire (a safe integer, and ms since 1970 fit until year 10889). */
export const U48_MAX = 2 ** 48 - 1;

export interface WireHeader {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly epochMs: number;
  readonly counter: number;
}

export interface FragmentHeader {
  /** Per sender (all destinations), from 0, wrapping at 2^32. */
  readonly messageId: number;
  readonly index: number;
  readonly count: number;
  /** The whole body's length, the same in every fragment. */
  readonly bodyBytes: number;
}

export interface Opened extends WireHeader {
  /** The whole body, or a fragment's chunk of it. */
  readonly body: Buffer;
  /** Present on a fragment (version 2) only. */
  readonly fragment?: FragmentHeader;
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
  return frameDatagram(header, encodeBody(protocolName, message), key);
}

/** The JSON body `{p, m}` of a message, UTF-8. */
export function encodeBody(protocolName: string, message: Message): Buffer {
  return Buffer.from(JSON.stringify({ p: protocolName, m: message }, replacer), 'utf8');
}

function writeHeader(datagram: Buffer, version: number, header: WireHeader): void {
  datagram.writeUInt8(version, 0);
  datagram.writeUInt32BE(header.from, 1);
  datagram.writeUInt32BE(header.to, 5);
  datagram.writeUIntBE(header.epochMs, 9, 6);
  datagram.writeUIntBE(header.counter, 15, 6);
}

function seal(datagram: Buffer, key: KeyObject | null): Buffer {
  const macAt = datagram.length - MAC_BYTES;
  (key === null ? NO_MAC : mac(key, datagram.subarray(0, macAt))).copy(datagram, macAt);
  return datagram;
}

/** A whole body in one datagram (version 1). */
export function frameDatagram(header: WireHeader, body: Buffer, key: KeyObject | null): Buffer {
  const datagram = Buffer.allocUnsafe(HEADER_BYTES + body.length + MAC_BYTES);
  writeHeader(datagram, WIRE_VERSION, header);
  body.copy(datagram, HEADER_BYTES);
  return seal(datagram, key);
}

/** One fragment (version 2): `chunk` is body[index x chunkBytes ..]. */
export function frameFragment(header: WireHeader, fragment: FragmentHeader, chunk: Buffer, key: KeyObject | null): Buffer {
  const datagram = Buffer.allocUnsafe(HEADER_BYTES + FRAGMENT_HEADER_BYTES + chunk.length + MAC_BYTES);
  writeHeader(datagram, WIRE_VERSION_FRAGMENT, header);
  datagram.writeUInt32BE(fragment.messageId, HEADER_BYTES);
  datagram.writeUInt16BE(fragment.index, HEADER_BYTES + 4);
  datagram.writeUInt16BE(fragment.count, HEADER_BYTES + 6);
  datagram.writeUInt32BE(fragment.bodyBytes, HEADER_BYTES + 8);
  chunk.copy(datagram, HEADER_BYTES + FRAGMENT_HEADER_BYTES);
  return seal(datagram, key);
}

/** How many fragments a body needs with datagrams of at most `datagramBytesMax` bytes (1: it fits in one). */
export function fragmentCount(bodyBytes: number, datagramBytesMax: number): number {
  if (WIRE_OVERHEAD_BYTES + bodyBytes <= datagramBytesMax) return 1;
  return Math.ceil(bodyBytes / (datagramBytesMax - FRAGMENT_OVERHEAD_BYTES));
}

/**
 * A body as the datagrams that carry it: one version-1 datagram if it fits, else fragments
 * numbered from `header.counter` on (the caller advances its counter by the length returned).
 * A body needing more than FRAGMENTS_MAX fragments is the caller's to refuse (`fragmentCount`).
 */
export function frameBody(header: WireHeader, body: Buffer, messageId: number, datagramBytesMax: number, key: KeyObject | null): Buffer[] {
  const count = fragmentCount(body.length, datagramBytesMax);
  if (count === 1) return [frameDatagram(header, body, key)];
  if (count > FRAGMENTS_MAX) throw new RangeError(`a body of ${body.length} bytes needs ${count} fragments, more than ${FRAGMENTS_MAX}`);
  const chunkBytes = datagramBytesMax - FRAGMENT_OVERHEAD_BYTES;
  const datagrams: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    const chunk = body.subarray(index * chunkBytes, (index + 1) * chunkBytes);
    datagrams.push(frameFragment({ ...header, counter: header.counter + index }, { messageId, index, count, bodyBytes: body.length }, chunk, key));
  }
  return datagrams;
}

/**
 * Check the framing and the MAC (unless `key` is null): the sender must be a peer, the
 * destination `self` (a node may send to itself, through its socket, like to any peer). Says nothing yet of replays: that is the window's business,
 * once the MAC vouches for the header.
 */
export function openDatagram(datagram: Buffer, key: KeyObject | null, self: NodeId, peerCount: number): Opened | FrameFailure {
  if (datagram.length < WIRE_OVERHEAD_BYTES + 2) return 'malformed';
  const version = datagram.readUInt8(0);
  if (version === WIRE_VERSION_FRAGMENT) return openFragment(datagram, key, self, peerCount);
  if (version !== WIRE_VERSION) return 'malformed';
  const frame = checkFrame(datagram, key, self, peerCount);
  if (typeof frame === 'string') return frame;
  const { from, to, macAt } = frame;
  return { from, to, epochMs: datagram.readUIntBE(9, 6), counter: datagram.readUIntBE(15, 6), body: datagram.subarray(HEADER_BYTES, macAt) };
}

/** The framing every datagram shares (whole or fragment): a known sender, a good MAC, then this node as the addressee. */
function checkFrame(datagram: Buffer, key: KeyObject | null, self: NodeId, peerCount: number): { from: NodeId; to: NodeId; macAt: number } | FrameFailure {
  const from = datagram.readUInt32BE(1);
  const to = datagram.readUInt32BE(5);
  if (from >= peerCount) return 'malformed';
  const macAt = datagram.length - MAC_BYTES;
  // The MAC first: an unauthenticated datagram tells nothing, not even where it was meant to go.
  if (key !== null && !timingSafeEqual(mac(key, datagram.subarray(0, macAt)), datagram.subarray(macAt))) return 'bad-mac';
  if (to !== self) return 'misdirected';
  return { from, to, macAt };
}

/**
 * A fragment: framing and MAC as a datagram's, then the fragment header must be one a sender
 * writes (2 <= count <= FRAGMENTS_MAX, index < count, a non-empty chunk, a body of at most
 * FRAGMENTED_BODY_BYTES_MAX that needs more than one datagram); the reassembler checks that the
 * fragments of one message agree.
 */
function openFragment(datagram: Buffer, key: KeyObject | null, self: NodeId, peerCount: number): Opened | FrameFailure {
  if (datagram.length < FRAGMENT_OVERHEAD_BYTES + 1) return 'malformed';
  const frame = checkFrame(datagram, key, self, peerCount);
  if (typeof frame === 'string') return frame;
  const { from, to, macAt } = frame;
  const fragment: FragmentHeader = {
    messageId: datagram.readUInt32BE(HEADER_BYTES),
    index: datagram.readUInt16BE(HEADER_BYTES + 4),
    count: datagram.readUInt16BE(HEADER_BYTES + 6),
    bodyBytes: datagram.readUInt32BE(HEADER_BYTES + 8),
  };
  const chunk = datagram.subarray(HEADER_BYTES + FRAGMENT_HEADER_BYTES, macAt);
  const { index, count, bodyBytes } = fragment;
  if (count < 2 || count > FRAGMENTS_MAX || index >= count) return 'malformed';
  if (bodyBytes > FRAGMENTED_BODY_BYTES_MAX || bodyBytes < count || chunk.length > bodyBytes) return 'malformed';
  return { from, to, epochMs: datagram.readUIntBE(9, 6), counter: datagram.readUIntBE(15, 6), body: chunk, fragment };
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

/**
 * The wire format of the live runtime: one message = one UDP datagram holding the JSON envelope
 * `{"p": protocolName, "f": fromId, "m": message}`. Messages are plain data, with one exception
 * the codec handles so protocols need not care: a Float64Array (Vivaldi's coordinates) is sent as
 * `{"$f64": [numbers]}` and revived as a Float64Array, since JSON would turn it into an object.
 */
import type { Message, NodeId } from '../context.js';

/** The largest UDP payload over IPv4: 65535 - 8 (UDP header) - 20 (IP header). */
export const DATAGRAM_BYTES_MAX = 65_507;

export interface Envelope {
  readonly protocolName: string;
  readonly from: NodeId;
  readonly message: Message;
}

/** Why an incoming datagram was dropped; each reason has its own counter. */
export type DecodeFailure = 'not-json' | 'bad-envelope' | 'bad-message';

const F64_TAG = '$f64';

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

export function encodeEnvelope(protocolName: string, from: NodeId, message: Message): Buffer {
  return Buffer.from(JSON.stringify({ p: protocolName, f: from, m: message }, replacer), 'utf8');
}

/**
 * Decode and check the envelope's shape. The sender id is checked against the peer count; the
 * message's fields are the protocol's business, only its `type` discriminant is required here.
 */
export function decodeEnvelope(datagram: Buffer, peerCount: number): Envelope | DecodeFailure {
  let parsed: unknown;
  try {
    parsed = JSON.parse(datagram.toString('utf8'), reviver);
  } catch {
    return 'not-json';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'bad-envelope';
  const { p, f, m } = parsed as Record<string, unknown>;
  if (typeof p !== 'string' || p.length === 0) return 'bad-envelope';
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f >= peerCount) return 'bad-envelope';
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'bad-message';
  if (typeof (m as Record<string, unknown>).type !== 'string') return 'bad-message';
  return { protocolName: p, from: f, message: m as Message };
}

/**
 * The wire schemas of the actor layer: the failure detector's heartbeats and the replica keeper's
 * copies (the other actors send nothing). Zod directly: actors see only the node context.
 */
import { z } from 'zod';
import { messageValidator, type MessageValidator } from '../runtime/context.js';

/** A clock reading (ms), as the protocols' schemas bound it. */
const timeMs = z.number().min(0).max(1e12);
const fdPing = z.strictObject({ type: z.literal('fd.ping'), sentAtMs: timeMs });
const fdAck = z.strictObject({ type: z.literal('fd.ack'), sentAtMs: timeMs });

export function failureDetectorMessageSchema(): MessageValidator {
  return messageValidator({ 'fd.ping': (m) => fdPing.safeParse(m).success, 'fd.ack': (m) => fdAck.safeParse(m).success });
}

const replicaCopy = z.strictObject({ type: z.literal('replica.copy') });
const replicaDrop = z.strictObject({ type: z.literal('replica.drop') });

export function replicaKeeperMessageSchema(): MessageValidator {
  return messageValidator({ 'replica.copy': (m) => replicaCopy.safeParse(m).success, 'replica.drop': (m) => replicaDrop.safeParse(m).success });
}

/** Protocols of the actor layer that send nothing (the `actors` node, sampled overlays, the neighbour watch): every message is unknown. */
export function silentMessageSchema(): MessageValidator {
  return messageValidator({});
}

/** The store's wire schema: keys below `keyCount`, writers and hints in the peer set, bounded lists. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, list, message, nodeId, nodeIdOrNone, validatorOf } from '../wire-schema.js';
import type { StoreConfig } from './store-config.js';

export function storeMessageSchema(peerCount: number, config: StoreConfig): MessageValidator {
  const key = z.number().int().min(0).max(config.keyCount - 1);
  const ts = z.union([z.literal(-1), counter]);
  const writer = nodeIdOrNone(peerCount);
  const value = z.number().int().min(0).max(2 ** 31 - 1);
  const position = z.number().int().min(0).max(2 ** 32 - 1);
  const entry = z.strictObject({ key, ts: counter, writer: nodeId(peerCount), value });
  const entries = list(entry, config.syncEntriesMax);
  return validatorOf([
    message('store.write', { req: counter, key, ts: counter, writer: nodeId(peerCount), value, hint: nodeIdOrNone(peerCount) }),
    message('store.write-ack', { req: counter, key }),
    message('store.read', { req: counter, key }),
    message('store.read-reply', { req: counter, key, ts, writer, value: z.union([z.literal(-1), value]) }),
    message('store.handoff', { entries }),
    message('store.handoff-ack', { entries }),
    message('store.digest', { lo: position, hi: position, hashes: list(z.number().int().min(0).max(2 ** 32 - 1), config.digestBuckets) }),
    message('store.sync', { lo: position, hi: position, buckets: list(z.number().int().min(0).max(config.digestBuckets - 1), config.digestBuckets), entries, reply: z.boolean() }),
  ]);
}

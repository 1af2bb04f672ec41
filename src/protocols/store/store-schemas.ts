/**
 * The store's wire schema: the workload's keys below `keyCount` and the other spaces' keys
 * (`stateKey`), writers and hints in the peer set, payloads of at most `dataWordsMax` finite
 * numbers, bounded lists.
 */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, finite, list, message, nodeId, nodeIdOrNone, validatorOf } from '../wire-schema.js';
import { STATE_SPACE_SIZE } from '../state-store.js';
import { isStoreKey } from './store-ring.js';
import type { StoreConfig } from './store-config.js';

export function storeMessageSchema(peerCount: number, config: StoreConfig): MessageValidator {
  const key = z.number().int().refine((k) => k < config.keyCount || (k >= STATE_SPACE_SIZE && isStoreKey(k)));
  const data = list(finite, config.dataWordsMax);
  const ts = z.union([z.literal(-1), counter]);
  const writer = nodeIdOrNone(peerCount);
  const value = z.number().int().min(0).max(2 ** 31 - 1);
  const position = z.number().int().min(0).max(2 ** 32 - 1);
  const entry = z.strictObject({ key, ts: counter, writer: nodeId(peerCount), value, data });
  const entries = list(entry, config.syncEntriesMax);
  return validatorOf([
    message('store.write', { req: counter, key, ts: counter, writer: nodeId(peerCount), value, data, hint: nodeIdOrNone(peerCount) }),
    message('store.write-ack', { req: counter, key }),
    message('store.read', { req: counter, key }),
    message('store.read-reply', { req: counter, key, ts, writer, value: z.union([z.literal(-1), value]), data }),
    message('store.handoff', { entries }),
    message('store.handoff-ack', { entries }),
    message('store.digest', { lo: position, hi: position, hashes: list(z.number().int().min(0).max(2 ** 32 - 1), config.digestBuckets) }),
    message('store.sync', { lo: position, hi: position, buckets: list(z.number().int().min(0).max(config.digestBuckets - 1), config.digestBuckets), entries, reply: z.boolean() }),
  ]);
}

/** The VM index's wire schema: VM ids below `vmCount`, hosts in the peer set (-1: unknown). */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, message, nodeId, nodeIdOrNone, timeMs, validatorOf } from '../wire-schema.js';
import type { VmIndexConfig } from './vm-index-config.js';

export function vmIndexMessageSchema(peerCount: number, config: VmIndexConfig): MessageValidator {
  const vm = z.number().int().min(0).max(config.vmCount - 1);
  return validatorOf([
    message('vmindex.put', { vm, host: nodeId(peerCount), version: counter }),
    message('vmindex.get', { locateId: counter, vm }),
    message('vmindex.answer', { locateId: counter, vm, host: nodeIdOrNone(peerCount), version: z.union([z.literal(-1), counter]), answeredAtMs: timeMs }),
  ]);
}

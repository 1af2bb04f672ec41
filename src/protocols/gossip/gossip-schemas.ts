/** Gossip's wire schema: node ids in the peer set, at most `shuffleLength` entries a shuffle. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, list, message, nodeId, timeMs, validatorOf } from '../wire-schema.js';
import type { GossipConfig } from './gossip-config.js';

export function gossipMessageSchema(peerCount: number, config: GossipConfig): MessageValidator {
  const entries = list(z.strictObject({ peer: nodeId(peerCount), ageRounds: counter }), config.shuffleLength);
  return validatorOf([message('gossip.shuffle', { sentAtMs: timeMs, entries }), message('gossip.shuffle-reply', { sentAtMs: timeMs, entries })]);
}

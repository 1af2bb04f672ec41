/** CAN's wire schema: points and zones in the unit square, node ids in the peer set, bounded zone and neighbour lists. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, list, message, nodeId, nodeIdOrNone, validatorOf } from '../wire-schema.js';
import type { CanConfig } from './can-config.js';

export function canMessageSchema(peerCount: number, config: CanConfig): MessageValidator {
  const node = nodeId(peerCount);
  const unit = z.number().min(0).max(1);
  const zone = z.strictObject({ x0: unit, y0: unit, x1: unit, y1: unit });
  const zones = list(zone, config.zonesMax);
  const incarnation = z.number().int().min(0).max(2 ** 32);
  const neighbours = list(z.strictObject({ node, incarnation, version: counter, zones }), config.neighboursMax + 1);
  const hops = z.number().int().min(0).max(config.hopsMax + 1);
  return validatorOf([
    message('can.join', { joiner: node, incarnation, version: counter, x: unit, y: unit, hops }),
    message('can.join-nack', {}),
    message('can.invite', {}),
    message('can.join-accept', { zone, version: counter, neighbours }),
    message('can.update', { incarnation, version: counter, zones, neighbours: neighbours.nullable(), wantReply: z.boolean(), isReply: z.boolean() }),
    message('can.takeover', { dead: node, zone, claimant: node, area: unit, passedOn: z.boolean() }),
    message('can.holder-probe', { x: unit, y: unit, asker: node, hops }),
    message('can.lookup', { lookupId: counter, origin: node, x: unit, y: unit, hops }),
    message('can.lookup-reply', { lookupId: counter, owner: nodeIdOrNone(peerCount), hops }),
  ]);
}

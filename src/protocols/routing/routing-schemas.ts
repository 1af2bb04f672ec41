/** The routing protocol's wire schema: coordinates of Vivaldi's `dimensions`, paths and landing lists bounded by the config. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { COORD_MS_MAX, coordinateVec, counter, list, message, nodeId, validatorOf } from '../wire-schema.js';
import type { RoutingConfig } from './routing-config.js';

export function routingMessageSchema(peerCount: number, config: RoutingConfig, dimensions: number): MessageValidator {
  const node = nodeId(peerCount);
  const vec = coordinateVec(dimensions);
  const heightMs = z.number().min(0).max(COORD_MS_MAX);
  const routed = z.strictObject({ peer: node, vec, heightMs });
  const path = list(routed, config.hopsMax + 1);
  const landing = list(node, config.landingMax);
  return validatorOf([
    message('routing.request', { requestId: counter, target: routed, landing, path }),
    message('routing.done', { requestId: counter, delivered: z.boolean(), path }),
    message('routing.locate', { requestId: counter }),
    message('routing.located', { requestId: counter, vec, heightMs, landing }),
    message('routing.hello', { vec, heightMs }),
    message('routing.hello-reply', { vec, heightMs }),
  ]);
}

/** The spiral search's wire schema: coordinates of Vivaldi's `dimensions`, views and paths bounded by the config. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { COORD_MS_MAX, coordinateVec, counter, list, message, nodeId, timeMs, validatorOf } from '../wire-schema.js';
import type { SpiralConfig } from './spiral-config.js';

export function spiralMessageSchema(peerCount: number, config: SpiralConfig, dimensions: number): MessageValidator {
  const node = nodeId(peerCount);
  const vec = coordinateVec(dimensions);
  const heightMs = z.number().min(0).max(COORD_MS_MAX);
  const view = list(z.strictObject({ peer: node, vec, heightMs }), config.viewSize + config.farCount);
  const path = list(node, config.hopsMax + 1);
  return validatorOf([
    message('spiral.search', { initiator: node, searchId: counter, targetVec: vec, targetHeightMs: heightMs, view, path }),
    message('spiral.result', { searchId: counter, view, path }),
    message('spiral.probe', { searchId: counter, sentAtMs: timeMs }),
    message('spiral.probe-reply', { searchId: counter, sentAtMs: timeMs }),
  ]);
}

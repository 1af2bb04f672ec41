/**
 * Vivaldi's wire schema: coordinates of exactly `dimensions` components, every number finite and
 * within the model's bounds (a spoofed 1e308 would make a coordinate infinite, then NaN, for good).
 */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { COORD_MS_MAX, coordinateVec, message, rttMs, timeMs, validatorOf } from '../wire-schema.js';
import type { VivaldiConfig } from './vivaldi-config.js';

export function vivaldiMessageSchema(config: VivaldiConfig): MessageValidator {
  const vec = coordinateVec(config.dimensions);
  const heightMs = z.number().min(0).max(COORD_MS_MAX);
  const error = z.number().min(0).max(config.errorMax);
  return validatorOf([
    message('vivaldi.ping', { sentAtMs: timeMs, vec: vec.nullable(), heightMs, error, rttMs: z.union([z.literal(-1), rttMs]) }),
    message('vivaldi.pong', { sentAtMs: timeMs, vec, heightMs, error }),
  ]);
}

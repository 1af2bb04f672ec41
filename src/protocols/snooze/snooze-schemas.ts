/** Snooze's wire schema: node ids in the peer set (-1 where "none" is meant), host reports, migrations. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { migrateSchemas, reportFields } from '../scheduler-schemas.js';
import { counter, list, LIST_MAX, message, nodeId, nodeIdOrNone, validatorOf } from '../wire-schema.js';

export function snoozeMessageSchema(peerCount: number): MessageValidator {
  const nodeOrNone = nodeIdOrNone(peerCount);
  const term = counter;
  return validatorOf([
    message('snooze.join', { avoid: nodeOrNone }),
    message('snooze.assign', { gm: nodeOrNone, term }),
    message('snooze.redirect', { gl: nodeOrNone, term }),
    message('snooze.lc-beat', reportFields(peerCount, LIST_MAX)),
    message('snooze.gm-beat', { gl: nodeOrNone, term }),
    message('snooze.reject', { gl: nodeOrNone, term }),
    message('snooze.bye', {}),
    message('snooze.gm-summary', { lcCount: z.number().int().min(0).max(peerCount) }),
    message('snooze.gl-beat', { term, gms: list(nodeId(peerCount), peerCount) }),
    message('snooze.gl-is', { gl: nodeOrNone, term }),
    ...migrateSchemas('snooze', peerCount, LIST_MAX),
  ]);
}

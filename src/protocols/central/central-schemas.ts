/** The centralised baseline's wire schema: host reports (hosts in the peer set) and migrations. */
import type { MessageValidator } from '../../runtime/context.js';
import { migrateSchemas, reportFields } from '../scheduler-schemas.js';
import { LIST_MAX, message, validatorOf } from '../wire-schema.js';

export function centralMessageSchema(peerCount: number): MessageValidator {
  return validatorOf([message('central.report', reportFields(peerCount, LIST_MAX)), ...migrateSchemas('central', peerCount, LIST_MAX)]);
}

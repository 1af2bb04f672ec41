/** The VE protocol's wire schema: VE ids below `veCount`, member lists of at most `membersMax`, node ids in the peer set (-1: none). */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, integer, label, list, message, nodeIdOrNone, timeMs, validatorOf } from '../wire-schema.js';
import type { VeConfig } from './ve-config.js';
import { VE_STATES } from './ve-messages.js';

export function veMessageSchema(peerCount: number, config: VeConfig): MessageValidator {
  const ve = z.number().int().min(0).max(config.veCount - 1);
  const vm = counter;
  const vms = list(vm, config.membersMax);
  const nodeOrNone = nodeIdOrNone(peerCount);
  const record = z.strictObject({ version: counter, state: z.enum(VE_STATES as [string, ...string[]]), members: vms });
  const kind = z.number().int().min(0).max(64);
  const country = label; // a country as the topology names it ('Switzerland' in Renater2010.graphml), as hostInfo carries it
  return validatorOf([
    message('ve.configure', { opId: counter, ve, members: vms }),
    message('ve.find', { opId: counter, ve }),
    message('ve.command', { opId: counter, ve, kind, vm: z.union([z.literal(-1), vm]), to: nodeOrNone }),
    message('ve.result', { opId: counter, ve, ok: z.boolean(), reason: label, record: record.nullable(), hosts: list(nodeOrNone, config.membersMax), acted: counter, failed: counter }),
    message('ve.apply', { coordId: counter, ve, kind, vms }),
    message('ve.migrate', { coordId: counter, ve, vm, to: nodeOrNone }),
    message('ve.probe', { coordId: counter, ve }),
    message('ve.probed', { coordId: counter, site: integer, country, members: vms }),
    message('ve.applied', { coordId: counter, vms, reasons: list(label, config.membersMax), observedAtMs: timeMs }),
    message('ve.report', { ve, vms, observedAtMs: timeMs, site: integer, country, record: record.nullable() }),
    message('ve.record', { ve, record }),
  ]);
}

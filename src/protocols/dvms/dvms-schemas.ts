/** DVMS's wire schema: partitions of at most `partitionSizeMax` members, node ids in the peer set, finite times. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, hostInfo, label, list, message, nodeId, timeMs, validatorOf, vmInfo } from '../wire-schema.js';
import type { DvmsConfig } from './dvms-config.js';

export function dvmsMessageSchema(peerCount: number, config: DvmsConfig): MessageValidator {
  const node = nodeId(peerCount);
  const version = z.strictObject({ initiator: node, seq: counter, epoch: counter, leader: node });
  const member = z.strictObject({ host: hostInfo(peerCount), vms: list(vmInfo, config.vmsPerHostMax), atMs: timeMs });
  const isp = z.strictObject({
    version,
    state: z.enum(['growing', 'blocked']),
    members: list(member, config.partitionSizeMax),
    startedAtMs: timeMs,
    plans: counter,
    planningMs: timeMs,
    hops: counter,
  });
  return validatorOf([
    message('dvms.isp', { forwardId: counter, isp }),
    message('dvms.isp-ack', { forwardId: counter }),
    message('dvms.isp-returned', { isp }),
    message('dvms.leader', { version, state: z.enum(['growing', 'blocked', 'finishing']), absorbed: version.nullable() }),
    message('dvms.leader-ack', { version }),
    message('dvms.not-member', { version, superseded: z.boolean() }),
    message('dvms.release', { version }),
    message('dvms.merge-offer', { isp }),
    message('dvms.merge-ask', { askId: counter, version }),
    message('dvms.merge-reply', { askId: counter, ok: z.boolean() }),
    message('dvms.pull', { pullId: counter, version }),
    message('dvms.pull-reply', { pullId: counter, version, member: member.nullable() }),
    message('dvms.migrate', { moves: list(z.strictObject({ orderId: counter, vm: counter }), config.vmsPerHostMax).min(1), to: node }),
    message('dvms.migrated', { orderId: counter, vm: counter, ok: z.boolean(), reason: label }),
  ]);
}

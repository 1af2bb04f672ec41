/** Wire schemas the centralised and Snooze baselines share: the host report and the migrate/migrated pair. */
import { z } from 'zod';
import { counter, hostInfo, label, list, message, nodeId, vmInfo } from './wire-schema.js';

/** A host report's fields (sequence number, host, its VMs, at most `vmsMax`). */
export function reportFields(peerCount: number, vmsMax: number) {
  return { seq: counter, host: hostInfo(peerCount), vms: list(vmInfo, vmsMax) };
}

/** An order's VMs: one, or a gather's (at most `vmsMax`, a host's VMs). */
export function migrateSchemas<P extends string>(prefix: P, peerCount: number, vmsMax: number) {
  const to = nodeId(peerCount);
  return [
    message(`${prefix}.migrate`, { round: counter, vms: list(counter, vmsMax).min(1), to }),
    message(`${prefix}.migrated`, { round: counter, vm: counter, to, ok: z.boolean(), reason: label }),
  ] as const;
}

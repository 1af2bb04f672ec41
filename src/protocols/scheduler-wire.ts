/**
 * The wire model the centralised and Snooze baselines share, so that their monitoring and
 * migration traffic cost the same: a header plus fields, a VM id as 16 bytes (a UUID, as in the
 * VM index), node ids, counts, terms and round ids as 4 bytes, a host's description as 24 bytes
 * and a VM's as 32 (a report with 10 VMs is about 380 bytes). The migrate/migrated pair is the
 * same in both, its type carrying the protocol's prefix ('central.migrate', 'snooze.migrate').
 */
import type { NodeId } from '../runtime/context.js';

export const HEADER_BYTES = 32;
export const WORD_BYTES = 4;
const VM_ID_BYTES = 16;
const HOST_INFO_BYTES = 24;
const VM_INFO_BYTES = 32;
const REASON_BYTES = 16;

/** A host's monitoring data: sequence number, host, `vmCount` VMs. */
export function reportBytes(vmCount: number): number {
  return HEADER_BYTES + WORD_BYTES + HOST_INFO_BYTES + vmCount * VM_INFO_BYTES;
}

/** An order of `vmCount` VMs (a gather's, or one). */
export const migrateBytes = (vmCount: number): number => HEADER_BYTES + WORD_BYTES + vmCount * VM_ID_BYTES + WORD_BYTES;
export const MIGRATED_BYTES = HEADER_BYTES + WORD_BYTES + VM_ID_BYTES + WORD_BYTES + 1 + REASON_BYTES;

/** From the scheduler to a source host: migrate `vms` to `to` (one VM, or a gather's VMs together), for the scheduler's round `round`. */
export interface MigrateMessage<P extends string> {
  readonly type: `${P}.migrate`;
  readonly round: number;
  readonly vms: readonly number[];
  readonly to: NodeId;
}

/** From the source host back to the scheduler: how the ordered migration of one VM ended. */
export interface MigratedMessage<P extends string> {
  readonly type: `${P}.migrated`;
  readonly round: number;
  readonly vm: number;
  readonly to: NodeId;
  readonly ok: boolean;
  readonly reason: string;
}

export function migrateMessage<P extends string>(prefix: P, round: number, vms: readonly number[], to: NodeId): MigrateMessage<P> {
  return { type: `${prefix}.migrate`, round, vms, to };
}

export function migratedMessage<P extends string>(prefix: P, round: number, vm: number, to: NodeId, ok: boolean, reason: string): MigratedMessage<P> {
  return { type: `${prefix}.migrated`, round, vm, to, ok, reason };
}

/** A node id, count, sequence number or round id from the wire. */
export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * The centralised baseline's wire messages: readonly plain data. Sizes are modelled as a header
 * plus fields: a VM id travels as 16 bytes (a UUID, as in the VM index), node ids, counts and
 * round ids as 4 bytes; a host's description as 24 bytes and a VM's as 32, so a report costs
 * header + host + 32 bytes per VM (about 380 bytes for 10 VMs).
 */
import type { HostInfo, NodeId, VmInfo } from '../../runtime/context.js';

/** A host's monitoring data, sent to the manager every report period. */
export interface CentralReport {
  readonly type: 'central.report';
  /** Increases with every report of the sender: an older report never overwrites a newer one. */
  readonly seq: number;
  readonly host: HostInfo;
  readonly vms: readonly VmInfo[];
}

/** From the manager to a source host: migrate `vm` to `to`, for round `round`. */
export interface CentralMigrate {
  readonly type: 'central.migrate';
  readonly round: number;
  readonly vm: number;
  readonly to: NodeId;
}

/** From the source host back to the manager: how the ordered migration ended. */
export interface CentralMigrated {
  readonly type: 'central.migrated';
  readonly round: number;
  readonly vm: number;
  readonly to: NodeId;
  readonly ok: boolean;
  readonly reason: string;
}

export type CentralMessage = CentralReport | CentralMigrate | CentralMigrated;

const HEADER_BYTES = 32;
const WORD_BYTES = 4;
const VM_ID_BYTES = 16;
const HOST_INFO_BYTES = 24;
const VM_INFO_BYTES = 32;
const REASON_BYTES = 16;

export function reportBytes(vmCount: number): number {
  return HEADER_BYTES + WORD_BYTES + HOST_INFO_BYTES + vmCount * VM_INFO_BYTES;
}

export const MIGRATE_BYTES = HEADER_BYTES + WORD_BYTES + VM_ID_BYTES + WORD_BYTES;
export const MIGRATED_BYTES = HEADER_BYTES + WORD_BYTES + VM_ID_BYTES + WORD_BYTES + 1 + REASON_BYTES;

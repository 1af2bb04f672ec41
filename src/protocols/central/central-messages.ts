/**
 * The centralised baseline's wire messages: readonly plain data, sized as `scheduler-wire.ts`
 * models it (a report costs header + host + 32 bytes per VM, about 380 bytes for 10 VMs).
 */
import type { HostInfo, VmInfo } from '../../runtime/context.js';
import type { MigratedMessage, MigrateMessage } from '../scheduler-wire.js';

export { migrateBytes, MIGRATED_BYTES, reportBytes } from '../scheduler-wire.js';

/** A host's monitoring data, sent to the manager every report period. */
export interface CentralReport {
  readonly type: 'central.report';
  /** Increases with every report of the sender: an older report never overwrites a newer one. */
  readonly seq: number;
  readonly host: HostInfo;
  readonly vms: readonly VmInfo[];
}

/** From the manager to a source host: migrate `vms` (one, or a gather's together) to `to`, for round `round`. */
export type CentralMigrate = MigrateMessage<'central'>;

/** From the source host back to the manager: how the ordered migration ended. */
export type CentralMigrated = MigratedMessage<'central'>;

export type CentralMessage = CentralReport | CentralMigrate | CentralMigrated;

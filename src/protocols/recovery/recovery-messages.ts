/** The recovery agent's messages (`recovery-protocol.ts`). Plain data; sizes modelled apart. */
import type { VeId, VmId } from '../../runtime/context.js';

/** Origin -> store: the snapshot of `vm` it shipped has arrived (the catalogue entry). */
export interface RecEntry {
  readonly type: 'rec.entry';
  readonly vm: VmId;
  readonly stateMs: number;
  readonly bytes: number;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly ve: VeId;
  readonly demandMilli: number;
}

/** New host -> store, as its first ship of `vm` there starts: `vm` runs here now (watch this host; the file held stays valid). */
export interface RecClaim {
  readonly type: 'rec.claim';
  readonly vm: VmId;
}

/** Origin -> store: `vm` left the origin (migrated, or now stored elsewhere): forget its entry. */
export interface RecForget {
  readonly type: 'rec.forget';
  readonly vm: VmId;
}

/** Store -> every host: where are these VMs and the members of these VEs, and how full are you? */
export interface RecQuery {
  readonly type: 'rec.query';
  readonly round: number;
  readonly vms: readonly VmId[];
  readonly ves: readonly VeId[];
}

/** Host -> store: the asked VMs and VE members it runs or is receiving (`vms[k]` in VE `ves[k]`), its free memory and CPU demand. */
export interface RecState {
  readonly type: 'rec.state';
  readonly round: number;
  readonly freeMiB: number;
  readonly demandMilli: number;
  readonly vms: readonly VmId[];
  readonly ves: readonly VeId[];
}

/** Store -> target, before the fetch: hold room for the VM (memory and CPU) and answer whether it takes it. */
export interface RecReserve {
  readonly type: 'rec.reserve';
  readonly vm: VmId;
  readonly memoryMiB: number;
  readonly demandMilli: number;
  readonly ve: VeId;
}

/** Target -> store: the room is held ('' reason), or why not ('no-room', 'constraint'). */
export interface RecReserved {
  readonly type: 'rec.reserved';
  readonly vm: VmId;
  readonly ok: boolean;
  readonly reason: string;
}

/** Store -> target, once the file is there: restore the VM from it. */
export interface RecRestore {
  readonly type: 'rec.restore';
  readonly vm: VmId;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly ve: VeId;
}

/** Target -> store: how the restore went. */
export interface RecRestored {
  readonly type: 'rec.restored';
  readonly vm: VmId;
  readonly ok: boolean;
  readonly reason: string;
}

export type RecoveryMessage = RecEntry | RecClaim | RecForget | RecQuery | RecState | RecReserve | RecReserved | RecRestore | RecRestored;

/** Modelled sizes, bytes: a header, and 8 bytes per listed id. */
export const REC_HEADER_BYTES = 48;
export const REC_ID_BYTES = 8;

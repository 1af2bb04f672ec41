/**
 * Snooze's wire messages: readonly plain data, sized as `scheduler-wire.ts` models it for both
 * baselines (a header, 4 bytes per node id, count, term or sequence number; a heartbeat with
 * 10 VMs is about 380 bytes).
 */
import type { HostInfo, NodeId, VmInfo } from '../../runtime/context.js';
import { HEADER_BYTES, type MigratedMessage, type MigrateMessage, reportBytes, WORD_BYTES } from '../scheduler-wire.js';

export { migrateBytes, MIGRATED_BYTES } from '../scheduler-wire.js';

/** LC -> GL: assign me a GM; `avoid` is the GM it just lost or was refused by (-1: none). */
export interface SnoozeJoin {
  readonly type: 'snooze.join';
  readonly avoid: NodeId;
}

/** GL -> LC: join `gm` (-1: no GM is live now, ask again later). */
export interface SnoozeAssign {
  readonly type: 'snooze.assign';
  readonly gm: NodeId;
  readonly term: number;
}

/** Any node that is not the GL -> a node that took it for one: the GL is `gl` as far as it knows. */
export interface SnoozeRedirect {
  readonly type: 'snooze.redirect';
  readonly gl: NodeId;
  readonly term: number;
}

/** LC -> GM: heartbeat with the host's monitoring data; the first one joins the group. */
export interface SnoozeLcBeat {
  readonly type: 'snooze.lc-beat';
  readonly seq: number;
  readonly host: HostInfo;
  readonly vms: readonly VmInfo[];
}

/** GM -> each of its LCs: I am alive; the GL is `gl`. */
export interface SnoozeGmBeat {
  readonly type: 'snooze.gm-beat';
  readonly gl: NodeId;
  readonly term: number;
}

/** GM -> LC: you are not (or no longer) in my group: rejoin through `gl`. */
export interface SnoozeReject {
  readonly type: 'snooze.reject';
  readonly gl: NodeId;
  readonly term: number;
}

/** LC -> GM: I left your group (joined another). */
export interface SnoozeBye {
  readonly type: 'snooze.bye';
}

/** GM -> GL: heartbeat with the group's size. */
export interface SnoozeGmSummary {
  readonly type: 'snooze.gm-summary';
  readonly lcCount: number;
}

/** GL -> every GM: I lead, in `term`; the GMs I heard from lately are `gms` (the election candidates). */
export interface SnoozeGlBeat {
  readonly type: 'snooze.gl-beat';
  readonly term: number;
  readonly gms: readonly NodeId[];
}

/** GM -> a GL it does not follow: the GL is `gl`, in `term` (a better claim): step down. */
export interface SnoozeGlIs {
  readonly type: 'snooze.gl-is';
  readonly gl: NodeId;
  readonly term: number;
}

/** GM -> source LC: migrate `vms` (one, or a gather's together) to `to`, for the GM's round `round`. */
export type SnoozeMigrate = MigrateMessage<'snooze'>;

/** Source LC -> GM: how the ordered migration ended. */
export type SnoozeMigrated = MigratedMessage<'snooze'>;

export type SnoozeMessage =
  | SnoozeJoin
  | SnoozeAssign
  | SnoozeRedirect
  | SnoozeLcBeat
  | SnoozeGmBeat
  | SnoozeReject
  | SnoozeBye
  | SnoozeGmSummary
  | SnoozeGlBeat
  | SnoozeGlIs
  | SnoozeMigrate
  | SnoozeMigrated;

export const JOIN_BYTES = HEADER_BYTES + WORD_BYTES;
export const ASSIGN_BYTES = HEADER_BYTES + 2 * WORD_BYTES;
export const REDIRECT_BYTES = HEADER_BYTES + 2 * WORD_BYTES;
export const GM_BEAT_BYTES = HEADER_BYTES + 2 * WORD_BYTES;
export const REJECT_BYTES = HEADER_BYTES + 2 * WORD_BYTES;
export const BYE_BYTES = HEADER_BYTES;
export const GM_SUMMARY_BYTES = HEADER_BYTES + WORD_BYTES;
export const GL_IS_BYTES = HEADER_BYTES + 2 * WORD_BYTES;
/** An LC's heartbeat is a host report. */
export const lcBeatBytes = reportBytes;

export function glBeatBytes(gmCount: number): number {
  return HEADER_BYTES + WORD_BYTES + WORD_BYTES + gmCount * WORD_BYTES;
}

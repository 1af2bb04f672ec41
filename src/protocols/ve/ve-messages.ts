/**
 * The VE protocol's wire messages: readonly plain data. A VM or VE id travels as 16 bytes (a
 * UUID, as cloud platforms name them), node ids, counts, kinds, states and reasons as 4 bytes,
 * times and versions as 8.
 *
 * Roles: the issuer of an operation sends a request (configure, find, command) to the owner of
 * the VE's key and gets one result; for a command the owner sends `ve.apply` (or `ve.migrate`)
 * to each member's host, which answers `ve.applied`; hosts send `ve.report` to the owner and
 * learn the VE's record back (`ve.record`), which they replicate in their later reports. A
 * relocation of a member of a VE with constraints first asks the target where it is (`ve.probe`).
 */
import type { NodeId, VmId } from '../../runtime/context.js';

export type VeState = 'configured' | 'running' | 'suspended' | 'stopped';
export const VE_STATES: readonly VeState[] = ['configured', 'running', 'suspended', 'stopped'];

/** What an owner knows of a VE besides its members' hosts; the member hosts keep a copy. */
export interface VeRecordData {
  /** Raised by every configure and every successful state change (a hybrid logical clock: `nextVersion`). */
  readonly version: number;
  readonly state: VeState;
  /** Sorted, distinct. */
  readonly members: readonly VmId[];
}

/** Issuer -> owner: register `ve` with these members (replacing any previous membership). */
export interface VeConfigureRequest {
  readonly type: 've.configure';
  readonly opId: number;
  readonly ve: number;
  readonly members: readonly VmId[];
}

/** Issuer -> owner: the members and their hosts. */
export interface VeFindRequest {
  readonly type: 've.find';
  readonly opId: number;
  readonly ve: number;
}

/** Issuer -> owner: start, suspend, resume or stop every member, or relocate `vm` to `to`. */
export interface VeCommandRequest {
  readonly type: 've.command';
  readonly opId: number;
  readonly ve: number;
  /** VE_START .. VE_RELOCATE. */
  readonly kind: number;
  /** The relocated VM (-1 otherwise). */
  readonly vm: VmId;
  /** The relocation's target (-1 otherwise). */
  readonly to: NodeId;
}

/** Owner -> issuer: the outcome, with the record and hosts as the owner knows them after it. */
export interface VeResultMessage {
  readonly type: 've.result';
  readonly opId: number;
  readonly ve: number;
  readonly ok: boolean;
  /** '' on success, else one of VE_REASONS. */
  readonly reason: string;
  /** null when the owner holds no configured record. */
  readonly record: VeRecordData | null;
  /** The host of each member (-1: unknown), in the order of `record.members`. */
  readonly hosts: readonly NodeId[];
  readonly acted: number;
  readonly failed: number;
}

/** Owner -> a member's host: apply a command to these VMs. */
export interface VeApply {
  readonly type: 've.apply';
  readonly coordId: number;
  readonly ve: number;
  readonly kind: number;
  readonly vms: readonly VmId[];
}

/** Owner -> a member's host: live-migrate `vm` to `to`. */
export interface VeMigrate {
  readonly type: 've.migrate';
  readonly coordId: number;
  readonly ve: number;
  readonly vm: VmId;
  readonly to: NodeId;
}

/** Owner -> a relocation's target, when the VE has constraints: where are you, and which of VE `ve`'s VMs do you hold? */
export interface VeProbe {
  readonly type: 've.probe';
  readonly coordId: number;
  readonly ve: number;
}

/**
 * Target -> owner: its PoP and country (site -1 without a hypervisor), and the VMs of the VE it
 * hosts or has on their way to it (its hypervisor's word: the owner's record may not know yet of
 * a move that outlived its command).
 */
export interface VeProbed {
  readonly type: 've.probed';
  readonly coordId: number;
  readonly site: number;
  readonly country: string;
  readonly members: readonly VmId[];
}

/** Host -> owner: per VM, '' if done (or already so), else why not. */
export interface VeApplied {
  readonly type: 've.applied';
  readonly coordId: number;
  readonly vms: readonly VmId[];
  readonly reasons: readonly string[];
  /** When the host applied it (for a migration: when it ended). */
  readonly observedAtMs: number;
}

/** Host -> owner: these members of `ve` run here, as of `observedAtMs`; my copy of the record, if any. */
export interface VeReport {
  readonly type: 've.report';
  readonly ve: number;
  readonly vms: readonly VmId[];
  readonly observedAtMs: number;
  /** The reporting host's PoP and country (-1 and '' without a hypervisor), for VE constraints. */
  readonly site: number;
  readonly country: string;
  readonly record: VeRecordData | null;
}

/** Owner -> host: the VE's record, when the host's copy is missing or older. */
export interface VeRecordPush {
  readonly type: 've.record';
  readonly ve: number;
  readonly record: VeRecordData;
}

export type VeMessage = VeConfigureRequest | VeFindRequest | VeCommandRequest | VeResultMessage | VeApply | VeMigrate | VeProbe | VeProbed | VeApplied | VeReport | VeRecordPush;

const HEADER_BYTES = 32;
const ID_BYTES = 16;
const WORD_BYTES = 4;
const TIME_BYTES = 8;

const recordBytes = (record: VeRecordData | null): number => (record === null ? WORD_BYTES : TIME_BYTES + 2 * WORD_BYTES + ID_BYTES * record.members.length);

export const configureBytes = (members: number): number => HEADER_BYTES + WORD_BYTES + ID_BYTES * (1 + members);
export const FIND_BYTES = HEADER_BYTES + WORD_BYTES + ID_BYTES;
export const COMMAND_BYTES = HEADER_BYTES + 4 * WORD_BYTES + 2 * ID_BYTES;
export const resultBytes = (m: VeResultMessage): number => HEADER_BYTES + 5 * WORD_BYTES + ID_BYTES + recordBytes(m.record) + WORD_BYTES * m.hosts.length;
export const applyBytes = (vms: number): number => HEADER_BYTES + 3 * WORD_BYTES + ID_BYTES * (1 + vms);
export const PROBE_BYTES = HEADER_BYTES + WORD_BYTES + ID_BYTES;
export const probedBytes = (members: number): number => HEADER_BYTES + 3 * WORD_BYTES + ID_BYTES * members;
export const MIGRATE_BYTES = HEADER_BYTES + 2 * WORD_BYTES + 2 * ID_BYTES;
export const appliedBytes = (vms: number): number => HEADER_BYTES + WORD_BYTES + TIME_BYTES + (ID_BYTES + WORD_BYTES) * vms;
export const reportBytes = (m: VeReport): number => HEADER_BYTES + TIME_BYTES + 2 * WORD_BYTES + ID_BYTES * (1 + m.vms.length) + recordBytes(m.record);
export const recordPushBytes = (record: VeRecordData): number => HEADER_BYTES + ID_BYTES + recordBytes(record);

/** Longest country name on the wire: topologies name countries in full ('Switzerland' in RENATER's GraphML), not by code. */
export const COUNTRY_LENGTH_MAX = 64;

/** A country from the wire: a string of at most COUNTRY_LENGTH_MAX characters. */
export function isCountry(value: unknown): value is string {
  return typeof value === 'string' && value.length <= COUNTRY_LENGTH_MAX;
}

export function isVeState(value: unknown): value is VeState {
  return typeof value === 'string' && (VE_STATES as readonly string[]).includes(value);
}

export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 31;
}

/** A list of at most `max` ids, or null. */
export function isIdList(value: unknown, max: number): value is readonly number[] {
  return Array.isArray(value) && value.length <= max && value.every(isId);
}

/** A record from the wire: sorted distinct members, at most `membersMax`; null when malformed. */
export function checkedRecord(value: unknown, membersMax: number): VeRecordData | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Partial<VeRecordData>;
  if (!(typeof r.version === 'number' && Number.isInteger(r.version) && r.version >= 0) || !isVeState(r.state) || !isIdList(r.members, membersMax)) return null;
  for (let k = 1; k < r.members.length; k++) if (!(r.members[k - 1] < r.members[k])) return null;
  return { version: r.version, state: r.state, members: r.members };
}

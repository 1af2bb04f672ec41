/**
 * DVMS wire messages: readonly plain data. An ISP carries its partition's members with their
 * monitoring data (host and VM snapshots, stale by the time they are planned on, as in DVMS).
 * Sizes: a 32-byte header, node ids and counters 4 bytes, times 8, a partition version 16, a host
 * snapshot 32, a VM snapshot 40 (a 16-byte id, as cloud platforms name VMs, and its resources).
 */
import type { HostInfo, NodeId, VmInfo } from '../../runtime/context.js';

/**
 * Which partition, and which incarnation of it: `initiator` and `seq` (the initiator's ISP count)
 * name the partition; `epoch` grows at every change of leader; `leader` tells apart two leaders
 * of one epoch (a duplicated ISP joined twice).
 */
export interface PartitionVersion {
  readonly initiator: NodeId;
  readonly seq: number;
  readonly epoch: number;
  readonly leader: NodeId;
}

export type PartitionState = 'growing' | 'blocked' | 'finishing';

/** A member's monitoring data as read from its hypervisor at `atMs`. */
export interface MemberData {
  readonly host: HostInfo;
  readonly vms: readonly VmInfo[];
  readonly atMs: number;
}

/** The Iterative Scheduling Procedure's event: the partition as its leader last knew it. */
export interface IspData {
  readonly version: PartitionVersion;
  readonly state: 'growing' | 'blocked';
  readonly members: readonly MemberData[];
  /** When the initiator started it. */
  readonly startedAtMs: number;
  /** Plans computed so far, and their modelled time (for the outcome of whoever ends it). */
  readonly plans: number;
  readonly planningMs: number;
  /** Times passed on since its leader sent it. */
  readonly hops: number;
}

/** One ISP hop; the receiver acknowledges it once it took it over (joined, passed it on, held it). */
export interface DvmsIsp {
  readonly type: 'dvms.isp';
  readonly forwardId: number;
  readonly isp: IspData;
}

export interface DvmsIspAck {
  readonly type: 'dvms.isp-ack';
  readonly forwardId: number;
}

/** A member that received its own partition's ISP hands it back to the leader, which decides (block or dissolve). */
export interface DvmsIspReturned {
  readonly type: 'dvms.isp-returned';
  readonly isp: IspData;
}

/** Announcement of a (new) leader, and keep-alive: the partition's version and state. */
export interface DvmsLeader {
  readonly type: 'dvms.leader';
  readonly version: PartitionVersion;
  readonly state: PartitionState;
  /** A partition merged into this one: its members follow the new leader. */
  readonly absorbed: PartitionVersion | null;
}

export interface DvmsLeaderAck {
  readonly type: 'dvms.leader-ack';
  readonly version: PartitionVersion;
}

/** "I am not in your partition": free, in another, or `superseded` (in a newer version of it). */
export interface DvmsNotMember {
  readonly type: 'dvms.not-member';
  readonly version: PartitionVersion;
  readonly superseded: boolean;
}

export interface DvmsRelease {
  readonly type: 'dvms.release';
  readonly version: PartitionVersion;
}

/** From a member of a blocked partition to its leader: this blocked ISP of a higher partition arrived; merge? */
export interface DvmsMergeOffer {
  readonly type: 'dvms.merge-offer';
  readonly isp: IspData;
}

/** The handshake: from the merging leader to the leader of the ISP to absorb. */
export interface DvmsMergeAsk {
  readonly type: 'dvms.merge-ask';
  readonly askId: number;
  readonly version: PartitionVersion;
}

export interface DvmsMergeReply {
  readonly type: 'dvms.merge-reply';
  readonly askId: number;
  readonly ok: boolean;
}

/** Locality variant: the leader asks a node to join. */
export interface DvmsPull {
  readonly type: 'dvms.pull';
  readonly pullId: number;
  readonly version: PartitionVersion;
}

export interface DvmsPullReply {
  readonly type: 'dvms.pull-reply';
  readonly pullId: number;
  /** The pull's partition, echoed: a joiner the leader no longer wants is released with it. */
  readonly version: PartitionVersion;
  /** The joiner's data, null when it refused (in another partition, no hypervisor). */
  readonly member: MemberData | null;
}

/** One move of an order: its id at the leader, reported back with it. */
export interface DvmsMove {
  readonly orderId: number;
  readonly vm: number;
}

/** From the leader to a move's source host: one move, or a gather's moves, run or refused together. */
export interface DvmsMigrate {
  readonly type: 'dvms.migrate';
  readonly moves: readonly DvmsMove[];
  readonly to: NodeId;
}

export interface DvmsMigrated {
  readonly type: 'dvms.migrated';
  readonly orderId: number;
  readonly vm: number;
  readonly ok: boolean;
  readonly reason: string;
}

export type DvmsMessage =
  | DvmsIsp
  | DvmsIspAck
  | DvmsIspReturned
  | DvmsLeader
  | DvmsLeaderAck
  | DvmsNotMember
  | DvmsRelease
  | DvmsMergeOffer
  | DvmsMergeAsk
  | DvmsMergeReply
  | DvmsPull
  | DvmsPullReply
  | DvmsMigrate
  | DvmsMigrated;

const HEADER_BYTES = 32;
const WORD_BYTES = 4;
const TIME_BYTES = 8;
const VERSION_BYTES = 4 * WORD_BYTES;
const HOST_BYTES = 32;
const VM_BYTES = 40;
const REASON_BYTES = 16;

export function memberBytes(member: MemberData | null): number {
  return member === null ? WORD_BYTES : HOST_BYTES + TIME_BYTES + VM_BYTES * member.vms.length;
}

export function ispDataBytes(isp: IspData): number {
  let bytes = VERSION_BYTES + 4 * WORD_BYTES + 2 * TIME_BYTES;
  for (const member of isp.members) bytes += memberBytes(member);
  return bytes;
}

export const ISP_HEADER_BYTES = HEADER_BYTES + WORD_BYTES;
export const ACK_BYTES = HEADER_BYTES + WORD_BYTES;
export const LEADER_BYTES = HEADER_BYTES + 2 * VERSION_BYTES + WORD_BYTES;
export const VERSION_MESSAGE_BYTES = HEADER_BYTES + VERSION_BYTES + WORD_BYTES;
export const MERGE_ASK_BYTES = HEADER_BYTES + WORD_BYTES + VERSION_BYTES;
export const PULL_BYTES = HEADER_BYTES + WORD_BYTES + VERSION_BYTES;
export const migrateBytes = (moves: number): number => HEADER_BYTES + (1 + 2 * moves) * WORD_BYTES + 16;
export const MIGRATED_BYTES = HEADER_BYTES + 2 * WORD_BYTES + 16 + REASON_BYTES;

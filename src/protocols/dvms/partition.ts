/**
 * Pure facts about partitions: versions (who follows whom), the merge order, and member lists.
 * A node belongs to at most one partition; it follows a message about its partition when the
 * message is as new as what it knows (a later epoch, or the same epoch from the same leader).
 */
import type { NodeId } from '../../runtime/context.js';
import type { MemberData, PartitionVersion } from './dvms-messages.js';

export function sameId(a: PartitionVersion, b: PartitionVersion): boolean {
  return a.initiator === b.initiator && a.seq === b.seq;
}

export function sameVersion(a: PartitionVersion, b: PartitionVersion): boolean {
  return sameId(a, b) && a.epoch === b.epoch && a.leader === b.leader;
}

/** A node at `current` follows `incoming`: the same partition, a later epoch or the same leader's. */
export function follows(current: PartitionVersion, incoming: PartitionVersion): boolean {
  return sameId(current, incoming) && (incoming.epoch > current.epoch || (incoming.epoch === current.epoch && incoming.leader === current.leader));
}

/**
 * Which of two blocked partitions absorbs the other: the ISP of the higher one, arriving in the
 * lower one, is merged into it (DVMS2: "isSuperiorThan" on the initiators); the other way round
 * it is passed on, so two blocked partitions never both try.
 */
export function outranks(a: PartitionVersion, b: PartitionVersion): boolean {
  return a.initiator > b.initiator || (a.initiator === b.initiator && a.seq > b.seq);
}

export function memberIndex(members: readonly MemberData[], node: NodeId): number {
  for (let i = 0; i < members.length; i++) if (members[i].host.node === node) return i;
  return -1;
}

export function isMember(members: readonly MemberData[], node: NodeId): boolean {
  return memberIndex(members, node) >= 0;
}

export function memberNodes(members: readonly MemberData[]): NodeId[] {
  return members.map((m) => m.host.node);
}

export function vmTotal(members: readonly MemberData[]): number {
  let n = 0;
  for (const m of members) n += m.vms.length;
  return n;
}

/** `members` with `data` added (or replacing the same node's older data), in join order. */
export function withMember(members: readonly MemberData[], data: MemberData): MemberData[] {
  const i = memberIndex(members, data.host.node);
  if (i < 0) return [...members, data];
  const out = [...members];
  out[i] = data;
  return out;
}

export function withoutMember(members: readonly MemberData[], node: NodeId): MemberData[] {
  return members.filter((m) => m.host.node !== node);
}

/** True when no node is in both lists. */
export function disjoint(a: readonly MemberData[], b: readonly MemberData[]): boolean {
  for (const m of b) if (isMember(a, m.host.node)) return false;
  return true;
}

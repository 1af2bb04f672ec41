/** What a node is in DVMS: free, a member following a leader, or a leader. */
import type { NodeId } from '../../runtime/context.js';
import type { PartitionState, PartitionVersion } from './dvms-messages.js';
import type { Leader } from './leader.js';
import type { LeaderPhase } from './leader-env.js';

export interface MemberView {
  readonly version: PartitionVersion;
  readonly state: PartitionState;
  /** When the leader was last heard from. */
  readonly lastHeardMs: number;
}

export type Role = { readonly kind: 'free' } | { readonly kind: 'member'; view: MemberView } | { readonly kind: 'leader'; readonly leader: Leader };

export const FREE: Role = { kind: 'free' };

export function roleVersion(role: Role): PartitionVersion | null {
  return role.kind === 'free' ? null : role.kind === 'member' ? role.view.version : role.leader.version;
}

export function roleState(role: Role): PartitionState | null {
  return role.kind === 'free' ? null : role.kind === 'member' ? role.view.state : role.leader.state;
}

/** A node's partition as the node knows it (members listed by leaders only). */
export interface PartitionInfo {
  readonly role: 'leader' | 'member';
  readonly version: PartitionVersion;
  readonly state: PartitionState;
  /** A leader's phase ('member' for members). */
  readonly phase: LeaderPhase | 'member';
  readonly members: readonly NodeId[];
}

/**
 * A leader's members: their monitoring data in join order (the leader itself included), when
 * each last acknowledged a keep-alive, and the messages sent to all of them. At most
 * `partitionSizeMax` members (the leader never grows past it).
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import { type DvmsLeader, type DvmsRelease, LEADER_BYTES, type MemberData, type PartitionVersion, VERSION_MESSAGE_BYTES } from './dvms-messages.js';
import { isMember, memberNodes, vmTotal, withMember, withoutMember } from './partition.js';

export class PartitionMembers {
  private list: MemberData[];
  private readonly lastAckMs = new Map<NodeId, number>();

  constructor(
    private readonly ctx: NodeContext,
    members: readonly MemberData[],
  ) {
    this.list = [];
    this.addAll(members);
  }

  get size(): number {
    return this.list.length;
  }

  get data(): readonly MemberData[] {
    return this.list;
  }

  nodes(): NodeId[] {
    return memberNodes(this.list);
  }

  has(node: NodeId): boolean {
    return isMember(this.list, node);
  }

  vmCount(): number {
    return vmTotal(this.list);
  }

  /** Add members (or refresh their data); each counts as just heard from. */
  addAll(members: readonly MemberData[]): void {
    const now = this.ctx.nowMs();
    for (const m of members) {
      this.list = withMember(this.list, m);
      this.lastAckMs.set(m.host.node, now);
    }
  }

  remove(node: NodeId): void {
    this.list = withoutMember(this.list, node);
    this.lastAckMs.delete(node);
  }

  acked(node: NodeId): void {
    if (this.lastAckMs.has(node)) this.lastAckMs.set(node, this.ctx.nowMs());
  }

  /** Members other than this node that have not acknowledged anything for more than `timeoutMs`. */
  silent(timeoutMs: number): NodeId[] {
    const now = this.ctx.nowMs();
    return this.nodes().filter((node) => node !== this.ctx.id && now - (this.lastAckMs.get(node) ?? now) > timeoutMs);
  }

  /** Send the leader's announcement (keep-alive) to `to`, or to every other member. */
  announce(msg: DvmsLeader, to?: NodeId): void {
    if (to !== undefined) return this.ctx.send(to, msg, LEADER_BYTES);
    for (const node of this.nodes()) if (node !== this.ctx.id) this.ctx.send(node, msg, LEADER_BYTES);
  }

  /** Release every other member from `version`. */
  release(version: PartitionVersion): void {
    const release: DvmsRelease = { type: 'dvms.release', version };
    for (const node of this.nodes()) if (node !== this.ctx.id) this.ctx.send(node, release, VERSION_MESSAGE_BYTES);
  }
}

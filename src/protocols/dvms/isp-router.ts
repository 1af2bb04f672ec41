/**
 * What a node does with an ISP that reaches it (DVMS's "TransmissionOfAnISP"):
 *   - its own partition's (a version it follows): handed back to the leader, which blocks or
 *     dissolves it; an older version is stale and dropped;
 *   - at a free node: the node joins and leads;
 *   - a blocked ISP of a higher partition at a node of a blocked partition: offered to that
 *     partition's leader for a merge;
 *   - otherwise passed on along the ring; past `ispHopsMax` hops it goes back to its leader.
 * The hop is acknowledged once the node took the ISP over; a node that cannot (its pending
 * hops are full) stays silent, and the sender tries another node.
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import type { DvmsConfig } from './dvms-config.js';
import { ACK_BYTES, type DvmsIsp, type DvmsMessage, type IspData, type MemberData, ispDataBytes } from './dvms-messages.js';
import type { IspForwarder } from './isp-forwarder.js';
import { type Role, roleState, roleVersion } from './node-role.js';
import { follows, outranks, sameId, sameVersion } from './partition.js';
import { isValidIsp } from './validate.js';

export interface RouterHost {
  role(): Role;
  /** This host's monitoring data, null when it cannot take part. */
  joinData(): MemberData | null;
  /** Join `isp`'s partition and lead it. */
  join(isp: IspData, data: MemberData): void;
  send(to: NodeId, msg: DvmsMessage, sizeBytes: number): void;
}

export class IspRouter {
  constructor(
    private readonly ctx: NodeContext,
    private readonly config: DvmsConfig,
    private readonly forwarder: IspForwarder,
    private readonly host: RouterHost,
  ) {}

  onIsp(from: NodeId, msg: DvmsIsp): void {
    const { ctx, host } = this;
    const isp = msg.isp;
    if (!isValidIsp(isp, this.config)) return ctx.metrics.count('dvms.bad_messages');
    const ack = (): void => host.send(from, { type: 'dvms.isp-ack', forwardId: msg.forwardId }, ACK_BYTES);
    const role = host.role();
    const mine = roleVersion(role);
    if (mine !== null && sameId(mine, isp.version)) {
      ack();
      if (!follows(mine, isp.version)) return ctx.metrics.count('dvms.isps_stale');
      return this.handBack(isp);
    }
    if (mine === null) {
      const data = host.joinData();
      if (data !== null) {
        ack();
        return host.join(isp, data);
      }
    } else if (this.config.variant !== 'locality' && isp.state === 'blocked' && roleState(role) === 'blocked' && outranks(isp.version, mine)) {
      ack();
      return this.offerMerge(role, isp);
    }
    if (this.forwarder.full) return ctx.metrics.count('dvms.isps_refused');
    ack();
    this.passOn(isp);
  }

  /** An ISP to handle again here, with no acknowledgement owed (a merge refused, or held by a leader that ended). */
  reprocess(isp: IspData): void {
    const role = this.host.role();
    if (role.kind === 'free') {
      const data = this.host.joinData();
      if (data !== null) return this.host.join(isp, data);
    }
    const mine = roleVersion(role);
    if (mine === null || !sameId(mine, isp.version)) this.passOn(isp);
  }

  /** No node took a hop: our own ISP ends the partition; a foreign one is lost (its leader times out). */
  hopGaveUp(isp: IspData): void {
    const role = this.host.role();
    if (role.kind === 'leader' && sameVersion(role.leader.version, isp.version)) return role.leader.ownIspLost();
    this.ctx.metrics.count('dvms.isps_lost');
  }

  /** An ISP of this node's own partition: its leader decides. */
  private handBack(isp: IspData): void {
    const to = isp.version.leader;
    if (to !== this.ctx.id) return this.host.send(to, { type: 'dvms.isp-returned', isp }, ACK_BYTES + ispDataBytes(isp));
    const role = this.host.role();
    if (role.kind === 'leader') role.leader.onReturned(isp);
  }

  private offerMerge(role: Role, isp: IspData): void {
    if (role.kind === 'leader') return role.leader.onMergeOffer(isp);
    if (role.kind === 'member') this.host.send(role.view.version.leader, { type: 'dvms.merge-offer', isp }, ACK_BYTES + ispDataBytes(isp));
  }

  private passOn(isp: IspData): void {
    if (isp.hops + 1 > this.config.ispHopsMax) {
      this.ctx.metrics.count('dvms.isps_hops_max');
      return this.handBack(isp);
    }
    if (!this.forwarder.passOn({ ...isp, hops: isp.hops + 1 })) this.ctx.metrics.count('dvms.isps_lost');
  }
}

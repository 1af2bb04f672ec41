/**
 * ISP hops with acknowledgements: a node that sends an ISP on keeps it until the next node
 * acknowledges it (it joined, passed it on, or handed it to its leader). Unanswered after
 * `forwardTimeoutMs`, the next node is suspected and another one is chosen, at most
 * `forwardRetriesMax` times; then the hop gives up (the caller decides: a leader dissolves its
 * partition, a node passing a foreign ISP on loses it, and that ISP's leader times out).
 * At most `forwardsInFlightMax` hops wait for an acknowledgement.
 */
import type { NodeContext, NodeId, TimerHandle } from '../../runtime/context.js';
import type { DvmsConfig } from './dvms-config.js';
import { type DvmsIsp, type DvmsIspAck, type IspData, ISP_HEADER_BYTES, ispDataBytes } from './dvms-messages.js';
import type { DvmsOverlay } from './dvms-overlay.js';
import { leaderHop, ringHop } from './next-node.js';
import { isMember } from './partition.js';
import type { Suspects } from './suspects.js';

/** Picks the next node, given the nodes tried already for this hop; undefined when none is left. */
export type HopChooser = (tried: readonly NodeId[]) => NodeId | undefined;

interface PendingHop {
  readonly isp: IspData;
  readonly choose: HopChooser;
  readonly tried: NodeId[];
  timer: TimerHandle | null;
}

export class IspForwarder {
  private readonly pending = new Map<number, PendingHop>();
  private nextForwardId = 1;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: DvmsConfig,
    private readonly suspects: Suspects,
    private readonly overlay: DvmsOverlay,
    /** The hop gave up: no next node answered. */
    private readonly gaveUp: (isp: IspData) => void,
  ) {}

  get full(): boolean {
    return this.pending.size >= this.config.forwardsInFlightMax;
  }

  /** A leader's own ISP: to the next node per the variant (next-node.ts); false when none could be sent to. */
  sendOwn(isp: IspData): boolean {
    const { ctx, config, overlay } = this;
    return this.forward(isp, (tried) => leaderHop(config.variant, { successor: overlay.successor(), neighbours: overlay.neighbours() }, (n) => !isMember(isp.members, n), this.usable(tried, ctx.nowMs())));
  }

  /** A foreign ISP, along the ring; false when it could not be sent. */
  passOn(isp: IspData): boolean {
    const { ctx, overlay } = this;
    return this.forward(isp, (tried) => ringHop({ successor: overlay.successor(), neighbours: overlay.neighbours() }, this.usable(tried, ctx.nowMs())));
  }

  /** Not this node, not suspected, not tried for this hop. */
  private usable(tried: readonly NodeId[], nowMs: number): (n: NodeId) => boolean {
    return (n) => n >= 0 && n !== this.ctx.id && !tried.includes(n) && !this.suspects.has(n, nowMs);
  }

  /** Send `isp` to the node `choose` picks; false (nothing sent) when no node is left or too many hops are pending. */
  forward(isp: IspData, choose: HopChooser): boolean {
    if (this.full) return false;
    const hop: PendingHop = { isp, choose, tried: [], timer: null };
    const id = this.nextForwardId++;
    if (!this.send(id, hop)) return false;
    this.pending.set(id, hop);
    return true;
  }

  onAck(from: NodeId, msg: DvmsIspAck): void {
    const hop = this.pending.get(msg.forwardId);
    if (hop === undefined || hop.tried[hop.tried.length - 1] !== from) return; // late: a retry went elsewhere
    hop.timer?.cancel();
    this.pending.delete(msg.forwardId);
  }

  stop(): void {
    for (const hop of this.pending.values()) hop.timer?.cancel();
    this.pending.clear();
  }

  private send(id: number, hop: PendingHop): boolean {
    const to = hop.choose(hop.tried);
    if (to === undefined) return false;
    hop.tried.push(to);
    const message: DvmsIsp = { type: 'dvms.isp', forwardId: id, isp: hop.isp };
    this.ctx.send(to, message, ISP_HEADER_BYTES + ispDataBytes(hop.isp));
    this.ctx.metrics.count('dvms.forwards');
    hop.timer = this.ctx.setTimer(this.config.forwardTimeoutMs, () => this.timedOut(id, hop, to));
    return true;
  }

  private timedOut(id: number, hop: PendingHop, to: NodeId): void {
    hop.timer = null;
    this.ctx.metrics.count('dvms.forward_timeouts');
    this.suspects.add(to, this.ctx.nowMs());
    if (hop.tried.length <= this.config.forwardRetriesMax && this.send(id, hop)) return;
    this.pending.delete(id);
    this.gaveUp(hop.isp);
  }
}

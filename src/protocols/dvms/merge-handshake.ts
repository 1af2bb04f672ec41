/**
 * The merge handshake of two blocked partitions (DVMS2: "CanIMergePartitionWithYou"). A member
 * of blocked partition P meets the blocked ISP of a higher partition Q and offers it to P's
 * leader; P's leader asks Q's leader (named in the ISP), which agrees only while Q is still that
 * version, blocked and waiting, and then locks itself (no other merge) until the merge reaches
 * it. On yes, P's leader absorbs Q's members; on no, or silence for `forwardTimeoutMs`, the ISP
 * is passed on as any foreign ISP. One question at a time per leader.
 */
import type { NodeId, TimerHandle } from '../../runtime/context.js';
import { type DvmsMergeAsk, type DvmsMergeReply, type IspData, MERGE_ASK_BYTES } from './dvms-messages.js';
import type { RoundEnv } from './plan-round.js';
import type { Suspects } from './suspects.js';

interface PendingMerge {
  readonly askId: number;
  readonly isp: IspData;
  readonly timer: TimerHandle;
}

export class MergeHandshake {
  private pending: PendingMerge | null = null;
  /** This partition agreed to be merged into another: it refuses other merges meanwhile. */
  locked = false;

  constructor(
    private readonly env: RoundEnv & { readonly suspects: Suspects },
    /** The other leader agreed: merge `isp` in (if this partition still can). */
    private readonly agreed: (isp: IspData) => void,
    /** No merge: pass `isp` on. */
    private readonly refused: (isp: IspData) => void,
  ) {}

  get asking(): boolean {
    return this.pending !== null;
  }

  /** Ask the leader of `isp`'s partition whether it may be merged into ours. */
  ask(isp: IspData): void {
    const { ctx, config, suspects } = this.env;
    const askId = this.env.newId();
    const to = isp.version.leader;
    const ask: DvmsMergeAsk = { type: 'dvms.merge-ask', askId, version: isp.version };
    ctx.send(to, ask, MERGE_ASK_BYTES);
    const timer = ctx.setTimer(config.forwardTimeoutMs, () => {
      this.pending = null;
      suspects.add(to, ctx.nowMs());
      this.env.ctx.metrics.count('dvms.merges_refused');
      this.refused(isp);
    });
    this.pending = { askId, isp, timer };
  }

  onReply(from: NodeId, msg: DvmsMergeReply): void {
    const pending = this.pending;
    if (pending === null || pending.askId !== msg.askId || from !== pending.isp.version.leader) return;
    pending.timer.cancel();
    this.pending = null;
    if (msg.ok) return this.agreed(pending.isp);
    this.env.ctx.metrics.count('dvms.merges_refused');
    this.refused(pending.isp);
  }

  /** Answer another leader's question about our partition: yes (and lock) when `can` and not busy. */
  answer(from: NodeId, msg: DvmsMergeAsk, can: boolean): boolean {
    const ok = can && !this.locked && this.pending === null;
    if (ok) this.locked = true;
    const reply: DvmsMergeReply = { type: 'dvms.merge-reply', askId: msg.askId, ok };
    this.env.ctx.send(from, reply, MERGE_ASK_BYTES);
    return ok;
  }

  /** Forget any question in flight; returns the ISP it held, to be handled anew. */
  stop(): IspData | null {
    const held = this.pending?.isp ?? null;
    this.pending?.timer.cancel();
    this.pending = null;
    return held;
  }
}

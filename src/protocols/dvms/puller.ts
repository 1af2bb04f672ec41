/**
 * The locality-based variant's growth: the leader (the initiator, for good) asks the nearest
 * node outside the partition, by estimated RTT, to join; one at a time. A node in another
 * partition refuses; a silent one is suspected after `forwardTimeoutMs`; either way the next
 * nearest is asked. After `pullAttemptsMax` nodes, or with no candidate left, growth is over.
 */
import type { NodeId, TimerHandle } from '../../runtime/context.js';
import type { DvmsOverlay } from './dvms-overlay.js';
import { type DvmsPull, type DvmsPullReply, type DvmsRelease, type MemberData, type PartitionVersion, PULL_BYTES, VERSION_MESSAGE_BYTES } from './dvms-messages.js';
import { nearestCandidate } from './next-node.js';
import type { RoundEnv } from './plan-round.js';
import type { Suspects } from './suspects.js';

interface PendingPull {
  readonly pullId: number;
  readonly to: NodeId;
  readonly timer: TimerHandle;
}

export class Puller {
  private readonly tried: NodeId[] = [];
  private pending: PendingPull | null = null;

  constructor(
    private readonly env: RoundEnv & { readonly overlay: DvmsOverlay; readonly suspects: Suspects },
    private readonly isMember: (node: NodeId) => boolean,
    /** `member` joined. */
    private readonly joined: (member: MemberData) => void,
    /** No node is left to ask. */
    private readonly exhausted: () => void,
  ) {}

  /** Ask the nearest node not asked yet. */
  pullNext(version: PartitionVersion): void {
    const { ctx, config, overlay, suspects } = this.env;
    if (this.tried.length >= config.pullAttemptsMax) return this.exhausted();
    const now = ctx.nowMs();
    const usable = (n: NodeId): boolean => n !== ctx.id && n >= 0 && !this.isMember(n) && !this.tried.includes(n) && !suspects.has(n, now);
    const to = nearestCandidate(overlay.candidates(), (n) => overlay.estimateRttMs(n), usable);
    if (to === undefined) return this.exhausted();
    this.tried.push(to);
    const pullId = this.env.newId();
    const pull: DvmsPull = { type: 'dvms.pull', pullId, version };
    ctx.send(to, pull, PULL_BYTES);
    ctx.metrics.count('dvms.pulls');
    const timer = ctx.setTimer(config.forwardTimeoutMs, () => {
      this.pending = null;
      ctx.metrics.count('dvms.pull_timeouts');
      suspects.add(to, ctx.nowMs());
      this.pullNext(version);
    });
    this.pending = { pullId, to, timer };
  }

  onReply(from: NodeId, msg: DvmsPullReply, version: PartitionVersion): void {
    const pending = this.pending;
    if (pending === null || pending.pullId !== msg.pullId || pending.to !== from) {
      // Late: it joined after the leader gave up on it; let it go.
      if (msg.member !== null) this.release(from, msg.version);
      return;
    }
    pending.timer.cancel();
    this.pending = null;
    if (msg.member !== null && msg.member.host.node === from) return this.joined(msg.member);
    this.env.ctx.metrics.count('dvms.pulls_refused');
    this.pullNext(version);
  }

  stop(): void {
    this.pending?.timer.cancel();
    this.pending = null;
  }

  private release(to: NodeId, version: PartitionVersion): void {
    const release: DvmsRelease = { type: 'dvms.release', version };
    this.env.ctx.send(to, release, VERSION_MESSAGE_BYTES);
  }
}

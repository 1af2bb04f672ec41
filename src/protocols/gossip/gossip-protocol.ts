/**
 * Cyclon-like peer sampling (Voulgaris, Gavidia, van Steen, 2005): every period, age the view,
 * shuffle with the oldest entry (removed: if it is dead it never comes back), sending a few
 * entries plus a fresh one for self; the partner answers with a few of its own; both merge.
 * Beside the view, `farPeers` long-distance links: the peers of the largest RTT measured on this
 * node's own shuffle round trips (so gossip never depends on coordinates).
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import type { PeerSampler } from '../peer-sampler.js';
import { MembershipHook, type MembershipSource, type Subscription } from '../../actors/overlay.js';
import { type GossipConfig, validateGossipConfig } from './gossip-config.js';
import { type GossipMessage, type GossipShuffle, type GossipShuffleReply, type ViewEntry, shuffleSizeBytes } from './gossip-messages.js';
import { GossipView } from './gossip-view.js';

interface PendingShuffle {
  readonly peer: NodeId;
  readonly sentAtMs: number;
  readonly sent: readonly NodeId[];
}

interface FarLink {
  readonly peer: NodeId;
  rttMs: number;
  measuredPeriod: number;
}

export class GossipProtocol implements Protocol, PeerSampler, MembershipSource {
  private readonly view: GossipView;
  /** At most one shuffle in flight: a new period forgets an unanswered one. */
  private pending: PendingShuffle | null = null;
  private readonly far: FarLink[] = [];
  private period = 0;
  private timer: TimerHandle | null = null;
  private readonly membershipHook = new MembershipHook();

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: GossipConfig,
  ) {
    validateGossipConfig(config);
    this.view = new GossipView(config.viewSize);
  }

  /** The random view plus the far links, without duplicates, never self. */
  peers(): NodeId[] {
    const out: NodeId[] = [];
    for (let i = 0; i < this.view.length; i++) out.push(this.view.peerAt(i));
    for (const link of this.far) if (!this.view.has(link.peer)) out.push(link.peer);
    return out;
  }

  viewEntries(): readonly ViewEntry[] {
    return this.view.entries();
  }

  farPeers(): NodeId[] {
    return this.far.map((l) => l.peer);
  }

  /** The membership an overlay over gossip follows: `peers()`. */
  membership(): readonly NodeId[] {
    return this.peers();
  }

  /**
   * `listener` is called at the end of every handler that may have changed `peers()` (start,
   * period, shuffle, reply): once the view is whole again, not between a removal and a merge.
   */
  onMembershipChange(listener: () => void): Subscription {
    return this.membershipHook.add(listener);
  }

  onStart(): void {
    this.bootstrap();
    this.schedule(this.ctx.rng.next() * this.config.periodMs);
    this.membershipHook.fire();
  }

  onStop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as GossipMessage;
    switch (msg.type) {
      case 'gossip.shuffle':
        this.onShuffle(from, msg);
        break;
      case 'gossip.shuffle-reply':
        this.onReply(from, msg);
        break;
      default:
        this.ctx.metrics.count('gossip.unknown_messages');
        return;
    }
    this.membershipHook.fire();
  }

  private bootstrap(): void {
    const entries = this.ctx.bootstrapPeers().map((peer) => ({ peer, ageRounds: 0 }));
    this.view.merge(entries, [], this.ctx.id);
  }

  private schedule(delayMs: number): void {
    this.timer = this.ctx.setTimer(delayMs, this.onPeriod);
  }

  /** One closure for the life of the protocol, not one per period. */
  private readonly onPeriod = (): void => {
    this.tick();
    this.schedule(this.config.periodMs);
    this.membershipHook.fire();
  };

  private tick(): void {
    this.period++;
    if (this.pending !== null) this.ctx.metrics.count('gossip.shuffle_timeouts');
    this.pending = null;
    this.expireFarLinks();
    if (this.view.length === 0) this.bootstrap(); // every partner died: start over
    this.view.age();
    const oldest = this.view.oldestIndex();
    if (oldest < 0) return;
    const target = this.view.peerAt(oldest);
    this.view.removeAt(oldest);
    const subset = this.view.randomSubset(this.config.shuffleLength - 1, this.ctx.rng);
    const entries = [{ peer: this.ctx.id, ageRounds: 0 }, ...subset];
    const sentAtMs = this.ctx.nowMs();
    this.pending = { peer: target, sentAtMs, sent: subset.map((e) => e.peer) };
    const shuffle: GossipShuffle = { type: 'gossip.shuffle', sentAtMs, entries };
    this.ctx.send(target, shuffle, shuffleSizeBytes(entries.length));
  }

  private onShuffle(from: NodeId, msg: GossipShuffle): void {
    const entries = this.view.randomSubset(this.config.shuffleLength, this.ctx.rng, from);
    const reply: GossipShuffleReply = { type: 'gossip.shuffle-reply', sentAtMs: msg.sentAtMs, entries };
    this.ctx.send(from, reply, shuffleSizeBytes(entries.length));
    this.view.merge(msg.entries, entries.map((e) => e.peer), this.ctx.id);
  }

  private onReply(from: NodeId, msg: GossipShuffleReply): void {
    const pending = this.pending;
    const current = pending !== null && pending.peer === from && pending.sentAtMs === msg.sentAtMs;
    // A late reply still brings fresh entries, but only into free slots.
    this.view.merge(msg.entries, current ? pending.sent : [], this.ctx.id);
    if (!current) return;
    this.pending = null;
    const rttMs = this.ctx.nowMs() - msg.sentAtMs;
    if (rttMs > 0) this.offerFarLink(from, rttMs);
  }

  /** Keep the `farPeers` largest round trips measured; a re-measured link is refreshed. */
  private offerFarLink(peer: NodeId, rttMs: number): void {
    if (this.config.farPeers === 0 || peer === this.ctx.id) return;
    const known = this.far.find((l) => l.peer === peer);
    if (known !== undefined) {
      known.rttMs = rttMs;
      known.measuredPeriod = this.period;
      return;
    }
    if (this.far.length < this.config.farPeers) {
      this.far.push({ peer, rttMs, measuredPeriod: this.period });
      return;
    }
    let nearest = 0;
    for (let i = 1; i < this.far.length; i++) if (this.far[i].rttMs < this.far[nearest].rttMs) nearest = i;
    if (rttMs > this.far[nearest].rttMs) this.far[nearest] = { peer, rttMs, measuredPeriod: this.period };
  }

  private expireFarLinks(): void {
    for (let i = this.far.length - 1; i >= 0; i--) {
      if (this.period - this.far[i].measuredPeriod > this.config.farTtlPeriods) this.far.splice(i, 1);
    }
  }
}

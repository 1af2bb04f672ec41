/**
 * An overlay over any peer sampler (a gossip view's `peers()`): re-read every `periodMs`, with
 * the differences raised as join and leave events, then one neighbours-changed. Here join and
 * leave mean "entered / left the sample", not liveness: put a FailureDetector over the same
 * sampler for that. A protocol only for its timer: it sends nothing.
 */
import type { NodeContext, NodeId, Protocol, TimerHandle } from '../runtime/context.js';
import type { CandidateSource } from './failure-detector.js';
import { OverlayEvents, type Overlay, type OverlayListener, type Subscription } from './overlay.js';

export class SampledOverlay implements Protocol, Overlay {
  private readonly events = new OverlayEvents();
  private current: NodeId[] = [];
  private timer: TimerHandle | null = null;

  constructor(
    readonly name: string,
    private readonly ctx: NodeContext,
    private readonly sampler: CandidateSource,
    private readonly periodMs: number,
  ) {
    if (!(periodMs > 0)) throw new RangeError(`SampledOverlay ${name}: periodMs must be > 0, got ${periodMs}`);
  }

  neighbours(): readonly NodeId[] {
    return this.current;
  }

  subscribe(listener: OverlayListener): Subscription {
    return this.events.subscribe(listener);
  }

  onStart(): void {
    this.timer = this.ctx.setTimer(this.periodMs, this.onPeriod);
  }

  onStop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  onMessage(): void {
    this.ctx.metrics.count(`actors.${this.name}.unknown_messages`);
  }

  /** Re-read the sampler now and raise the differences. */
  refresh(): void {
    const next = this.sampler.peers().filter((p) => p !== this.ctx.id);
    const before = new Set(this.current);
    const after = new Set(next);
    const joined = next.filter((p) => !before.has(p));
    const left = this.current.filter((p) => !after.has(p));
    if (joined.length === 0 && left.length === 0) return;
    this.current = next;
    for (const peer of left) this.events.emit({ kind: 'leave', peer });
    for (const peer of joined) this.events.emit({ kind: 'join', peer });
    this.events.emit({ kind: 'neighbours-changed', neighbours: this.current });
  }

  private readonly onPeriod = (): void => {
    this.refresh();
    this.timer = this.ctx.setTimer(this.periodMs, this.onPeriod);
  };
}

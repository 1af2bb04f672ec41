/**
 * A protocol's membership as an overlay, driven by the protocol's own change hook: each time the
 * protocol says its set may have changed, the set is compared with the last one seen and the
 * differences are raised at once, as leave events, then join events, then one
 * neighbours-changed with the new list. Nothing is polled: a change is heard in the event that
 * made it, and a hook call that changed nothing raises nothing (so one change = one batch of
 * events). A new order of the same members is kept for `neighbours()` without an event.
 */
import type { NodeId } from '../runtime/context.js';
import { type MembershipSource, OverlayEvents, type Overlay, type OverlayListener, type Subscription } from './overlay.js';

export class MembershipOverlay<S extends MembershipSource = MembershipSource> implements Overlay {
  private readonly events = new OverlayEvents();
  private current: readonly NodeId[];
  private readonly hook: Subscription;
  private changes = 0;

  constructor(
    readonly name: string,
    private readonly self: NodeId,
    /** The protocol whose membership this is (a service bound through a peer actor reaches it here). */
    readonly source: S,
  ) {
    this.current = this.read();
    this.hook = source.onMembershipChange(() => this.compare());
  }

  neighbours(): readonly NodeId[] {
    return this.current;
  }

  /** How many changes were raised (each one a neighbours-changed event). */
  get changeCount(): number {
    return this.changes;
  }

  subscribe(listener: OverlayListener): Subscription {
    return this.events.subscribe(listener);
  }

  /** Stop following the protocol (its node stops). */
  close(): void {
    this.hook.unsubscribe();
  }

  private read(): NodeId[] {
    const out: NodeId[] = [];
    for (const peer of this.source.membership()) if (peer !== this.self && peer >= 0 && !out.includes(peer)) out.push(peer);
    return out;
  }

  private compare(): void {
    const next = this.read();
    if (sameSequence(next, this.current)) return; // the common case (e.g. a gossip message that changed nothing): no sets built
    const before = new Set(this.current);
    const after = new Set(next);
    const left = this.current.filter((p) => !after.has(p));
    const joined = next.filter((p) => !before.has(p));
    this.current = next;
    if (left.length === 0 && joined.length === 0) return;
    this.changes++;
    for (const peer of left) this.events.emit({ kind: 'leave', peer });
    for (const peer of joined) this.events.emit({ kind: 'join', peer });
    this.events.emit({ kind: 'neighbours-changed', neighbours: next });
  }
}

function sameSequence(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

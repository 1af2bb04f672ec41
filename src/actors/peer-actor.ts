/**
 * The peer actor: a node's membership of one overlay at a time, shared by any number of
 * services (and a service may hold several peer actors, one per overlay it uses). The overlay
 * can be swapped while running: notifications are re-routed to the new overlay's events, and
 * subscribers hear one neighbours-changed event with the new overlay's neighbours. `O` is the
 * kind of overlay it binds to, for a service that reads more of it than its neighbours (DVMS
 * reads Chord's ring through its peer actor).
 */
import type { NodeId } from '../runtime/context.js';
import { NotificationActor, type OverlaySubscriber } from './notification-actor.js';
import type { Overlay, Subscription } from './overlay.js';

export class PeerActor<O extends Overlay = Overlay> {
  private readonly notifications: NotificationActor;
  private current: O;
  private swaps = 0;

  constructor(
    readonly name: string,
    overlay: O,
    subscribersMax = 256,
  ) {
    this.notifications = new NotificationActor(name, subscribersMax);
    this.current = overlay;
    this.notifications.bind(overlay);
  }

  get overlay(): O {
    return this.current;
  }

  /** How many times the overlay was swapped. */
  get swapCount(): number {
    return this.swaps;
  }

  neighbours(): readonly NodeId[] {
    return this.current.neighbours();
  }

  /** Register for join, leave and neighbours-changed events of the bound overlay, whichever it is. */
  subscribe(subscriber: OverlaySubscriber): Subscription {
    return this.notifications.register(subscriber);
  }

  /** Bind to `next`: the old overlay's events are no longer delivered, the new one's are. */
  swapOverlay(next: O): void {
    if (next === this.current) return;
    this.current = next;
    this.swaps++;
    this.notifications.bind(next);
    this.notifications.dispatch({ kind: 'neighbours-changed', neighbours: next.neighbours() }, next);
  }

  /** Stop listening (the node stops): no more notifications from any overlay. */
  detach(): void {
    this.notifications.bind(null);
  }
}

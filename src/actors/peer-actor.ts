/**
 * The peer actor: a node's membership of one overlay at a time, shared by any number of
 * services (and a service may hold several peer actors, one per overlay it uses). The overlay
 * can be swapped while running: notifications are re-routed to the new overlay's events, and
 * subscribers hear one neighbours-changed event with the new overlay's neighbours.
 */
import type { NodeId } from '../runtime/context.js';
import { NotificationActor, type OverlaySubscriber } from './notification-actor.js';
import type { Overlay, Subscription } from './overlay.js';

export class PeerActor {
  private readonly notifications: NotificationActor;
  private current: Overlay;
  private swaps = 0;

  constructor(
    readonly name: string,
    overlay: Overlay,
    subscribersMax = 256,
  ) {
    this.notifications = new NotificationActor(name, subscribersMax);
    this.current = overlay;
    this.notifications.bind(overlay);
  }

  get overlay(): Overlay {
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
  swapOverlay(next: Overlay): void {
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

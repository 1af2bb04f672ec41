/**
 * The notification actor: services register for the join, leave and neighbours-changed events
 * of one overlay and are called on each, synchronously, in registration order. The overlay it
 * listens to can be replaced while running (`bind`): from then on only the new overlay's events
 * are delivered, to the same registrations.
 */
import type { NodeId } from '../runtime/context.js';
import type { Overlay, OverlayEvent, Subscription } from './overlay.js';

/** Where an event came from: the peer actor that routed it and the overlay that raised it. */
export interface NotificationOrigin {
  readonly peerActor: string;
  readonly overlay: string;
}

/** Each handler is optional: a subscriber hears only the kinds it implements. */
export interface OverlaySubscriber {
  onJoin?(peer: NodeId, origin: NotificationOrigin): void;
  onLeave?(peer: NodeId, origin: NotificationOrigin): void;
  onNeighboursChanged?(neighbours: readonly NodeId[], origin: NotificationOrigin): void;
}

export class NotificationActor {
  private subscribers: OverlaySubscriber[] = [];
  private overlay: Overlay | null = null;
  private subscription: Subscription | null = null;

  constructor(
    /** The peer actor this notification actor serves (named in every origin). */
    readonly peerActor: string,
    private readonly subscribersMax = 256,
  ) {}

  get subscriberCount(): number {
    return this.subscribers.length;
  }

  get boundOverlay(): Overlay | null {
    return this.overlay;
  }

  register(subscriber: OverlaySubscriber): Subscription {
    if (this.subscribers.length >= this.subscribersMax) {
      throw new RangeError(`NotificationActor ${this.peerActor}: more than ${this.subscribersMax} subscribers`);
    }
    this.subscribers = [...this.subscribers, subscriber];
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        this.subscribers = this.subscribers.filter((s) => s !== subscriber);
      },
    };
  }

  /** Listen to `overlay` instead of the current one (null: to none). */
  bind(overlay: Overlay | null): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.overlay = overlay;
    if (overlay === null) return;
    // The listener checks it is still the bound one: an overlay that keeps a stale listener
    // (or emits to a snapshot taken before the swap) cannot reach the subscribers any more.
    const listener = (event: OverlayEvent): void => {
      if (this.overlay === overlay) this.dispatch(event, overlay);
    };
    this.subscription = overlay.subscribe(listener);
  }

  /** Deliver `event` as if `overlay` had raised it (the peer actor uses this after a swap). */
  dispatch(event: OverlayEvent, overlay: Overlay): void {
    const origin: NotificationOrigin = { peerActor: this.peerActor, overlay: overlay.name };
    const snapshot = this.subscribers;
    for (const subscriber of snapshot) {
      switch (event.kind) {
        case 'join':
          subscriber.onJoin?.(event.peer, origin);
          break;
        case 'leave':
          subscriber.onLeave?.(event.peer, origin);
          break;
        case 'neighbours-changed':
          subscriber.onNeighboursChanged?.(event.neighbours, origin);
          break;
      }
    }
  }
}

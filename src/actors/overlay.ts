/**
 * What the Peer Actor model asks of an overlay: the current neighbours and a stream of
 * membership events, delivered synchronously. Gossip views, failure detectors, rings and
 * hand-driven test overlays all fit behind this interface.
 */
import type { NodeId } from '../runtime/context.js';

export type OverlayEvent =
  | { readonly kind: 'join'; readonly peer: NodeId }
  | { readonly kind: 'leave'; readonly peer: NodeId }
  | { readonly kind: 'neighbours-changed'; readonly neighbours: readonly NodeId[] };

export type OverlayEventKind = OverlayEvent['kind'];

export type OverlayListener = (event: OverlayEvent) => void;

export interface Subscription {
  unsubscribe(): void;
}

export interface Overlay {
  /** Names the overlay in notifications (e.g. `gossip`, `failure-detector`). */
  readonly name: string;
  /** The current neighbours: no duplicates, never the node itself. */
  neighbours(): readonly NodeId[];
  /** `listener` hears every later event, in subscription order, until unsubscribed. */
  subscribe(listener: OverlayListener): Subscription;
}

/**
 * Listeners called in subscription order on a snapshot taken at each call (copy on write: one
 * that unsubscribes or subscribes during a call does not shift the others), at most `max` of them.
 */
class ListenerList<L> {
  private items: L[] = [];

  constructor(
    private readonly owner: string,
    private readonly max: number,
  ) {}

  get length(): number {
    return this.items.length;
  }

  /** The listeners now; the array is never changed in place, so it can be iterated while they change. */
  get snapshot(): readonly L[] {
    return this.items;
  }

  add(listener: L): Subscription {
    if (this.items.length >= this.max) throw new RangeError(`${this.owner}: more than ${this.max} listeners`);
    this.items = [...this.items, listener];
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        this.items = this.items.filter((l) => l !== listener);
      },
    };
  }
}

/**
 * The listener list of an overlay: events go to listeners in subscription order, to a snapshot
 * taken at emission. Bounded: subscribing beyond `listenersMax` is an error.
 */
export class OverlayEvents {
  private readonly listeners: ListenerList<OverlayListener>;

  constructor(listenersMax = 1024) {
    this.listeners = new ListenerList('OverlayEvents', listenersMax);
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  subscribe(listener: OverlayListener): Subscription {
    return this.listeners.add(listener);
  }

  emit(event: OverlayEvent): void {
    for (const listener of this.listeners.snapshot) listener(event);
  }
}

/**
 * What a protocol offers so that its membership can be an overlay (gossip's view, Chord's
 * successor list, CAN's zone neighbours): the set it holds now, and a hook it calls from its own
 * code, at the point where that set may have changed. The protocol need not know whether
 * anything changed: `MembershipOverlay` compares and raises only real changes.
 */
export interface MembershipSource {
  /** The members now, in the protocol's order (self and repeats are dropped by the overlay). */
  membership(): readonly NodeId[];
  /** `listener` is called, synchronously, after every change of `membership()` (and maybe more often). */
  onMembershipChange(listener: () => void): Subscription;
}

/**
 * The listener list behind `onMembershipChange`, for protocols: `fire` costs one length check
 * while nobody listens, so a protocol without an actor layer runs exactly as before.
 */
export class MembershipHook {
  private readonly listeners = new ListenerList<() => void>('MembershipHook', Infinity);

  get listening(): boolean {
    return this.listeners.length > 0;
  }

  add(listener: () => void): Subscription {
    return this.listeners.add(listener);
  }

  fire(): void {
    const snapshot = this.listeners.snapshot;
    for (let i = 0; i < snapshot.length; i++) snapshot[i]();
  }
}

/** An overlay driven by hand (tests, or a membership list set by an operator). */
export class ManualOverlay implements Overlay {
  private readonly events = new OverlayEvents();
  private current: NodeId[];

  constructor(
    readonly name: string,
    neighbours: readonly NodeId[] = [],
  ) {
    this.current = [...neighbours];
  }

  neighbours(): readonly NodeId[] {
    return this.current;
  }

  subscribe(listener: OverlayListener): Subscription {
    return this.events.subscribe(listener);
  }

  join(peer: NodeId): void {
    if (this.current.includes(peer)) return;
    this.current = [...this.current, peer];
    this.events.emit({ kind: 'join', peer });
    this.events.emit({ kind: 'neighbours-changed', neighbours: this.current });
  }

  leave(peer: NodeId): void {
    if (!this.current.includes(peer)) return;
    this.current = this.current.filter((p) => p !== peer);
    this.events.emit({ kind: 'leave', peer });
    this.events.emit({ kind: 'neighbours-changed', neighbours: this.current });
  }
}

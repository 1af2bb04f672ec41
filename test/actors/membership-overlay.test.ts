/**
 * The event-driven notification path: a protocol's change hook -> MembershipOverlay -> peer
 * actor -> notification actor -> services. Unit tests on a hand-driven source, then the real
 * gossip, Chord and CAN protocols in small simulated worlds: their overlays are in step with
 * the protocol at every instant (nothing waits for a period), each change is raised once, and
 * two runs raise the same events.
 */
import { describe, expect, it } from 'vitest';
import { MembershipHook, MembershipOverlay, type MembershipSource, type NotificationOrigin, type OverlayEvent, PeerActor, type Subscription } from '../../src/actors/index.js';
import { CanProtocol, defaultCanConfig } from '../../src/protocols/can/index.js';
import { ChordProtocol, defaultChordConfig } from '../../src/protocols/chord/index.js';
import { GossipProtocol, defaultGossipConfig } from '../../src/protocols/gossip/index.js';
import type { NodeContext, NodeId, Protocol, StackBuilder } from '../../src/runtime/context.js';
import { ActorWorld } from './world.js';

/** A membership set by hand; `fire` calls the hook as a protocol would after a handler. */
class HandSource implements MembershipSource {
  private readonly hook = new MembershipHook();
  constructor(public members: NodeId[] = []) {}
  membership(): readonly NodeId[] {
    return this.members;
  }
  onMembershipChange(listener: () => void): Subscription {
    return this.hook.add(listener);
  }
  set(members: NodeId[]): void {
    this.members = members;
    this.hook.fire();
  }
}

function record(overlay: MembershipOverlay): string[] {
  const log: string[] = [];
  overlay.subscribe((e: OverlayEvent) => log.push(e.kind === 'neighbours-changed' ? `changed ${e.neighbours.join(',')}` : `${e.kind} ${e.peer}`));
  return log;
}

describe('MembershipOverlay', () => {
  it('raises leaves, then joins, then one neighbours-changed, at the change; nothing when the hook fires without a change', () => {
    const source = new HandSource([1, 2]);
    const overlay = new MembershipOverlay('hand', 0, source);
    expect(overlay.neighbours()).toEqual([1, 2]);
    const log = record(overlay);
    source.set([2, 3, 4]);
    expect(log).toEqual(['leave 1', 'join 3', 'join 4', 'changed 2,3,4']);
    source.set([2, 3, 4]); // the protocol ran a handler that changed nothing
    source.set([2, 3, 4]);
    expect(log).toHaveLength(4);
    source.set([]);
    expect(log.slice(4)).toEqual(['leave 2', 'leave 3', 'leave 4', 'changed ']);
    expect(overlay.changeCount).toBe(2);
  });

  it('drops self, repeats and -1, and keeps a new order of the same members without an event', () => {
    const source = new HandSource();
    const overlay = new MembershipOverlay('hand', 7, source);
    const log = record(overlay);
    source.set([7, 3, -1, 3, 5]);
    expect(log).toEqual(['join 3', 'join 5', 'changed 3,5']);
    source.set([5, 3, 7]);
    expect(log).toHaveLength(3);
    expect(overlay.neighbours()).toEqual([5, 3]);
  });

  it('reaches services through a peer actor, once per change and in order, and stops at close', () => {
    const source = new HandSource();
    const overlay = new MembershipOverlay('ring', 0, source);
    const peer = new PeerActor('svc@ring', overlay);
    const heard: string[] = [];
    const origins = new Set<string>();
    const note = (what: string, origin: NotificationOrigin): void => {
      heard.push(what);
      origins.add(`${origin.peerActor}/${origin.overlay}`);
    };
    peer.subscribe({
      onJoin: (p, o) => note(`join ${p}`, o),
      onLeave: (p, o) => note(`leave ${p}`, o),
      onNeighboursChanged: (n, o) => note(`changed ${n.join(',')}`, o),
    });
    source.set([4]);
    source.set([4, 9]);
    source.set([9]);
    expect(heard).toEqual(['join 4', 'changed 4', 'join 9', 'changed 4,9', 'leave 4', 'changed 9']);
    expect([...origins]).toEqual(['svc@ring/ring']);
    overlay.close();
    source.set([1]);
    expect(heard).toHaveLength(6);
    expect(overlay.neighbours()).toEqual([9]);
  });
});

/** Per node: every event its overlay raised, with the time; and how often it was out of step with its protocol. */
interface Trace {
  readonly events: string[];
  outOfStep: number;
  checks: number;
}

/**
 * `n` nodes running `build` (a protocol offering a change hook), each with a MembershipOverlay
 * over it; the overlay is compared with the protocol every 97 ms of the run (a period prime to
 * the protocols' own), and every event is logged with its time.
 */
function traceWorld<P extends Protocol & MembershipSource>(n: number, seed: number, name: string, build: (ctx: NodeContext) => P, untilMs: number): Trace[] {
  const traces: Trace[] = Array.from({ length: n }, () => ({ events: [], outOfStep: 0, checks: 0 }));
  const overlays: MembershipOverlay<P>[] = [];
  let world: ActorWorld | null = null;
  const stack: StackBuilder = (contextFor) => {
    const ctx = contextFor(name);
    const protocol = build(ctx);
    const overlay = new MembershipOverlay(name, ctx.id, protocol);
    overlays[ctx.id] = overlay;
    overlay.subscribe((e) => {
      const t = world === null ? 0 : world.nowMs();
      traces[ctx.id].events.push(`${t} ${e.kind === 'neighbours-changed' ? `changed ${e.neighbours.join(',')}` : `${e.kind} ${e.peer}`}`);
    });
    return new Map([[name, protocol]]);
  };
  world = new ActorWorld(n, seed, stack);
  const w = world;
  const check = (): void => {
    for (let id = 0; id < n; id++) {
      const overlay = overlays[id];
      const truth = new Set(overlay.source.membership().filter((p) => p !== id && p >= 0));
      const seen = overlay.neighbours();
      traces[id].checks++;
      if (seen.length !== truth.size || seen.some((p) => !truth.has(p))) traces[id].outOfStep++;
    }
    if (w.nowMs() + 97 <= untilMs) w.at(w.nowMs() + 97, check);
  };
  w.at(97, check);
  w.runUntil(untilMs);
  return traces;
}

/** Each neighbours-changed differs from the one before it (a change is raised once). */
function changesAreDistinct(events: readonly string[]): boolean {
  const lists = events.filter((e) => e.includes(' changed ')).map((e) => e.split(' changed ')[1].split(',').sort().join(','));
  return lists.every((list, i) => i === 0 || list !== lists[i - 1]);
}

describe('overlays of real protocols raise their events at the change', () => {
  const cases: { name: string; build: (ctx: NodeContext) => Protocol & MembershipSource; untilMs: number }[] = [
    { name: 'gossip', build: (ctx: NodeContext) => buildGossip(ctx), untilMs: 30_000 },
    { name: 'chord', build: (ctx: NodeContext) => new ChordProtocol(ctx, { ...defaultChordConfig, stabilizePeriodMs: 500, fixFingersPeriodMs: 1000, checkPredecessorPeriodMs: 1000, lookupPeriodMs: 0, successorListLength: 4 }), untilMs: 30_000 },
    { name: 'can', build: (ctx: NodeContext) => new CanProtocol(ctx, { ...defaultCanConfig, joinStaggerMs: 200, lookupPeriodMs: 0 }), untilMs: 30_000 },
  ];
  for (const c of cases) {
    it(`${c.name}: in step with the protocol at every check, each change raised once, the same events on a second run`, () => {
      const first = traceWorld(12, 3, c.name, c.build, c.untilMs);
      const events = first.reduce((sum, t) => sum + t.events.length, 0);
      expect(events).toBeGreaterThan(12); // every node heard of its neighbourhood forming
      for (const trace of first) {
        expect(trace.checks).toBeGreaterThan(100);
        expect(trace.outOfStep).toBe(0); // a polled overlay would lag the protocol until its next read
        expect(changesAreDistinct(trace.events)).toBe(true);
      }
      const second = traceWorld(12, 3, c.name, c.build, c.untilMs);
      expect(second.map((t) => t.events)).toEqual(first.map((t) => t.events));
    });
  }
});

function buildGossip(ctx: NodeContext): GossipProtocol {
  return new GossipProtocol(ctx, { ...defaultGossipConfig, periodMs: 500, viewSize: 6, shuffleLength: 3 });
}

/**
 * The stateful shell of greedy routing with learnt long links.
 *
 * Workload: every requestPeriodMs a node picks a target T uniformly among all other node ids
 * (its own random stream) and asks T for its coordinate (`routing.locate`: ids are addresses, as
 * in a live deployment's peer list). T answers with its current coordinate and its closest peers
 * (the landing zone); T is not learnt from this, it only says where to go. A T that does not
 * answer before the timeout (down, unreachable) ends the request unlocated and undelivered.
 * Callers that already know T's coordinate use `startRequest` (no landing zone).
 *
 * Routing: the request carries T's coordinate, the landing zone and the path so far (each node
 * with its coordinate). A node forwards it to T when T is a neighbour or the node is in the
 * landing zone, else to a neighbour in the landing zone, else greedily (routing-core.ts) to the
 * candidate closest to T: close neighbours (the spiral close set, whose coordinates it learns by
 * greeting them, or the gossip view while the set is empty), inbound neighbours (nodes that
 * greeted it) and long links, with the gossip view as the way out of a local minimum.
 *
 * Learning, at no extra message: every node on the path offers the path's nodes and T to its
 * long-link cache once it has forwarded (what it learns serves later requests, never the one
 * that taught it); S offers the whole path when T's answer comes back. Outcomes are only
 * recorded here; hops, stretch and success are computed outside, against ground truth.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import type { PeerSampler } from '../peer-sampler.js';
import type { Coordinate } from '../vivaldi/vivaldi-core.js';
import { LongLinkCache } from './long-link-cache.js';
import { NeighbourBook } from './neighbour-book.js';
import { type RoutingConfig, validateRoutingConfig } from './routing-config.js';
import { greedyNextHop, landingNextHop, routedDistanceMs } from './routing-core.js';
import {
  LOCATE_SIZE_BYTES,
  type RoutedNode,
  type RoutingDone,
  type RoutingHello,
  type RoutingHelloReply,
  type RoutingLocate,
  type RoutingLocated,
  type RoutingMessage,
  type RoutingRequest,
  doneSizeBytes,
  helloSizeBytes,
  locatedSizeBytes,
  requestSizeBytes,
} from './routing-messages.js';

/** Where coordinates come from (implemented by VivaldiProtocol). */
export interface RoutingCoordinateSource {
  coordinate(): Coordinate;
  peerCoordinate(peer: NodeId): Coordinate | undefined;
}

/** Where the close neighbours come from (implemented by SpiralProtocol). */
export interface CloseNeighbourSource {
  closePeers(): readonly NodeId[];
}

/** One finished (or timed-out) request, as its source saw it. */
export interface RoutingOutcome {
  readonly source: NodeId;
  readonly target: NodeId;
  readonly requestId: number;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  /** The nodes visited, source first (the target last when delivered); just the source when lost. */
  readonly path: readonly NodeId[];
  /** Forwards: path.length - 1. */
  readonly hops: number;
  /** The target's coordinate was known (given, or its answer to `routing.locate` came back), so routing began. */
  readonly located: boolean;
  readonly delivered: boolean;
}

interface PendingRequest {
  readonly target: NodeId;
  readonly startedAtMs: number;
  readonly timer: TimerHandle;
  located: boolean;
}

export class RoutingProtocol implements Protocol {
  private readonly cache: LongLinkCache;
  private readonly book: NeighbourBook;
  private readonly pending = new Map<number, PendingRequest>();
  private outcomes: RoutingOutcome[] = [];
  private nextRequestId = 0;
  private timer: TimerHandle | null = null;
  private neighbourTimer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly sampler: PeerSampler,
    private readonly close: CloseNeighbourSource,
    private readonly coords: RoutingCoordinateSource,
    private readonly config: RoutingConfig,
    /** Node ids are 0..nodeCount-1: the targets of self-issued requests (0 when it issues none). */
    private readonly nodeCount = 0,
  ) {
    validateRoutingConfig(config);
    if (!(Number.isInteger(nodeCount) && nodeCount >= 0)) throw new RangeError(`routing node count must be an integer >= 0, got ${nodeCount}`);
    this.cache = new LongLinkCache({ buckets: config.longLinkBuckets, perBucket: config.longLinksPerBucket, baseMs: config.longLinkBaseMs });
    this.book = new NeighbourBook(config.neighboursMax);
  }

  onStart(): void {
    const { requestPeriodMs, requestStartMs, neighbourPeriodMs } = this.config;
    if (requestPeriodMs > 0) this.timer = this.ctx.setTimer(requestStartMs + this.ctx.rng.next() * requestPeriodMs, this.onPeriod);
    if (neighbourPeriodMs > 0) this.neighbourTimer = this.ctx.setTimer(this.ctx.rng.next() * neighbourPeriodMs, this.onNeighbourPeriod);
  }

  onStop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.neighbourTimer?.cancel();
    this.neighbourTimer = null;
    for (const p of this.pending.values()) p.timer.cancel();
    this.pending.clear();
  }

  /** The long links, nearest octave first (for tests and metrics). */
  longLinks(): RoutedNode[] {
    return this.cache.links();
  }

  longLinkCount(): number {
    return this.cache.size;
  }

  get longLinkCapacity(): number {
    return this.cache.capacity;
  }

  /** Close and inbound neighbours whose coordinate routing holds (for tests and metrics). */
  neighbourCount(): number {
    return this.book.size;
  }

  /** The finished requests recorded since the last call, in finishing order. */
  drainRequests(): RoutingOutcome[] {
    const out = this.outcomes;
    this.outcomes = [];
    return out;
  }

  /** Route a request to `target`, known by `targetCoord`; returns its id, or -1 if refused (too many in flight). */
  startRequest(target: NodeId, targetCoord: Coordinate): number {
    const requestId = this.open(target, true);
    if (requestId >= 0) this.route(requestId, { peer: target, vec: targetCoord.vec, heightMs: targetCoord.heightMs }, []);
    return requestId;
  }

  /** Ask `target` for its coordinate, then route to it; returns the request id, or -1 if refused. */
  requestTo(target: NodeId): number {
    const requestId = this.open(target, false);
    if (requestId >= 0) {
      const locate: RoutingLocate = { type: 'routing.locate', requestId };
      this.ctx.send(target, locate, LOCATE_SIZE_BYTES);
    }
    return requestId;
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as RoutingMessage;
    switch (msg.type) {
      case 'routing.request':
        return this.onRequest(msg);
      case 'routing.done':
        return this.onDone(msg);
      case 'routing.locate':
        return this.onLocate(from, msg);
      case 'routing.located':
        return this.onLocated(from, msg);
      case 'routing.hello':
        return this.onHello(from, msg);
      case 'routing.hello-reply':
        return this.onHelloReply(from, msg);
      default:
        this.ctx.metrics.count('routing.unknown_messages');
    }
  }

  /** A pending request to `target`, its timeout armed; -1 when too many are in flight. */
  private open(target: NodeId, located: boolean): number {
    if (!(Number.isInteger(target) && target >= 0 && target !== this.ctx.id)) throw new RangeError(`routing target must be another node id, got ${target}`);
    if (this.pending.size >= this.config.pendingMax) {
      this.ctx.metrics.count('routing.requests_refused');
      return -1;
    }
    const requestId = this.nextRequestId++;
    const timer = this.ctx.setTimer(this.config.requestTimeoutMs, () => this.finish(requestId, [this.ctx.id], false));
    this.pending.set(requestId, { target, startedAtMs: this.ctx.nowMs(), timer, located });
    return requestId;
  }

  private route(requestId: number, target: RoutedNode, landing: readonly NodeId[]): void {
    this.forward({ type: 'routing.request', requestId, target, landing, path: [this.self()] });
  }

  private onLocate(from: NodeId, msg: RoutingLocate): void {
    const c = this.coords.coordinate();
    const landing = this.close.closePeers().slice(0, this.config.landingMax);
    const located: RoutingLocated = { type: 'routing.located', requestId: msg.requestId, vec: c.vec, heightMs: c.heightMs, landing };
    this.ctx.send(from, located, locatedSizeBytes(c.vec.length, landing.length));
  }

  private onLocated(from: NodeId, msg: RoutingLocated): void {
    if (!Array.isArray(msg.vec) || typeof msg.heightMs !== 'number' || !Array.isArray(msg.landing)) {
      this.ctx.metrics.count('routing.bad_messages');
      return;
    }
    const pending = this.pending.get(msg.requestId);
    if (pending === undefined || pending.located || pending.target !== from) return; // timed out, a duplicate, or not ours
    pending.located = true;
    this.route(msg.requestId, { peer: from, vec: msg.vec, heightMs: msg.heightMs }, msg.landing.slice(0, this.config.landingMax));
  }

  /** Greet the close peers whose coordinate is not in the book yet. */
  private readonly onNeighbourPeriod = (): void => {
    const me = this.coords.coordinate();
    const hello: RoutingHello = { type: 'routing.hello', vec: me.vec, heightMs: me.heightMs };
    for (const peer of this.close.closePeers()) if (peer !== this.ctx.id && !this.book.hasOutbound(peer)) this.ctx.send(peer, hello, helloSizeBytes(me.vec.length));
    this.neighbourTimer = this.ctx.setTimer(this.config.neighbourPeriodMs, this.onNeighbourPeriod);
  };

  private onHello(from: NodeId, msg: RoutingHello): void {
    if (!Array.isArray(msg.vec) || typeof msg.heightMs !== 'number' || from === this.ctx.id) {
      this.ctx.metrics.count('routing.bad_messages');
      return;
    }
    this.book.putInbound({ peer: from, vec: msg.vec, heightMs: msg.heightMs });
    const me = this.coords.coordinate();
    const reply: RoutingHelloReply = { type: 'routing.hello-reply', vec: me.vec, heightMs: me.heightMs };
    this.ctx.send(from, reply, helloSizeBytes(me.vec.length));
  }

  private onHelloReply(from: NodeId, msg: RoutingHelloReply): void {
    if (!Array.isArray(msg.vec) || typeof msg.heightMs !== 'number' || from === this.ctx.id) {
      this.ctx.metrics.count('routing.bad_messages');
      return;
    }
    this.book.putOutbound({ peer: from, vec: msg.vec, heightMs: msg.heightMs });
  }

  private readonly onPeriod = (): void => {
    this.startRandomRequest();
    this.timer = this.ctx.setTimer(this.config.requestPeriodMs, this.onPeriod);
  };

  /** A target drawn uniformly among all the other node ids, wherever they are (and whether up or not). */
  private startRandomRequest(): void {
    if (this.nodeCount < 2) {
      this.ctx.metrics.count('routing.no_target');
      return;
    }
    let target = this.ctx.rng.int(this.nodeCount - 1);
    if (target >= this.ctx.id) target++;
    this.requestTo(target);
  }

  private self(): RoutedNode {
    const c = this.coords.coordinate();
    return { peer: this.ctx.id, vec: c.vec, heightMs: c.heightMs };
  }

  /** Learning: offer every node seen (never self) to the long-link cache, at its distance from self; refresh the book's coordinates. */
  private learn(nodes: readonly RoutedNode[]): void {
    const me = this.coords.coordinate();
    for (const n of nodes) {
      if (n.peer === this.ctx.id) continue;
      this.cache.offer(n, routedDistanceMs(me, n));
      this.book.update(n);
    }
  }

  /**
   * Close neighbours (the gossip view while the close set is empty) with a known coordinate,
   * inbound neighbours (nodes that hold this one close), then long links.
   */
  private candidates(): RoutedNode[] {
    const closePeers = this.close.closePeers();
    const neighbours = closePeers.length > 0 ? closePeers : this.sampler.peers();
    return this.withCoordinates(neighbours).concat(this.book.inbound(), this.cache.links());
  }

  /** The gossip view, the way out of a local minimum (empty while it stands in for the close set). */
  private gossipNeighbours(): RoutedNode[] {
    return this.close.closePeers().length > 0 ? this.withCoordinates(this.sampler.peers()) : [];
  }

  private withCoordinates(peers: readonly NodeId[]): RoutedNode[] {
    const out: RoutedNode[] = [];
    for (const peer of peers) {
      const known = this.book.get(peer);
      if (known !== undefined) {
        out.push(known);
        continue;
      }
      const c = this.coords.peerCoordinate(peer);
      if (c !== undefined) out.push({ peer, vec: c.vec, heightMs: c.heightMs });
    }
    return out;
  }

  private isDirectNeighbour(peer: NodeId): boolean {
    return this.book.isInbound(peer) || this.close.closePeers().includes(peer) || this.sampler.peers().includes(peer);
  }

  private onRequest(msg: RoutingRequest): void {
    if (!Array.isArray(msg.path) || msg.path.length === 0 || typeof msg.target !== 'object' || !Array.isArray(msg.target.vec) || !Array.isArray(msg.landing)) {
      this.ctx.metrics.count('routing.bad_messages');
      return;
    }
    const path = [...msg.path, this.self()];
    if (msg.target.peer === this.ctx.id) {
      this.reply(msg.requestId, path, true);
    } else {
      // Forward on what this node knew before: the target becomes a long link for later requests only.
      this.forward({ ...msg, path });
      this.learn([msg.target]);
    }
    this.learn(msg.path);
  }

  /** `request.path` ends with this node: send it on, or report where it died. */
  private forward(request: RoutingRequest): void {
    const { path, target } = request;
    const next = this.nextHop(request);
    const hopsLeft = next === target.peer || path.length + 1 < this.config.hopsMax;
    if (next < 0 || !hopsLeft) {
      this.ctx.metrics.count(next < 0 ? 'routing.dead_ends' : 'routing.hops_exhausted');
      this.reply(request.requestId, path, false, path[0].peer);
      return;
    }
    this.ctx.send(next, request, requestSizeBytes(target.vec.length, path.length, request.landing.length));
  }

  /**
   * The target when it is a neighbour or this node is in its landing zone; else a neighbour in
   * the landing zone; else greedy (routing-core.ts).
   */
  private nextHop(request: RoutingRequest): NodeId {
    const { path, target } = request;
    const landing = new Set(request.landing);
    if (this.isDirectNeighbour(target.peer) || landing.has(this.ctx.id)) return target.peer;
    const visited = new Set(path.map((n) => n.peer));
    const candidates = this.candidates();
    const gossip = this.gossipNeighbours();
    const viaLanding = landingNextHop(target, candidates.concat(gossip), landing, visited);
    if (viaLanding >= 0) return viaLanding;
    return greedyNextHop(target, candidates, visited, gossip, routedDistanceMs(target, path[path.length - 1]));
  }

  private reply(requestId: number, path: readonly RoutedNode[], delivered: boolean, source: NodeId = path[0].peer): void {
    if (source === this.ctx.id) {
      this.finish(requestId, path.map((n) => n.peer), delivered);
      return;
    }
    const done: RoutingDone = { type: 'routing.done', requestId, delivered, path };
    this.ctx.send(source, done, doneSizeBytes(path[0].vec.length, path.length));
  }

  private onDone(msg: RoutingDone): void {
    if (!Array.isArray(msg.path) || msg.path.length === 0) {
      this.ctx.metrics.count('routing.bad_messages');
      return;
    }
    if (!this.pending.has(msg.requestId)) return; // timed out, or a duplicate
    this.learn(msg.path);
    this.finish(msg.requestId, msg.path.map((n) => n.peer), msg.delivered);
  }

  private finish(requestId: number, path: readonly NodeId[], delivered: boolean): void {
    const pending = this.pending.get(requestId);
    if (pending === undefined) return;
    this.pending.delete(requestId);
    pending.timer.cancel();
    if (this.outcomes.length >= this.config.outcomesMax) {
      this.outcomes.shift();
      this.ctx.metrics.count('routing.outcomes_dropped');
    }
    this.outcomes.push({
      source: this.ctx.id,
      target: pending.target,
      requestId,
      startedAtMs: pending.startedAtMs,
      finishedAtMs: this.ctx.nowMs(),
      path,
      hops: path.length - 1,
      located: pending.located,
      delivered: delivered && path[path.length - 1] === pending.target,
    });
  }
}

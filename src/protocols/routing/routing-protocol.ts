/**
 * The stateful shell of greedy routing with learnt long links. A request from S to a target T
 * carries T's coordinate and the path so far (each node with its coordinate); every node forwards
 * it to the candidate closest to T (see routing-core.ts): its close neighbours (the spiral close
 * set, or the gossip view while that is empty) and its long links. Learning, at no extra message:
 * every node on the path offers the path's nodes and T to its long-link cache once it has
 * forwarded (what it learns serves later requests, never the one that taught it); S offers the
 * whole path when T's answer comes back. Outcomes are only recorded here; hops, stretch and success
 * are computed outside, against the network's ground truth.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import type { PeerSampler } from '../peer-sampler.js';
import type { Coordinate } from '../vivaldi/vivaldi-core.js';
import { LongLinkCache } from './long-link-cache.js';
import { type RoutingConfig, validateRoutingConfig } from './routing-config.js';
import { greedyNextHop, routedDistanceMs } from './routing-core.js';
import { type RoutedNode, type RoutingDone, type RoutingMessage, type RoutingRequest, doneSizeBytes, requestSizeBytes } from './routing-messages.js';

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
  readonly delivered: boolean;
}

interface PendingRequest {
  readonly target: NodeId;
  readonly startedAtMs: number;
  readonly timer: TimerHandle;
}

export class RoutingProtocol implements Protocol {
  private readonly cache: LongLinkCache;
  private readonly pending = new Map<number, PendingRequest>();
  private outcomes: RoutingOutcome[] = [];
  private nextRequestId = 0;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly sampler: PeerSampler,
    private readonly close: CloseNeighbourSource,
    private readonly coords: RoutingCoordinateSource,
    private readonly config: RoutingConfig,
  ) {
    validateRoutingConfig(config);
    this.cache = new LongLinkCache({ buckets: config.longLinkBuckets, perBucket: config.longLinksPerBucket, baseMs: config.longLinkBaseMs });
  }

  onStart(): void {
    if (this.config.requestPeriodMs > 0) this.timer = this.ctx.setTimer(this.ctx.rng.next() * this.config.requestPeriodMs, this.onPeriod);
  }

  onStop(): void {
    this.timer?.cancel();
    this.timer = null;
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

  /** The finished requests recorded since the last call, in finishing order. */
  drainRequests(): RoutingOutcome[] {
    const out = this.outcomes;
    this.outcomes = [];
    return out;
  }

  /** Route a request to `target`, known by `targetCoord`; returns its id, or -1 if refused (too many in flight). */
  startRequest(target: NodeId, targetCoord: Coordinate): number {
    if (!(Number.isInteger(target) && target >= 0 && target !== this.ctx.id)) throw new RangeError(`routing target must be another node id, got ${target}`);
    if (this.pending.size >= this.config.pendingMax) {
      this.ctx.metrics.count('routing.requests_refused');
      return -1;
    }
    const requestId = this.nextRequestId++;
    const timer = this.ctx.setTimer(this.config.requestTimeoutMs, () => this.finish(requestId, [this.ctx.id], false));
    this.pending.set(requestId, { target, startedAtMs: this.ctx.nowMs(), timer });
    const request: RoutingRequest = { type: 'routing.request', requestId, target: { peer: target, vec: targetCoord.vec, heightMs: targetCoord.heightMs }, path: [this.self()] };
    this.forward(request);
    return requestId;
  }

  onMessage(_from: NodeId, message: Message): void {
    const msg = message as RoutingMessage;
    switch (msg.type) {
      case 'routing.request':
        return this.onRequest(msg);
      case 'routing.done':
        return this.onDone(msg);
      default:
        this.ctx.metrics.count('routing.unknown_messages');
    }
  }

  private readonly onPeriod = (): void => {
    this.startRandomRequest();
    this.timer = this.ctx.setTimer(this.config.requestPeriodMs, this.onPeriod);
  };

  /** A target drawn uniformly among the sampled peers whose coordinate is known. */
  private startRandomRequest(): void {
    const known: NodeId[] = [];
    for (const p of this.sampler.peers()) if (p !== this.ctx.id && this.coords.peerCoordinate(p) !== undefined) known.push(p);
    if (known.length === 0) {
      this.ctx.metrics.count('routing.no_target');
      return;
    }
    const target = known[this.ctx.rng.int(known.length)];
    this.startRequest(target, this.coords.peerCoordinate(target) as Coordinate);
  }

  private self(): RoutedNode {
    const c = this.coords.coordinate();
    return { peer: this.ctx.id, vec: c.vec, heightMs: c.heightMs };
  }

  /** Learning: offer every node seen (never self) to the long-link cache, at its distance from self. */
  private learn(nodes: readonly RoutedNode[]): void {
    const me = this.coords.coordinate();
    for (const n of nodes) if (n.peer !== this.ctx.id) this.cache.offer(n, routedDistanceMs(me, n));
  }

  /** Close neighbours (the gossip view while the close set is empty) with a known coordinate, then long links. */
  private candidates(): RoutedNode[] {
    const closePeers = this.close.closePeers();
    const neighbours = closePeers.length > 0 ? closePeers : this.sampler.peers();
    const out: RoutedNode[] = [];
    for (const peer of neighbours) {
      const c = this.coords.peerCoordinate(peer);
      if (c !== undefined) out.push({ peer, vec: c.vec, heightMs: c.heightMs });
    }
    return out.concat(this.cache.links());
  }

  private isDirectNeighbour(peer: NodeId): boolean {
    return this.close.closePeers().includes(peer) || this.sampler.peers().includes(peer);
  }

  private onRequest(msg: RoutingRequest): void {
    if (!Array.isArray(msg.path) || msg.path.length === 0 || typeof msg.target !== 'object' || !Array.isArray(msg.target.vec)) {
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
    const visited = new Set(path.map((n) => n.peer));
    let next = this.isDirectNeighbour(target.peer) ? target.peer : greedyNextHop(target, this.candidates(), visited);
    if (next >= 0 && next !== target.peer && path.length + 1 >= this.config.hopsMax) next = -1;
    if (next < 0) {
      this.ctx.metrics.count('routing.dead_ends');
      this.reply(request.requestId, path, false, path[0].peer);
      return;
    }
    this.ctx.send(next, request, requestSizeBytes(target.vec.length, path.length));
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
      delivered: delivered && path[path.length - 1] === pending.target,
    });
  }
}

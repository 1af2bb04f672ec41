/**
 * CAN (Ratnasamy et al., SIGCOMM 2001) in two dimensions on the unit torus, as a synchronous
 * shell around the pure zone core (zone.ts):
 *   - join: node `zoneCreator` owns the whole space; node k, at k * joinStaggerMs, draws a point
 *     and sends a join to a bootstrap peer, routed greedily to the point's owner, which halves
 *     its zone (longer side first, so dimensions alternate), hands the half holding the point
 *     to the joiner with its neighbour list, and reports its new zone to all its old neighbours;
 *   - neighbour maintenance: every zone change and every `refreshPeriodMs` a node sends its
 *     versioned zone and neighbour list to its neighbours. A receiver keeps the sender when the
 *     zones abut (drops it otherwise, answering once so the sender drops it too) and probes any
 *     listed node that abuts its zone and it does not know (the probed node answers with its
 *     own self-report, the only source of a neighbour's zone);
 *   - routing: forward to the neighbour whose zone is closest to the point (`routeScore`);
 *   - workload: one lookup of a random point every `lookupPeriodMs`, logged for the metrics;
 *   - failures: a neighbour silent for `neighbourTimeoutMs` is dropped. Its zone is NOT taken
 *     over yet (left: the takeover protocol), so lookups into it fail until then.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import { type CanConfig, validateCanConfig } from './can-config.js';
import { type CanLookupOutcome, CanLookupLog } from './can-lookup-log.js';
import {
  type CanJoin,
  type CanJoinAccept,
  type CanLookup,
  type CanLookupReply,
  type CanMessage,
  type CanUpdate,
  JOIN_BYTES,
  JOIN_NACK_BYTES,
  LOOKUP_BYTES,
  LOOKUP_REPLY_BYTES,
  type NeighbourInfo,
  joinAcceptSizeBytes,
  updateSizeBytes,
} from './can-messages.js';
import { UNIT_ZONE, type Zone, routeScore, splitZone, zoneContains, zonesAbut } from './zone.js';

interface Neighbour {
  version: number;
  zone: Zone;
  heardAtMs: number;
}

interface PendingLookup {
  readonly x: number;
  readonly y: number;
  readonly startedAtMs: number;
}

export class CanProtocol implements Protocol {
  private zone: Zone | null = null;
  private version = 0;
  /** Insertion-ordered (deterministic); every entry abuts `zone`. */
  private readonly neighbours = new Map<NodeId, Neighbour>();
  private readonly pending = new Map<number, PendingLookup>();
  private readonly log: CanLookupLog;
  private nextLookupId = 1;
  private bootstrapIndex = 0;
  private joinX = 0;
  private joinY = 0;
  private joinTimer: TimerHandle | null = null;
  private refreshTimer: TimerHandle | null = null;
  private lookupTimer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: CanConfig,
  ) {
    validateCanConfig(config);
    this.log = new CanLookupLog(config.outcomeLogMax);
  }

  // ---- what metrics and tests read ----

  isJoined(): boolean {
    return this.zone !== null;
  }

  /** The zone owned, null before joining. */
  ownZone(): Zone | null {
    return this.zone;
  }

  /** Neighbours as known here, sorted by node id. */
  neighbourList(): NeighbourInfo[] {
    return [...this.neighbours].map(([node, n]) => ({ node, version: n.version, zone: n.zone })).sort((a, b) => a.node - b.node);
  }

  drainLookups(): CanLookupOutcome[] {
    return this.log.drain();
  }

  get lookupsDropped(): number {
    return this.log.dropped;
  }

  // ---- handlers ----

  onStart(): void {
    this.joinX = this.ctx.rng.next();
    this.joinY = this.ctx.rng.next();
    if (this.ctx.id === this.config.zoneCreator) {
      this.zone = UNIT_ZONE;
      this.version = 1;
      this.startPeriodic();
    } else {
      this.joinTimer = this.ctx.setTimer(this.ctx.id * this.config.joinStaggerMs, () => this.tryJoin());
    }
  }

  onStop(): void {
    this.pending.clear();
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as CanMessage;
    switch (msg.type) {
      case 'can.join':
        return this.onJoin(from, msg);
      case 'can.join-nack':
        if (this.zone === null) {
          this.joinTimer?.cancel();
          this.joinTimer = this.ctx.setTimer(this.config.joinRetryMs, () => this.tryJoin());
        }
        return;
      case 'can.join-accept':
        return this.onJoinAccept(msg);
      case 'can.update':
        return this.onUpdate(from, msg);
      case 'can.lookup':
        return this.onLookup(msg);
      case 'can.lookup-reply': {
        const p = this.pending.get(msg.lookupId);
        if (p === undefined) return;
        this.pending.delete(msg.lookupId);
        this.finish(p, msg.owner, msg.hops);
        return;
      }
      default:
        throw new Error(`can: node ${this.ctx.id} got unknown message ${(message as Message).type}`);
    }
  }

  // ---- join ----

  private tryJoin(): void {
    if (this.zone !== null) return;
    const peers = this.ctx.bootstrapPeers().filter((p) => p !== this.ctx.id);
    if (peers.length > 0) {
      const peer = peers[this.bootstrapIndex++ % peers.length];
      const join: CanJoin = { type: 'can.join', joiner: this.ctx.id, x: this.joinX, y: this.joinY, hops: 0 };
      this.ctx.send(peer, join, JOIN_BYTES);
    }
    this.joinTimer = this.ctx.setTimer(this.config.joinTimeoutMs, () => this.tryJoin());
  }

  private onJoin(from: NodeId, msg: CanJoin): void {
    const zone = this.zone;
    if (zone === null) {
      if (from === msg.joiner) this.ctx.send(from, { type: 'can.join-nack' }, JOIN_NACK_BYTES);
      return;
    }
    if (msg.joiner === this.ctx.id) return;
    if (!zoneContains(zone, msg.x, msg.y)) {
      const next = this.nextHop(msg.x, msg.y);
      if (next < 0 || msg.hops >= this.config.hopsMax) {
        this.ctx.metrics.count('can.join.dropped');
        return;
      }
      const forward: CanJoin = { ...msg, hops: msg.hops + 1 };
      this.ctx.send(next, forward, JOIN_BYTES);
      return;
    }
    const [lower, upper] = splitZone(zone);
    const joinerZone = zoneContains(lower, msg.x, msg.y) ? lower : upper;
    const mine = joinerZone === lower ? upper : lower;
    const oldNeighbours = [...this.neighbours.keys()];
    this.zone = mine;
    this.version++;
    const handed: NeighbourInfo[] = [{ node: this.ctx.id, version: this.version, zone: mine }];
    for (const [node, n] of this.neighbours) if (zonesAbut(joinerZone, n.zone)) handed.push({ node, version: n.version, zone: n.zone });
    const accept: CanJoinAccept = { type: 'can.join-accept', zone: joinerZone, version: 1, neighbours: handed };
    this.ctx.send(msg.joiner, accept, joinAcceptSizeBytes(handed.length));
    for (const [node, n] of this.neighbours) if (!zonesAbut(mine, n.zone)) this.neighbours.delete(node);
    this.addNeighbour(msg.joiner, 1, joinerZone);
    this.ctx.metrics.count('can.splits');
    for (const node of oldNeighbours) this.sendUpdate(node, true, false, false);
  }

  private onJoinAccept(msg: CanJoinAccept): void {
    if (this.zone !== null) {
      // A retried join answered twice: the second owner gave away half of its zone for nothing.
      this.ctx.metrics.count('can.join.duplicate');
      return;
    }
    this.joinTimer?.cancel();
    this.zone = msg.zone;
    this.version = msg.version;
    for (const n of msg.neighbours) if (zonesAbut(msg.zone, n.zone)) this.addNeighbour(n.node, n.version, n.zone);
    for (const node of [...this.neighbours.keys()]) this.sendUpdate(node, true, true, false);
    this.startPeriodic();
  }

  // ---- neighbour maintenance ----

  private addNeighbour(node: NodeId, version: number, zone: Zone): void {
    const known = this.neighbours.get(node);
    if (known !== undefined) {
      known.version = version;
      known.zone = zone;
      known.heardAtMs = this.ctx.nowMs();
      return;
    }
    if (this.neighbours.size >= this.config.neighboursMax) {
      this.ctx.metrics.count('can.neighbours.refused');
      return;
    }
    this.neighbours.set(node, { version, zone, heardAtMs: this.ctx.nowMs() });
  }

  private sendUpdate(to: NodeId, withList: boolean, wantReply: boolean, isReply: boolean): void {
    const zone = this.zone;
    if (zone === null) return;
    const list = withList ? this.neighbourList() : null;
    const update: CanUpdate = { type: 'can.update', version: this.version, zone, neighbours: list, wantReply, isReply };
    this.ctx.send(to, update, updateSizeBytes(list === null ? null : list.length));
  }

  private onUpdate(from: NodeId, msg: CanUpdate): void {
    const zone = this.zone;
    if (zone === null || from === this.ctx.id) return;
    const known = this.neighbours.get(from);
    if (known !== undefined && known.version > msg.version) {
      known.heardAtMs = this.ctx.nowMs(); // a late, older report: alive, but its zone is stale
      return;
    }
    const abut = zonesAbut(zone, msg.zone);
    if (abut) this.addNeighbour(from, msg.version, msg.zone);
    else this.neighbours.delete(from);
    if (msg.wantReply || (!abut && !msg.isReply)) this.sendUpdate(from, !abut || msg.wantReply, false, true);
    if (msg.neighbours === null) return;
    for (const n of msg.neighbours) {
      if (n.node === this.ctx.id || !zonesAbut(zone, n.zone)) continue;
      const mine = this.neighbours.get(n.node);
      if (mine === undefined || mine.version < n.version) this.sendUpdate(n.node, false, true, false);
    }
  }

  private startPeriodic(): void {
    this.refreshTimer = this.ctx.setTimer(this.config.refreshPeriodMs, () => this.refresh());
    if (this.config.lookupPeriodMs > 0) this.lookupTimer = this.ctx.setTimer(this.config.lookupPeriodMs, () => this.lookupTick());
  }

  private refresh(): void {
    const nowMs = this.ctx.nowMs();
    for (const [node, n] of this.neighbours) {
      if (nowMs - n.heardAtMs > this.config.neighbourTimeoutMs) {
        this.neighbours.delete(node);
        this.ctx.metrics.count('can.neighbour.timeouts');
      }
    }
    for (const node of [...this.neighbours.keys()]) this.sendUpdate(node, true, false, false);
    this.refreshTimer = this.ctx.setTimer(this.config.refreshPeriodMs, () => this.refresh());
  }

  // ---- routing and lookups ----

  /** The neighbour whose zone is closest to the point (ties: lower node id); -1 with no neighbours. */
  private nextHop(x: number, y: number): NodeId {
    let best = -1;
    let bestScore = Infinity;
    for (const [node, n] of this.neighbours) {
      const score = routeScore(n.zone, x, y);
      if (score < bestScore || (score === bestScore && node < best)) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  private lookupTick(): void {
    const nowMs = this.ctx.nowMs();
    for (const [id, p] of this.pending) {
      if (nowMs - p.startedAtMs >= this.config.lookupTimeoutMs) {
        this.pending.delete(id);
        this.finish(p, -1, 0);
      }
    }
    this.lookupTimer = this.ctx.setTimer(this.config.lookupPeriodMs, () => this.lookupTick());
    const zone = this.zone;
    if (zone === null) return;
    const x = this.ctx.rng.next();
    const y = this.ctx.rng.next();
    const p: PendingLookup = { x, y, startedAtMs: nowMs };
    if (zoneContains(zone, x, y)) return this.finish(p, this.ctx.id, 0);
    if (this.pending.size >= this.config.lookupsInFlightMax) {
      this.ctx.metrics.count('can.lookups.skipped');
      return;
    }
    const next = this.nextHop(x, y);
    if (next < 0) return this.finish(p, -1, 0);
    const lookupId = this.nextLookupId++;
    this.pending.set(lookupId, p);
    const lookup: CanLookup = { type: 'can.lookup', lookupId, origin: this.ctx.id, x, y, hops: 1 };
    this.ctx.send(next, lookup, LOOKUP_BYTES);
  }

  private onLookup(msg: CanLookup): void {
    const zone = this.zone;
    if (zone === null) return;
    if (zoneContains(zone, msg.x, msg.y)) {
      this.reply(msg, this.ctx.id);
      return;
    }
    const next = this.nextHop(msg.x, msg.y);
    if (next < 0 || msg.hops >= this.config.hopsMax) {
      this.reply(msg, -1);
      return;
    }
    const forward: CanLookup = { ...msg, hops: msg.hops + 1 };
    this.ctx.send(next, forward, LOOKUP_BYTES);
  }

  private reply(msg: CanLookup, owner: NodeId): void {
    const reply: CanLookupReply = { type: 'can.lookup-reply', lookupId: msg.lookupId, owner, hops: msg.hops };
    this.ctx.send(msg.origin, reply, LOOKUP_REPLY_BYTES);
  }

  private finish(p: PendingLookup, owner: NodeId, hops: number): void {
    const nowMs = this.ctx.nowMs();
    this.log.record({ x: p.x, y: p.y, owner, hops, ok: owner >= 0, latencyMs: nowMs - p.startedAtMs, finishedAtMs: nowMs });
  }
}

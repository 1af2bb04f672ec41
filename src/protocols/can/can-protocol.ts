/**
 * CAN (Ratnasamy et al., SIGCOMM 2001) in two dimensions on the unit torus, as a synchronous
 * shell around the pure zone core (zone.ts):
 *   - join: node `zoneCreator` owns the whole space at start; node k, at k * joinStaggerMs,
 *     draws a point and sends a join to a bootstrap peer, routed greedily to the point's holder.
 *     A point in the holder's own zone halves it (longer side first, so dimensions alternate);
 *     a point in a zone it took over hands that zone whole (the joiner relieves it of the
 *     extra zone). The joiner gets its zone with the neighbours that abut it;
 *   - neighbour maintenance: every zone change and every `refreshPeriodMs` a node sends the
 *     versioned list of all the zones it holds, and its neighbour list, to its neighbours. A
 *     receiver keeps the sender when some zones abut (drops it otherwise, answering once so the
 *     sender drops it too) and probes any listed node that abuts or overlaps its zones and that
 *     it does not know (the probed node answers with its own self-report, the only source of a
 *     neighbour's zones). A stretch of a side that no known zone covers is probed across;
 *   - failures: a neighbour silent for `neighbourTimeoutMs` is dropped, and its zones that abut
 *     ours are raced for (takeover.ts): the live neighbour holding the least area wins, so a
 *     node may hold several zones (at most `zonesMax`; siblings merge back into their parent).
 *     Two live nodes that find they hold overlapping zones keep the larger (settleConflicts);
 *   - routing: forward to the neighbour with a zone closest to the point (`routeScore`);
 *   - workload: lookups of random points (can-lookups.ts).
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import { MembershipHook, type MembershipSource, type Subscription } from '../../actors/overlay.js';
import { type CanConfig, validateCanConfig } from './can-config.js';
import type { CanLookupOutcome } from './can-lookup-log.js';
import { CanLookups } from './can-lookups.js';
import {
  type CanJoin,
  type CanHolderProbe,
  type CanJoinAccept,
  type CanMessage,
  type CanUpdate,
  HOLDER_PROBE_BYTES,
  JOIN_BYTES,
  JOIN_NACK_BYTES,
  INVITE_BYTES,
  type NeighbourInfo,
  joinAcceptSizeBytes,
  updateSizeBytes,
} from './can-messages.js';
import { type NeighbourEntry, NeighbourTable, isOlderReport } from './neighbour-table.js';
import { type TakeoverHost, TakeoverRaces } from './takeover.js';
import {
  UNIT_ZONE,
  type Zone,
  addZone,
  anyAbut,
  anyOverlap,
  isTreeZone,
  mergeSiblings,
  splitZone,
  totalArea,
  uncoveredSidePoints,
  zoneArea,
  zoneContains,
  zonesHold,
  zonesOverlap,
} from './zone.js';

/** Side probes a node sends per refresh at most (each finds one unknown neighbour, or is lost in an orphaned zone). */
const SIDE_PROBES_MAX = 4;
/** Joiners remembered for an invitation while this node holds no zone. */
const INVITEES_MAX = 8;
/** Hops a holder probe goes at most: it aims next to the asker, a few neighbours away. */
const HOLDER_PROBE_HOPS_MAX = 8;

/** Zone `mine` of node `me` gives way to the overlapping zone `theirs` of `them`: the smaller zone, or the higher id on equal ones. */
function losesTo(mine: Zone, me: NodeId, theirs: Zone, them: NodeId): boolean {
  const a = zoneArea(mine);
  const b = zoneArea(theirs);
  return a < b || (a === b && me > them);
}

/** The creator owns the whole space if it starts within this long of the run's start (a live agent's start is not exactly 0). */
const CREATOR_START_WINDOW_MS = 1000;

export class CanProtocol implements Protocol, MembershipSource {
  /** The zones held: the node's own first, then the ones taken over. Replaced, never mutated (messages share it). */
  private zones: readonly Zone[] = [];
  private version = 0;
  private incarnation = 0;
  private readonly config: CanConfig;
  private readonly neighbours: NeighbourTable;
  private readonly races: TakeoverRaces;
  private readonly lookups: CanLookups;
  private bootstrapIndex = 0;
  private joinX = 0;
  private joinY = 0;
  private joinTimer: TimerHandle | null = null;
  /**
   * Joiners this node turned away while it held no zone, invited once it holds one (bounded):
   * with introducers drawn at random, nobody may know the zone creator, and without invitations
   * no node would ever join.
   */
  private readonly invitees: NodeId[] = [];
  /** An inviter heard before this node's first join attempt (its stagger time): that attempt goes there. */
  private inviter: NodeId = -1;
  private joinAttempted = false;
  private refreshTimer: TimerHandle | null = null;
  private readonly membershipHook = new MembershipHook();

  constructor(
    private readonly ctx: NodeContext,
    config: CanConfig,
  ) {
    validateCanConfig(config);
    this.config = config;
    this.neighbours = new NeighbourTable(this.config.neighboursMax);
    this.races = new TakeoverRaces(ctx, this.config, this.takeoverHost());
    this.lookups = new CanLookups(ctx, this.config, {
      isJoined: () => this.zones.length > 0,
      holds: (x, y) => zonesHold(this.zones, x, y),
      nextHop: (x, y) => this.neighbours.nextHop(x, y),
    });
  }

  // ---- what metrics and tests read ----

  isJoined(): boolean {
    return this.zones.length > 0;
  }

  /** The node's own zone (the first it holds), null before joining. */
  ownZone(): Zone | null {
    return this.zones.length > 0 ? this.zones[0] : null;
  }

  /** Every zone held: the own zone first, then the ones taken over; empty before joining. */
  heldZones(): readonly Zone[] {
    return this.zones;
  }

  /** Neighbours as known here, sorted by node id. */
  neighbourList(): NeighbourInfo[] {
    return this.neighbours.infos();
  }

  /** CAN's membership as an overlay sees it: the zone neighbours, by node id. */
  membership(): readonly NodeId[] {
    return this.neighbours.nodes().sort((a, b) => a - b);
  }

  /** `listener` is called after every change of the set of zone neighbours, from the handler that made it. */
  onMembershipChange(listener: () => void): Subscription {
    // The table calls back only once someone listens: a run without overlays pays nothing.
    this.neighbours.onMembershipChange ??= () => this.membershipHook.fire();
    return this.membershipHook.add(listener);
  }

  drainLookups(): CanLookupOutcome[] {
    return this.lookups.drain();
  }

  get lookupsDropped(): number {
    return this.lookups.dropped;
  }

  /** Throws unless the zones held are tree zones, disjoint and at most zonesMax (tests call it). */
  checkInvariants(): void {
    const zones = this.zones;
    if (zones.length > this.config.zonesMax) throw new Error(`can: node ${this.ctx.id} holds ${zones.length} zones > zonesMax`);
    for (let i = 0; i < zones.length; i++) {
      if (!isTreeZone(zones[i])) throw new Error(`can: node ${this.ctx.id} holds a zone no halving makes: ${JSON.stringify(zones[i])}`);
      for (let j = i + 1; j < zones.length; j++) {
        if (zonesOverlap(zones[i], zones[j])) throw new Error(`can: node ${this.ctx.id} holds overlapping zones`);
      }
    }
  }

  // ---- handlers ----

  onStart(): void {
    this.joinX = this.ctx.rng.next();
    this.joinY = this.ctx.rng.next();
    this.incarnation = Math.floor(this.ctx.rng.next() * 2 ** 32);
    // Only at the run's start: a recovered creator joins like any node (a second whole space would
    // overlap every zone). A live node starts a little after its run's time 0, never exactly at it.
    if (this.ctx.id === this.config.zoneCreator && this.ctx.nowMs() < CREATOR_START_WINDOW_MS) {
      this.zones = [UNIT_ZONE];
      this.version = 1;
      this.startPeriodic();
      this.inviteWaiting();
    } else {
      // Node k joins at k * joinStaggerMs into the run; a node recovered later joins at once.
      const delayMs = Math.max(0, this.ctx.id * this.config.joinStaggerMs - this.ctx.nowMs());
      this.joinTimer = this.ctx.setTimer(delayMs, () => this.tryJoin());
    }
  }

  onStop(): void {
    this.lookups.stop();
    this.races.clear();
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as CanMessage;
    switch (msg.type) {
      case 'can.join':
        return this.onJoin(from, msg);
      case 'can.join-nack':
        if (this.zones.length === 0) {
          this.joinTimer?.cancel();
          this.joinTimer = this.ctx.setTimer(this.config.joinRetryMs, () => this.tryJoin());
        }
        return;
      case 'can.join-accept':
        return this.onJoinAccept(msg);
      case 'can.invite':
        if (this.zones.length > 0) return;
        if (!this.joinAttempted) {
          this.inviter = from; // keep the stagger: join through it when the time comes
          return;
        }
        this.joinTimer?.cancel();
        return this.tryJoin(from);
      case 'can.update':
        return this.onUpdate(from, msg);
      case 'can.takeover':
        return this.races.onClaim(from, msg);
      case 'can.holder-probe':
        return this.onHolderProbe(from, msg);
      case 'can.lookup':
        return this.lookups.onLookup(msg);
      case 'can.lookup-reply':
        return this.lookups.onReply(msg);
      default:
        throw new Error(`can: node ${this.ctx.id} got unknown message ${(message as Message).type}`);
    }
  }

  // ---- join ----

  /** A join through `through` (an inviter), else through the next introducer in turn. */
  private tryJoin(through: NodeId = this.inviter): void {
    if (this.zones.length > 0) return;
    this.joinAttempted = true;
    this.inviter = -1;
    const peers = this.ctx.bootstrapPeers().filter((p) => p !== this.ctx.id);
    if (through >= 0 || peers.length > 0) {
      const peer = through >= 0 ? through : peers[this.bootstrapIndex++ % peers.length];
      const join: CanJoin = {
        type: 'can.join',
        joiner: this.ctx.id,
        incarnation: this.incarnation,
        version: this.version + 1,
        x: this.joinX,
        y: this.joinY,
        hops: 0,
      };
      this.ctx.send(peer, join, JOIN_BYTES);
    }
    this.joinTimer = this.ctx.setTimer(this.config.joinTimeoutMs, () => this.tryJoin());
  }

  private onJoin(from: NodeId, msg: CanJoin): void {
    const zones = this.zones;
    if (zones.length === 0) {
      if (from === msg.joiner) {
        this.ctx.send(from, { type: 'can.join-nack' }, JOIN_NACK_BYTES);
        if (!this.invitees.includes(from) && this.invitees.length < INVITEES_MAX) this.invitees.push(from);
      }
      return;
    }
    if (msg.joiner === this.ctx.id) return;
    const at = zones.findIndex((z) => zoneContains(z, msg.x, msg.y));
    if (at < 0) {
      const next = this.neighbours.nextHop(msg.x, msg.y);
      if (next < 0 || msg.hops >= this.config.hopsMax) {
        this.ctx.metrics.count('can.join.dropped');
        return;
      }
      const forward: CanJoin = { ...msg, hops: msg.hops + 1 };
      this.ctx.send(next, forward, JOIN_BYTES);
      return;
    }
    let joinerZone: Zone;
    let kept: Zone[];
    if (at > 0) {
      joinerZone = zones[at];
      kept = zones.filter((_, i) => i !== at);
      this.ctx.metrics.count('can.zones.handed');
    } else {
      const [lower, upper] = splitZone(zones[0]);
      joinerZone = zoneContains(lower, msg.x, msg.y) ? lower : upper;
      kept = [joinerZone === lower ? upper : lower, ...zones.slice(1)];
      this.ctx.metrics.count('can.splits');
    }
    const oldNeighbours = this.neighbours.nodes();
    this.zones = kept;
    this.version++;
    const handed: NeighbourInfo[] = [];
    if (anyAbut(kept, [joinerZone])) handed.push({ node: this.ctx.id, incarnation: this.incarnation, version: this.version, zones: kept });
    for (const node of oldNeighbours) {
      const n = this.neighbours.get(node) as NeighbourEntry;
      if (anyAbut(n.zones, [joinerZone])) handed.push({ node, incarnation: n.incarnation, version: n.version, zones: n.zones });
    }
    const accept: CanJoinAccept = { type: 'can.join-accept', zone: joinerZone, version: msg.version, neighbours: handed };
    this.ctx.send(msg.joiner, accept, joinAcceptSizeBytes(handed));
    this.neighbours.keepAbutting(kept);
    if (anyAbut(kept, [joinerZone])) {
      this.addNeighbour(msg.joiner, { incarnation: msg.incarnation, version: msg.version, zones: [joinerZone], heardAtMs: this.ctx.nowMs() }, null);
    }
    for (const node of oldNeighbours) this.sendUpdate(node, true, false, false);
  }

  private onJoinAccept(msg: CanJoinAccept): void {
    if (this.zones.length > 0) {
      // A retried join answered twice: the second holder gave its zone away anyway; hold it rather than orphan it.
      this.ctx.metrics.count('can.join.duplicate');
      if (this.hasRoomFor(msg.zone)) this.gainZone(msg.zone, msg.neighbours);
      else this.ctx.metrics.count('can.zones.lost');
      return;
    }
    this.joinTimer?.cancel();
    this.zones = [msg.zone];
    this.version = Math.max(this.version + 1, msg.version);
    for (const n of msg.neighbours) {
      if (anyAbut(this.zones, n.zones)) this.addNeighbour(n.node, { incarnation: n.incarnation, version: n.version, zones: n.zones, heardAtMs: this.ctx.nowMs() }, null);
    }
    for (const node of this.neighbours.nodes()) this.sendUpdate(node, true, true, false);
    this.startPeriodic();
    this.inviteWaiting();
  }

  /** Now holding a zone: invite the joiners turned away, and the introducers (those already in ignore it). */
  private inviteWaiting(): void {
    const invited = new Set<NodeId>();
    for (const node of [...this.invitees, ...this.ctx.bootstrapPeers()]) {
      if (node === this.ctx.id || invited.has(node)) continue;
      invited.add(node);
      this.ctx.send(node, { type: 'can.invite' }, INVITE_BYTES);
    }
    this.invitees.length = 0;
  }

  // ---- neighbour maintenance ----

  private addNeighbour(node: NodeId, info: Omit<NeighbourEntry, 'list'>, list: readonly NeighbourInfo[] | null): void {
    if (!this.neighbours.upsert(node, info, list)) this.ctx.metrics.count('can.neighbours.refused');
  }

  private sendUpdate(to: NodeId, withList: boolean, wantReply: boolean, isReply: boolean): void {
    if (this.zones.length === 0) return;
    const list = withList ? this.neighbours.infos() : null;
    const update: CanUpdate = { type: 'can.update', incarnation: this.incarnation, version: this.version, zones: this.zones, neighbours: list, wantReply, isReply };
    this.ctx.send(to, update, updateSizeBytes(this.zones, list));
  }

  private onUpdate(from: NodeId, msg: CanUpdate): void {
    if (this.zones.length === 0 || from === this.ctx.id) return;
    const nowMs = this.ctx.nowMs();
    const known = this.neighbours.get(from);
    if (known !== undefined && isOlderReport(msg.incarnation, msg.version, known)) {
      known.heardAtMs = nowMs; // a late, older report: alive, but its zones are stale
      return;
    }
    // A restarted node: what its previous incarnation held is nobody's now, unless it holds it again.
    const previous = known !== undefined && known.incarnation !== msg.incarnation ? { zones: known.zones, list: known.list ?? [] } : null;
    if (anyOverlap(this.zones, msg.zones)) {
      this.settleConflicts(from, msg);
      if (this.zones.length === 0) return;
    }
    this.races.covered(msg.zones);
    this.neighbours.dropSuperseded(from, msg.zones, nowMs - 1.5 * this.config.refreshPeriodMs);
    const abut = anyAbut(this.zones, msg.zones);
    if (abut) this.addNeighbour(from, { incarnation: msg.incarnation, version: msg.version, zones: msg.zones, heardAtMs: nowMs }, msg.neighbours);
    else this.neighbours.delete(from);
    if (previous !== null) {
      for (const z of previous.zones) if (!anyOverlap(msg.zones, [z])) this.races.orphaned(z, from, previous.list);
    }
    if (msg.wantReply || (!abut && !msg.isReply)) this.sendUpdate(from, !abut || msg.wantReply, false, true);
    if (msg.neighbours === null) return;
    for (const n of msg.neighbours) {
      if (n.node === this.ctx.id || !(anyAbut(this.zones, n.zones) || anyOverlap(this.zones, n.zones))) continue;
      const mine = this.neighbours.get(n.node);
      if (mine === undefined || mine.incarnation !== n.incarnation || mine.version < n.version) this.sendUpdate(n.node, false, true, false);
    }
  }

  /**
   * Two live nodes hold overlapping zones (a takeover duplicated despite the race, or a node
   * wrongly thought dead): tree zones nest, so the node with the smaller zone (the higher id on
   * equal zones) drops it and the space stays covered. Both sides apply the same rule.
   */
  private settleConflicts(from: NodeId, msg: CanUpdate): void {
    const me = this.ctx.id;
    const lost = this.zones.filter((z) => msg.zones.some((theirs) => zonesOverlap(z, theirs) && losesTo(z, me, theirs, from)));
    const kept = this.zones.filter((z) => !lost.includes(z));
    if (lost.length > 0) {
      this.ctx.metrics.count('can.takeover.conflicts', lost.length);
      this.zones = kept;
      this.version++;
      if (kept.length === 0) return this.leaveSpace();
      const oldNeighbours = this.neighbours.nodes();
      this.neighbours.keepAbutting(kept);
      for (const node of oldNeighbours) this.sendUpdate(node, true, false, false);
    }
    if (anyOverlap(kept, msg.zones)) this.sendUpdate(from, false, false, true); // they lose: make sure they hear us
  }

  /** Lost every zone in a conflict: join again, at the same point. */
  private leaveSpace(): void {
    this.zones = [];
    this.neighbours.clear();
    this.races.clear();
    this.joinTimer?.cancel();
    this.joinTimer = this.ctx.setTimer(0, () => this.tryJoin());
  }

  private startPeriodic(): void {
    if (this.refreshTimer === null || !this.refreshTimer.active) {
      this.refreshTimer = this.ctx.setTimer(this.config.refreshPeriodMs, () => this.refresh());
    }
    this.lookups.start();
  }

  private refresh(): void {
    for (const { node, entry } of this.neighbours.removeSilent(this.ctx.nowMs(), this.config.neighbourTimeoutMs)) {
      this.ctx.metrics.count('can.neighbour.timeouts');
      for (const zone of entry.zones) this.races.orphaned(zone, node, entry.list ?? []);
    }
    for (const node of this.neighbours.nodes()) this.sendUpdate(node, true, false, false);
    this.probeSideGaps();
    this.refreshTimer = this.ctx.setTimer(this.config.refreshPeriodMs, () => this.refresh());
  }

  /**
   * Looks for the neighbours no list named: each stretch of a side of our zones that no known
   * zone covers gets a probe routed to a point just across it (at most SIDE_PROBES_MAX per refresh).
   */
  private probeSideGaps(): void {
    const known = [...this.zones, ...this.neighbours.allZones()];
    let sent = 0;
    for (const zone of this.zones) {
      for (const p of uncoveredSidePoints(zone, known)) {
        if (sent++ >= SIDE_PROBES_MAX) return;
        this.ctx.metrics.count('can.side_probes');
        this.sendHolderProbe({ type: 'can.holder-probe', x: p.x, y: p.y, asker: this.ctx.id, hops: 0 }, -1);
      }
    }
  }

  /** The holder of the point answers the asker with its report; others pass the probe on greedily. */
  private onHolderProbe(from: NodeId, msg: CanHolderProbe): void {
    if (this.zones.length === 0) return;
    if (zonesHold(this.zones, msg.x, msg.y)) {
      if (msg.asker !== this.ctx.id) this.sendUpdate(msg.asker, true, true, false);
      return;
    }
    this.sendHolderProbe(msg, from);
  }

  private sendHolderProbe(msg: CanHolderProbe, except: NodeId): void {
    if (msg.hops >= HOLDER_PROBE_HOPS_MAX) return;
    const next = this.neighbours.nextHop(msg.x, msg.y, except);
    if (next < 0) return;
    const forward: CanHolderProbe = { ...msg, hops: msg.hops + 1 };
    this.ctx.send(next, forward, HOLDER_PROBE_BYTES);
  }

  // ---- takeover ----

  private hasRoomFor(zone: Zone): boolean {
    return this.zones.length < this.config.zonesMax || this.zones.some((z) => mergeSiblings(z, zone) !== null);
  }

  /**
   * Adds a zone (merged with a sibling when one is held) and tells its neighbours. The nodes of
   * `list` (the last list of the dead node, or the giver's) that abut it become neighbours at
   * once, on trust: a live one answers our greeting, a dead one times out and its zones are
   * raced for in turn (it may have died with the node whose zone we took).
   */
  private gainZone(zone: Zone, list: readonly NeighbourInfo[]): void {
    this.zones = addZone(this.zones, zone);
    this.version++;
    const nowMs = this.ctx.nowMs();
    this.neighbours.dropSuperseded(this.ctx.id, [zone], nowMs);
    const oldNeighbours = this.neighbours.nodes();
    for (const n of list) {
      if (n.node === this.ctx.id || this.neighbours.get(n.node) !== undefined || !anyAbut([zone], n.zones) || anyOverlap(this.zones, n.zones)) continue;
      this.addNeighbour(n.node, { incarnation: n.incarnation, version: n.version, zones: n.zones, heardAtMs: nowMs }, null);
      this.sendUpdate(n.node, true, true, false);
    }
    for (const node of oldNeighbours) this.sendUpdate(node, true, false, false);
    this.races.zonesGrew();
  }

  private takeoverHost(): TakeoverHost {
    return {
      heldArea: () => totalArea(this.zones),
      abuts: (zone) => anyAbut(this.zones, [zone]),
      hasRoomFor: (zone) => this.hasRoomFor(zone),
      isCovered: (zone, dead) => anyOverlap(this.zones, [zone]) || this.neighbours.holdersOf(zone, dead).length > 0,
      holdersOf: (zone, dead) => this.neighbours.holdersOf(zone, dead),
      holds: (zone) => anyOverlap(this.zones, [zone]),
      lastListOf: (dead) => this.neighbours.get(dead)?.list ?? [],
      neighboursOf: (zone, deadList) => {
        const out = new Set<NodeId>();
        for (const n of deadList) if (n.node !== this.ctx.id && anyAbut([zone], n.zones)) out.add(n.node);
        for (const node of this.neighbours.abutting(zone)) out.add(node);
        return [...out];
      },
      takeOver: (zone, _dead, deadList) => {
        this.ctx.metrics.count('can.takeovers');
        this.gainZone(zone, deadList);
      },
      report: (to) => this.sendUpdate(to, false, true, false),
      probeHolder: (x, y, except) => this.sendHolderProbe({ type: 'can.holder-probe', x, y, asker: this.ctx.id, hops: 0 }, except),
    };
  }
}

/**
 * Taking over the zone of a crashed node (Ratnasamy et al. 2001, §3.3). Each live neighbour of
 * a zone whose holder went silent starts a takeover timer proportional to the area it holds;
 * when the timer fires it sends TAKEOVER (its area, its id) to the zone's neighbours and waits
 * `takeoverClaimWaitMs`. A claim better than its own (smaller area, then lower id) makes a
 * candidate yield; a worse one is answered with the best claim known, so the worse claimant
 * yields too. A candidate that heard nothing better by the end of its wait takes the zone.
 *
 * Why only one wins even when all time out in the same instant: ranks are fixed per race and
 * totally ordered, so for two candidates A better than B, B's claim reaches A and A's answer
 * (its own claim, the better one it yielded to, or its report if it already holds the zone)
 * reaches B within one round trip, before B's wait ends. The zone's neighbours are known from
 * the dead node's last list and our own; a holder neither names (it took the zone from a list
 * that did not name us) is found by passing a claim on to the holder a receiver knows, and by a
 * probe routed toward the zone; the holder answers the claimant with its report.
 *
 * What is left to chance is caught later: a candidate that yielded claims again after
 * `takeoverRetryMs` if the zone is still nobody's (the winner died), and stops passing on a
 * claim it yielded to once that claim should have become a takeover; a duplicate that slips
 * through anyway is settled when the two holders hear of each other (CanProtocol.settleConflicts).
 */
import type { NodeContext, NodeId, TimerHandle } from '../../runtime/context.js';
import type { CanConfig } from './can-config.js';
import { type CanTakeover, type NeighbourInfo, TAKEOVER_BYTES } from './can-messages.js';
import { type Zone, anyOverlap, zoneArea, zoneKey } from './zone.js';

/** What a takeover race needs from the node it runs on. */
export interface TakeoverHost {
  /** All the area this node holds: its rank in a new race. */
  heldArea(): number;
  /** One of this node's zones abuts the zone. */
  abuts(zone: Zone): boolean;
  /** Holding the zone keeps this node within zonesMax (it has room, or the zone merges). */
  hasRoomFor(zone: Zone): boolean;
  /** This node, or a neighbour other than `dead`, holds part of the zone. */
  isCovered(zone: Zone, dead: NodeId): boolean;
  /** Neighbours other than `dead` holding part of the zone. */
  holdersOf(zone: Zone, dead: NodeId): NodeId[];
  /** This node holds part of the zone. */
  holds(zone: Zone): boolean;
  /** The dead node's last reported neighbour list, if it sent one here. */
  lastListOf(dead: NodeId): readonly NeighbourInfo[];
  /** Nodes to tell a claim: the zone's neighbours known here (from the dead node's list and ours). */
  neighboursOf(zone: Zone, deadList: readonly NeighbourInfo[]): NodeId[];
  takeOver(zone: Zone, dead: NodeId, deadList: readonly NeighbourInfo[]): void;
  /** Answers a claim for a zone held here with this node's own report. */
  report(to: NodeId): void;
  /** Routes a probe to the holder of the point (not through `except`), which answers with its report. */
  probeHolder(x: number, y: number, except: NodeId): void;
}

/** Claim a before claim b: the smaller area wins, the lower node id on equal areas. */
export function claimBefore(areaA: number, nodeA: NodeId, areaB: number, nodeB: NodeId): boolean {
  return areaA < areaB || (areaA === areaB && nodeA < nodeB);
}

/** The takeover timer: proportional to the area held, relative to the orphan's, capped at 8 units. */
export function takeoverDelayMs(heldArea: number, orphanArea: number, unitMs: number): number {
  return unitMs * Math.min(8, heldArea / orphanArea);
}

interface Race {
  readonly zone: Zone;
  readonly dead: NodeId;
  readonly deadList: readonly NeighbourInfo[];
  /** This node's rank, fixed for the race so that every comparison sees the same order. */
  readonly area: number;
  /** The best claim known (this node's own until it yields), and when it was heard. */
  bestArea: number;
  bestNode: NodeId;
  bestAtMs: number;
  claiming: boolean;
  timer: TimerHandle | null;
}

/** An orphan next to ours but not abutting: it will once we take over the zone between (both holders died). */
interface NearbyOrphan {
  readonly zone: Zone;
  readonly dead: NodeId;
  readonly deadList: readonly NeighbourInfo[];
  readonly untilMs: number;
}

export class TakeoverRaces {
  /** By zone; insertion-ordered. At most neighboursMax races at once (more are refused and counted). */
  private readonly races = new Map<string, Race>();
  /** By zone, oldest first; at most neighboursMax (the oldest goes), each forgotten after 4 takeoverRetryMs. */
  private readonly nearby = new Map<string, NearbyOrphan>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: CanConfig,
    private readonly host: TakeoverHost,
  ) {}

  get size(): number {
    return this.races.size;
  }

  clear(): void {
    for (const race of this.races.values()) race.timer?.cancel();
    this.races.clear();
    this.nearby.clear();
  }

  /** A zone of a silent node: compete for it if it abuts ours and we could hold it, else remember it. */
  orphaned(zone: Zone, dead: NodeId, deadList: readonly NeighbourInfo[]): void {
    if (this.host.isCovered(zone, dead)) return;
    if (this.host.abuts(zone)) {
      this.start(zone, dead, deadList);
      return;
    }
    const key = zoneKey(zone);
    this.nearby.delete(key);
    if (this.nearby.size >= this.config.neighboursMax) this.nearby.delete(this.nearby.keys().next().value as string);
    this.nearby.set(key, { zone, dead, deadList, untilMs: this.ctx.nowMs() + 4 * this.config.takeoverRetryMs });
  }

  /**
   * Our zones grew: race for the remembered orphans they now abut. Without this, a zone whose
   * every neighbour died with it (e.g. wedged between two crashed nodes' zones) would stay
   * nobody's: its new neighbours are the takers, who did not abut it when the silence was noticed.
   */
  zonesGrew(): void {
    const nowMs = this.ctx.nowMs();
    for (const [key, orphan] of [...this.nearby]) {
      if (nowMs > orphan.untilMs || this.host.isCovered(orphan.zone, orphan.dead)) this.nearby.delete(key);
      else if (this.host.abuts(orphan.zone)) {
        this.nearby.delete(key);
        this.start(orphan.zone, orphan.dead, orphan.deadList);
      }
    }
  }

  /** A live node reports these zones: races for any zone they overlap are over. */
  covered(zones: readonly Zone[]): void {
    for (const [key, orphan] of [...this.nearby]) if (anyOverlap(zones, [orphan.zone])) this.nearby.delete(key);
    if (this.races.size === 0) return;
    for (const [key, race] of [...this.races]) {
      if (!anyOverlap(zones, [race.zone])) continue;
      race.timer?.cancel();
      this.races.delete(key);
    }
  }

  onClaim(from: NodeId, msg: CanTakeover): void {
    const me = this.ctx.id;
    if (msg.claimant === me) return;
    if (this.host.holds(msg.zone)) {
      this.host.report(from);
      if (msg.claimant !== from) this.host.report(msg.claimant); // a claim passed on by a node that knew we hold it
      return;
    }
    if (!this.races.has(zoneKey(msg.zone))) {
      // Taken already, by a node the claimant does not know: pass the claim on (once), the holder answers the claimant.
      const holders = this.host.holdersOf(msg.zone, msg.dead);
      const passed: CanTakeover = { ...msg, passedOn: true };
      if (!msg.passedOn) for (const holder of holders) if (holder !== from) this.ctx.send(holder, passed, TAKEOVER_BYTES);
      if (holders.length > 0) return;
    }
    const race = this.races.get(zoneKey(msg.zone)) ?? this.start(msg.zone, msg.dead, this.host.lastListOf(msg.dead));
    if (race === null) return;
    const nowMs = this.ctx.nowMs();
    if (msg.claimant === race.bestNode) {
      race.bestAtMs = nowMs;
      return;
    }
    if (race.bestNode !== me && nowMs - race.bestAtMs > 2 * this.config.takeoverClaimWaitMs) {
      // The claim we yielded to should have become a takeover by now: its claimant died or cannot
      // tell us. Passing it on would keep every candidate yielding to a dead node; compete again.
      race.bestArea = race.area;
      race.bestNode = me;
      race.claiming = false;
    }
    if (claimBefore(msg.area, msg.claimant, race.bestArea, race.bestNode)) {
      this.yieldTo(race, msg.area, msg.claimant);
      return;
    }
    this.send(from, race, race.bestArea, race.bestNode);
    if (race.bestNode === me && !race.claiming) this.claim(race);
  }

  private start(zone: Zone, dead: NodeId, deadList: readonly NeighbourInfo[]): Race | null {
    const key = zoneKey(zone);
    const known = this.races.get(key);
    if (known !== undefined) return known;
    if (!this.host.abuts(zone) || this.host.isCovered(zone, dead)) return null;
    if (!this.host.hasRoomFor(zone)) {
      this.ctx.metrics.count('can.takeover.full');
      return null;
    }
    if (this.races.size >= this.config.neighboursMax) {
      this.ctx.metrics.count('can.takeover.races_refused');
      return null;
    }
    const area = this.host.heldArea();
    const race: Race = { zone, dead, deadList, area, bestArea: area, bestNode: this.ctx.id, bestAtMs: this.ctx.nowMs(), claiming: false, timer: null };
    this.races.set(key, race);
    race.timer = this.ctx.setTimer(takeoverDelayMs(area, zoneArea(zone), this.config.takeoverDelayMs), () => this.claim(race));
    return race;
  }

  private claim(race: Race): void {
    race.timer?.cancel();
    race.claiming = true;
    race.bestArea = race.area;
    race.bestNode = this.ctx.id;
    this.ctx.metrics.count('can.takeover.claims');
    for (const node of this.host.neighboursOf(race.zone, race.deadList)) this.send(node, race, race.area, this.ctx.id);
    this.host.probeHolder((race.zone.x0 + race.zone.x1) / 2, (race.zone.y0 + race.zone.y1) / 2, race.dead);
    race.timer = this.ctx.setTimer(this.config.takeoverClaimWaitMs, () => this.decide(race));
  }

  private decide(race: Race): void {
    const key = zoneKey(race.zone);
    if (this.races.get(key) !== race) return;
    this.races.delete(key);
    if (race.bestNode !== this.ctx.id || this.host.isCovered(race.zone, race.dead) || !this.host.abuts(race.zone)) return;
    if (!this.host.hasRoomFor(race.zone)) {
      this.ctx.metrics.count('can.takeover.full'); // took another zone while waiting
      return;
    }
    this.host.takeOver(race.zone, race.dead, race.deadList);
  }

  private yieldTo(race: Race, area: number, node: NodeId): void {
    race.bestArea = area;
    race.bestNode = node;
    race.bestAtMs = this.ctx.nowMs();
    race.claiming = false;
    race.timer?.cancel();
    this.ctx.metrics.count('can.takeover.yields');
    race.timer = this.ctx.setTimer(this.config.takeoverRetryMs, () => this.retry(race));
  }

  /** Still nobody's after we yielded: the winner died or its report was lost; compete again. */
  private retry(race: Race): void {
    const key = zoneKey(race.zone);
    if (this.races.get(key) !== race) return;
    if (this.host.isCovered(race.zone, race.dead) || !this.host.abuts(race.zone)) {
      this.races.delete(key);
      return;
    }
    this.ctx.metrics.count('can.takeover.retries');
    this.claim(race);
  }

  private send(to: NodeId, race: Race, area: number, claimant: NodeId): void {
    const msg: CanTakeover = { type: 'can.takeover', dead: race.dead, zone: race.zone, claimant, area, passedOn: false };
    this.ctx.send(to, msg, TAKEOVER_BYTES);
  }
}

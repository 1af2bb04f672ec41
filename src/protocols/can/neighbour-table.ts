/**
 * A CAN node's neighbours: what each last reported of itself (zones, version, incarnation) and
 * of its own neighbours (kept so that whoever takes over its zones can greet their neighbours).
 * Insertion-ordered Map: iteration follows the order of deterministic events, never hashing.
 */
import type { NodeId } from '../../runtime/context.js';
import type { NeighbourInfo } from './can-messages.js';
import { type Zone, anyOverlap, bestRouteScore, zoneWithin, zonesAbut } from './zone.js';

export interface NeighbourEntry {
  incarnation: number;
  version: number;
  zones: readonly Zone[];
  heardAtMs: number;
  /** Its last reported neighbour list (null until it sends one). */
  list: readonly NeighbourInfo[] | null;
}

/** A report is older than what is known when it comes from the same incarnation with a lower version. */
export function isOlderReport(incarnation: number, version: number, known: NeighbourEntry): boolean {
  return incarnation === known.incarnation && version < known.version;
}

export class NeighbourTable {
  private readonly entries = new Map<NodeId, NeighbourEntry>();
  /** Called after every change of the set of neighbours (null: nobody listens); CAN makes it an overlay. */
  onMembershipChange: (() => void) | null = null;

  constructor(private readonly sizeMax: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(node: NodeId): NeighbourEntry | undefined {
    return this.entries.get(node);
  }

  delete(node: NodeId): void {
    if (this.entries.delete(node)) this.onMembershipChange?.();
  }

  clear(): void {
    if (this.entries.size === 0) return;
    this.entries.clear();
    this.onMembershipChange?.();
  }

  /** A snapshot of the nodes, in insertion order (safe to mutate the table while walking it). */
  nodes(): NodeId[] {
    return [...this.entries.keys()];
  }

  /** Adds or refreshes a neighbour; false when the table is full (the caller counts it). */
  upsert(node: NodeId, info: Omit<NeighbourEntry, 'list'>, list: readonly NeighbourInfo[] | null): boolean {
    const known = this.entries.get(node);
    if (known !== undefined) {
      known.incarnation = info.incarnation;
      known.version = info.version;
      known.zones = info.zones;
      known.heardAtMs = info.heardAtMs;
      if (list !== null) known.list = list;
      return true;
    }
    if (this.entries.size >= this.sizeMax) return false;
    this.entries.set(node, { ...info, list });
    this.onMembershipChange?.();
    return true;
  }

  /** Neighbours as reported to others, sorted by node id. */
  infos(): NeighbourInfo[] {
    return [...this.entries]
      .map(([node, n]) => ({ node, incarnation: n.incarnation, version: n.version, zones: n.zones }))
      .sort((a, b) => a.node - b.node);
  }

  /** Drops the neighbours none of whose zones abut one of `zones`. */
  keepAbutting(zones: readonly Zone[]): void {
    const before = this.entries.size;
    for (const node of this.nodes()) {
      const n = this.entries.get(node) as NeighbourEntry;
      if (!n.zones.some((z) => zones.some((mine) => zonesAbut(mine, z)))) this.entries.delete(node);
    }
    if (this.entries.size < before) this.onMembershipChange?.();
  }

  /** Every zone of every neighbour, in table order. */
  allZones(): Zone[] {
    const out: Zone[] = [];
    for (const n of this.entries.values()) out.push(...n.zones);
    return out;
  }

  /** Nodes whose zones abut `zone`, in table order. */
  abutting(zone: Zone): NodeId[] {
    const out: NodeId[] = [];
    for (const [node, n] of this.entries) if (n.zones.some((z) => zonesAbut(z, zone))) out.push(node);
    return out;
  }

  /** Neighbours other than `except` holding part of `zone`, in table order. */
  holdersOf(zone: Zone, except: NodeId): NodeId[] {
    const out: NodeId[] = [];
    for (const [node, n] of this.entries) if (node !== except && anyOverlap(n.zones, [zone])) out.push(node);
    return out;
  }

  /**
   * Removes, from neighbours silent since `silentSinceMs`, the zones lying inside one of
   * `zones` that `holder` now reports: a dead node's zone taken over is known at once, before
   * the silence times out. A neighbour heard recently keeps its zones (a report overtaken by
   * an older one on the way, or a conflict that the two holders settle themselves).
   */
  dropSuperseded(holder: NodeId, zones: readonly Zone[], silentSinceMs: number): void {
    const before = this.entries.size;
    for (const node of this.nodes()) {
      const n = this.entries.get(node) as NeighbourEntry;
      if (node === holder || n.heardAtMs > silentSinceMs) continue;
      const kept = n.zones.filter((z) => !zones.some((h) => zoneWithin(z, h)));
      if (kept.length === n.zones.length) continue;
      if (kept.length === 0) this.entries.delete(node);
      else n.zones = kept;
    }
    if (this.entries.size < before) this.onMembershipChange?.();
  }

  /** The neighbour (other than `except`) whose zones come closest to the point (ties: lower node id); -1 with none. */
  nextHop(x: number, y: number, except: NodeId = -1): NodeId {
    let best = -1;
    let bestScore = Infinity;
    for (const [node, n] of this.entries) {
      if (node === except) continue;
      const score = bestRouteScore(n.zones, x, y);
      if (score < bestScore || (score === bestScore && node < best)) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  /** Entries silent for longer than `timeoutMs`, removed and returned in table order. */
  removeSilent(nowMs: number, timeoutMs: number): { node: NodeId; entry: NeighbourEntry }[] {
    const out: { node: NodeId; entry: NeighbourEntry }[] = [];
    for (const [node, entry] of this.entries) if (nowMs - entry.heardAtMs > timeoutMs) out.push({ node, entry });
    for (const { node } of out) this.entries.delete(node);
    if (out.length > 0) this.onMembershipChange?.();
    return out;
  }
}

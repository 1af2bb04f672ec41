/**
 * The spiral search's pure core (DISCOVERY's close-node search): a spiral view is the `viewSize`
 * candidates closest to the initiator I among everything seen so far, by Vivaldi distance, plus a
 * few forced long-distance ones; the search goes next to the closest candidate not yet visited,
 * and ends once the `resultSize` closest have all been visited. No state lives here.
 */
import type { NodeId } from '../../runtime/context.js';
import { type Coordinate, distanceMs } from '../vivaldi/vivaldi-core.js';

/** A node and the coordinate it was last known by (plain data: it travels in messages). */
export interface SpiralCandidate {
  readonly peer: NodeId;
  readonly vec: readonly number[];
  readonly heightMs: number;
}

export interface SpiralViewParams {
  /** n: the view never holds more entries. */
  readonly viewSize: number;
  /** How many of the n entries are reserved for the farthest candidates (kept only when the pool overflows). */
  readonly farCount: number;
}

export function candidateDistanceMs(target: Coordinate, c: SpiralCandidate): number {
  if (c.vec.length !== target.vec.length) return Number.POSITIVE_INFINITY;
  return distanceMs(target, { vec: c.vec, heightMs: c.heightMs });
}

/**
 * Merge candidate lists into a spiral view for `target` (node `targetId`, never in the view):
 * duplicates dropped (the first occurrence wins), candidates whose coordinate has the wrong
 * dimension dropped, sorted by (distance to target, id); the n - farCount closest, then (when more
 * remain) the farCount farthest of the rest, each part ascending. Length <= viewSize, no duplicates.
 */
export function mergeSpiralView(
  target: Coordinate,
  targetId: NodeId,
  lists: readonly (readonly SpiralCandidate[])[],
  params: SpiralViewParams,
): SpiralCandidate[] {
  const seen = new Set<NodeId>();
  const pool: { c: SpiralCandidate; d: number }[] = [];
  for (const list of lists) {
    for (const c of list) {
      if (c.peer === targetId || seen.has(c.peer)) continue;
      const d = candidateDistanceMs(target, c);
      if (!Number.isFinite(d)) continue;
      seen.add(c.peer);
      pool.push({ c, d });
    }
  }
  pool.sort((a, b) => a.d - b.d || a.c.peer - b.c.peer);
  if (pool.length <= params.viewSize) return pool.map((e) => e.c);
  const nearCount = params.viewSize - params.farCount;
  const near = pool.slice(0, nearCount).map((e) => e.c);
  const far = pool.slice(pool.length - params.farCount).map((e) => e.c);
  return near.concat(far);
}

/** The next node of the spiral: the first candidate of the view (closest first) not yet visited; -1 if none. */
export function nextHop(view: readonly SpiralCandidate[], visited: readonly NodeId[]): NodeId {
  for (const c of view) if (!visited.includes(c.peer)) return c.peer;
  return -1;
}

/** The search is done when the `resultSize` closest entries of the view have all been visited. */
export function spiralConverged(view: readonly SpiralCandidate[], visited: readonly NodeId[], resultSize: number): boolean {
  const count = Math.min(resultSize, view.length);
  for (let i = 0; i < count; i++) if (!visited.includes(view[i].peer)) return false;
  return true;
}

/**
 * The result of a search: the probed candidates by measured RTT ascending (ties by id), then the
 * other entries of the view in view order, `resultSize` at most.
 */
export function rankResult(view: readonly SpiralCandidate[], measuredMs: ReadonlyMap<NodeId, number>, resultSize: number): NodeId[] {
  const probed = [...measuredMs.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([peer]) => peer);
  const rest = view.map((c) => c.peer).filter((p) => !measuredMs.has(p));
  return probed.concat(rest).slice(0, resultSize);
}

/**
 * Greedy routing's pure core: among the candidates (close neighbours and long links, each with
 * the coordinate it is known by), the next hop is the target itself when known, else the one
 * closest to the target's coordinate not yet on the path (ties by id). Going on when no candidate
 * is closer than the current node (a local minimum) keeps the request alive on a static network;
 * the visited set prevents loops and `hopsMax` bounds the walk. No state lives here.
 */
import type { NodeId } from '../../runtime/context.js';
import { type Coordinate, distanceMs } from '../vivaldi/vivaldi-core.js';
import type { RoutedNode } from './routing-messages.js';

export function routedDistanceMs(to: Coordinate, node: RoutedNode): number {
  if (node.vec.length !== to.vec.length) return Number.POSITIVE_INFINITY;
  return distanceMs(to, { vec: node.vec, heightMs: node.heightMs });
}

/** The next hop toward `target`, or -1 when every candidate has been visited. */
export function greedyNextHop(target: RoutedNode, candidates: readonly RoutedNode[], visited: ReadonlySet<NodeId>): NodeId {
  const to: Coordinate = { vec: target.vec, heightMs: target.heightMs };
  let best = -1;
  let bestMs = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c.peer === target.peer) return c.peer;
    if (visited.has(c.peer)) continue;
    const d = routedDistanceMs(to, c);
    if (d < bestMs || (d === bestMs && best >= 0 && c.peer < best)) {
      best = c.peer;
      bestMs = d;
    }
  }
  return best;
}

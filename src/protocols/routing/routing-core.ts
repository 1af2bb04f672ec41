/**
 * Greedy routing's pure core: among the candidates (close neighbours and long links, each with
 * the coordinate it is known by), the next hop is the target itself when known, else the one
 * closest to the target's coordinate not yet on the path (ties by id). When that one is no
 * closer to the target than the current node (a local minimum, e.g. a cluster whose close
 * neighbours all lie inside it), the fallback candidates (the gossip view: random peers) are
 * tried for one that is; failing that, the walk goes on to the closest unvisited node of either,
 * which keeps the request alive on a static network. The visited set prevents loops and
 * `hopsMax` bounds the walk. No state lives here.
 */
import type { NodeId } from '../../runtime/context.js';
import { type Coordinate, distanceMs } from '../vivaldi/vivaldi-core.js';
import type { RoutedNode } from './routing-messages.js';

export function routedDistanceMs(to: Coordinate, node: RoutedNode): number {
  if (node.vec.length !== to.vec.length) return Number.POSITIVE_INFINITY;
  return distanceMs(to, { vec: node.vec, heightMs: node.heightMs });
}

interface Choice {
  readonly peer: NodeId;
  readonly distMs: number;
}

const NONE: Choice = { peer: -1, distMs: Number.POSITIVE_INFINITY };

/** The unvisited candidate closest to `to` (ties by id), or NONE; `target` itself wins at once. */
function closest(to: Coordinate, targetPeer: NodeId, candidates: readonly RoutedNode[], visited: ReadonlySet<NodeId>): Choice {
  let best = NONE;
  for (const c of candidates) {
    if (c.peer === targetPeer) return { peer: c.peer, distMs: 0 };
    if (visited.has(c.peer)) continue;
    const d = routedDistanceMs(to, c);
    if (d < best.distMs || (d === best.distMs && best.peer >= 0 && c.peer < best.peer)) best = { peer: c.peer, distMs: d };
  }
  return best;
}

/** The unvisited candidate of the landing zone closest to the target (it links to the target), or -1. */
export function landingNextHop(target: RoutedNode, candidates: readonly RoutedNode[], landing: ReadonlySet<NodeId>, visited: ReadonlySet<NodeId>): NodeId {
  if (landing.size === 0) return -1;
  const inZone = candidates.filter((c) => landing.has(c.peer));
  return closest({ vec: target.vec, heightMs: target.heightMs }, target.peer, inZone, visited).peer;
}

/**
 * The next hop toward `target`, or -1 when every candidate has been visited. `selfMs`: the
 * current node's coordinate distance to the target (the fallback is only looked at when the
 * best candidate does not get closer than that).
 */
export function greedyNextHop(
  target: RoutedNode,
  candidates: readonly RoutedNode[],
  visited: ReadonlySet<NodeId>,
  fallback: readonly RoutedNode[] = [],
  selfMs = Number.POSITIVE_INFINITY,
): NodeId {
  const to: Coordinate = { vec: target.vec, heightMs: target.heightMs };
  const primary = closest(to, target.peer, candidates, visited);
  if (primary.peer === target.peer || primary.distMs < selfMs || fallback.length === 0) return primary.peer;
  const escape = closest(to, target.peer, fallback, visited);
  if (escape.peer === target.peer || escape.distMs < selfMs) return escape.peer;
  if (escape.peer < 0) return primary.peer;
  if (primary.peer < 0) return escape.peer;
  return escape.distMs < primary.distMs || (escape.distMs === primary.distMs && escape.peer < primary.peer) ? escape.peer : primary.peer;
}

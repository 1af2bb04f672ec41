/**
 * Where an ISP goes next, per variant. Pure: the overlay is read by the caller and passed in.
 *   - a leader sending its partition's ISP: the ring successor ('ring', the original DVMS), or
 *     the first overlay neighbour outside the partition ('neighbour', DVMS2; the successor when
 *     every neighbour is inside);
 *   - a node of another partition passing a foreign ISP on: its ring successor, in both
 *     variants. A walk along the ring reaches every node, so an ISP that finds no free node
 *     comes back to its own partition within one lap, which blocks it, then dissolves it.
 *     (The published firstOut, the leader's successor that members pass foreign ISPs to, skips
 *     nodes that joined other partitions later, and a foreign ISP can then circle forever
 *     without meeting its own partition: seen on a 64-host ring, so not used here.)
 *   - 'locality': no ISP travels; the nearest candidate by estimated RTT (ties by node id).
 * `usable(n)` rules out this node, suspected peers and peers tried already for this hop; when
 * the successor is not usable, the next usable neighbour (the successor list) stands in.
 */
import type { NodeId } from '../../runtime/context.js';
import type { DvmsVariant } from './dvms-config.js';

export interface OverlayView {
  readonly successor: NodeId | undefined;
  readonly neighbours: readonly NodeId[];
}

/** The next node for a leader's own ISP; `outside(n)`: n is not a member of its partition. */
export function leaderHop(variant: DvmsVariant, view: OverlayView, outside: (n: NodeId) => boolean, usable: (n: NodeId) => boolean): NodeId | undefined {
  if (variant === 'neighbour') {
    for (const n of view.neighbours) if (usable(n) && outside(n)) return n;
  }
  return ringHop(view, usable);
}

/** The next node along the ring: the successor, or the first usable neighbour after it. */
export function ringHop(view: OverlayView, usable: (n: NodeId) => boolean): NodeId | undefined {
  if (view.successor !== undefined && usable(view.successor)) return view.successor;
  for (const n of view.neighbours) if (usable(n)) return n;
  return undefined;
}

/** Locality variant: the usable candidate of least estimated RTT (unknown RTTs never chosen). */
export function nearestCandidate(candidates: readonly NodeId[], rttMs: (n: NodeId) => number | undefined, usable: (n: NodeId) => boolean): NodeId | undefined {
  let best: NodeId | undefined;
  let bestRtt = Infinity;
  for (const n of candidates) {
    if (!usable(n)) continue;
    const rtt = rttMs(n);
    if (rtt === undefined || !Number.isFinite(rtt)) continue;
    if (rtt < bestRtt || (rtt === bestRtt && best !== undefined && n < best)) {
      best = n;
      bestRtt = rtt;
    }
  }
  return best;
}

/** Cyclon's view operations, pure: each returns a new array and never mutates its input. */
import type { NodeId, Random } from '../../runtime/context.js';
import type { ViewEntry } from './gossip-messages.js';

/** Up to `count` distinct entries drawn uniformly from `view`, skipping `exclude`. */
export function randomSubset(view: readonly ViewEntry[], count: number, rng: Random, exclude: NodeId = -1): ViewEntry[] {
  const pool = view.filter((e) => e.peer !== exclude);
  rng.shuffle(pool);
  return pool.slice(0, count);
}

/**
 * Cyclon's merge: each received entry (never self, never one already held) fills an empty slot,
 * else replaces an entry that was sent away in this exchange, else is dropped. So the view stays
 * within `viewSize` and without duplicates.
 */
export function mergeView(
  view: readonly ViewEntry[],
  received: readonly ViewEntry[],
  sent: readonly NodeId[],
  self: NodeId,
  viewSize: number,
): ViewEntry[] {
  const next = [...view];
  const replaceable = sent.filter((peer) => next.some((e) => e.peer === peer));
  for (const entry of received) {
    if (entry.peer === self || !Number.isInteger(entry.peer) || entry.peer < 0) continue;
    if (next.some((e) => e.peer === entry.peer)) continue;
    if (next.length < viewSize) {
      next.push({ peer: entry.peer, ageRounds: entry.ageRounds });
      continue;
    }
    const victim = replaceable.shift();
    if (victim === undefined) break;
    next[next.findIndex((e) => e.peer === victim)] = { peer: entry.peer, ageRounds: entry.ageRounds };
  }
  return next;
}

/** Index of the oldest entry (the first one on ties, for determinism); -1 on an empty view. */
export function oldestIndex(view: readonly ViewEntry[]): number {
  let best = -1;
  for (let i = 0; i < view.length; i++) if (best < 0 || view[i].ageRounds > view[best].ageRounds) best = i;
  return best;
}

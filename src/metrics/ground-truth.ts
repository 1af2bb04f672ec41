/**
 * Scores of overlay operations against ground truth (pure functions): the true RTTs of the
 * modelled network, the true owner of a key on the ring. Never what a protocol believes.
 */

/** How a search did: excess RTT of the closest node found over the true closest, recall of the true k nearest. */
export interface SearchScore {
  readonly excessMs: number;
  readonly recall: number;
}

/**
 * `candidates` are the nodes a search could have found (live, reachable, not the initiator);
 * `rttMs(j)` the true RTT from the initiator to j. Recall counts the found nodes among the true
 * k nearest (ties broken by node id).
 */
export function scoreSearch(found: readonly number[], candidates: readonly number[], rttMs: (j: number) => number, k: number): SearchScore {
  if (candidates.length === 0) return { excessMs: NaN, recall: NaN };
  const ranked = [...candidates].sort((a, b) => rttMs(a) - rttMs(b) || a - b);
  const trueK = new Set(ranked.slice(0, k));
  let bestFoundMs = Infinity;
  let hits = 0;
  for (const node of found.slice(0, k)) {
    if (trueK.has(node)) hits++;
  }
  for (const node of found) bestFoundMs = Math.min(bestFoundMs, rttMs(node));
  return { excessMs: bestFoundMs - rttMs(ranked[0]), recall: hits / Math.min(k, ranked.length) };
}

/** The true owner of `key`: the first ring id at or after it, wrapping around (ids sorted ascending). */
export function trueSuccessorIndex(sortedIds: Float64Array, key: number): number {
  let lo = 0;
  let hi = sortedIds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedIds[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo === sortedIds.length ? 0 : lo;
}

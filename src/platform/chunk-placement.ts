/**
 * Where the image store keeps each chunk: on k distinct PoPs chosen to fail independently.
 *
 * Rule, deterministic: the PoPs that have hosts, in index order, form a ring; a chunk's first
 * copy goes to ring position hash(id) mod ring size (murmur3's 32-bit finaliser), the others to
 * the next positions. Then, for each bridge of the backbone (Tarjan, `cut-survival.ts`) in the
 * order found, whose two sides both have ring PoPs: if every copy sits on one side, the last copy
 * whose move keeps the bridges already settled settled goes to the first ring PoP on the other
 * side (from the chunk's position on); when no copy can move so, that bridge stays one-sided.
 * A placement depends only on the first position, so there are at most ring-size placements,
 * computed once.
 */
import { dfsForest } from './cut-survival.js';
import { buildAdjacency } from './graph.js';
import type { Link } from './types.js';

export interface ChunkPlacement {
  /** The PoPs of the ring, ascending. */
  readonly ring: Int32Array;
  readonly replicas: number;
  /** The PoPs of a chunk's copies (a view of `replicas` entries). */
  popsOf(chunk: number): Int32Array;
}

export function placeChunks(popCount: number, links: readonly Link[], popHasHosts: (pop: number) => boolean, replicas: number): ChunkPlacement {
  const ring = Int32Array.from({ length: popCount }, (_, p) => p).filter((p) => popHasHosts(p));
  if (ring.length === 0) throw new RangeError('placeChunks: no PoP has hosts');
  const k = Math.min(replicas, ring.length);
  const sides = bridgeSides(popCount, links);
  const table = new Int32Array(ring.length * k);
  for (let first = 0; first < ring.length; first++) {
    const pops = table.subarray(first * k, first * k + k);
    for (let c = 0; c < k; c++) pops[c] = ring[(first + c) % ring.length];
    spreadOverBridges(pops, ring, first, sides);
  }
  return {
    ring,
    replicas: k,
    popsOf: (chunk) => {
      const first = hash32(chunk) % ring.length;
      return table.subarray(first * k, first * k + k);
    },
  };
}

/** For each bridge, 1 for the PoPs on its subtree side, 0 on the other side, -1 off its component. */
export function bridgeSides(popCount: number, links: readonly Link[]): Int8Array[] {
  const forest = dfsForest(buildAdjacency(popCount, links));
  return forest.bridgeChildren.map((child) => {
    const side = new Int8Array(popCount);
    const start = forest.preorder[child];
    const end = start + forest.subtreeSize[child];
    for (let p = 0; p < popCount; p++) {
      if (forest.component[p] !== forest.component[child]) side[p] = -1;
      else side[p] = forest.preorder[p] >= start && forest.preorder[p] < end ? 1 : 0;
    }
    return side;
  });
}

function spreadOverBridges(pops: Int32Array, ring: Int32Array, first: number, sides: readonly Int8Array[]): void {
  if (pops.length < 2) return;
  const settled: Int8Array[] = [];
  for (const side of sides) {
    if (!hasBothSides(ring, side)) continue;
    if (!oneSided(pops, side)) {
      settled.push(side);
      continue;
    }
    const here = side[pops[0]];
    // The other side's first ring PoP from the chunk's position, not already a copy.
    let other = -1;
    for (let step = 0; step < ring.length && other < 0; step++) {
      const p = ring[(first + step) % ring.length];
      if (side[p] === 1 - here && !pops.includes(p)) other = p;
    }
    for (let c = pops.length - 1; c >= 0 && other >= 0; c--) {
      const was = pops[c];
      pops[c] = other;
      if (settled.every((s) => !oneSided(pops, s))) {
        settled.push(side);
        break;
      }
      pops[c] = was;
    }
  }
}

/** Every copy on one side of the bridge (copies off its component count for neither side). */
export function oneSided(pops: ArrayLike<number>, side: Int8Array): boolean {
  let inside = 0;
  let outside = 0;
  for (let c = 0; c < pops.length; c++) {
    if (side[pops[c]] === 1) inside++;
    else if (side[pops[c]] === 0) outside++;
  }
  return inside === 0 || outside === 0;
}

function hasBothSides(ring: Int32Array, side: Int8Array): boolean {
  let inside = false;
  let outside = false;
  for (const p of ring) {
    if (side[p] === 1) inside = true;
    else if (side[p] === 0) outside = true;
  }
  return inside && outside;
}

/** murmur3's 32-bit finaliser: spreads consecutive chunk ids over the ring. */
function hash32(x: number): number {
  let h = (x + 0x9e3779b9) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

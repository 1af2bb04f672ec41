import { cutSurvival, dfsForest } from './cut-survival.js';
import { buildAdjacency } from './graph.js';
import type { Link } from './types.js';

/**
 * Add candidate edges across bridges until at least `survivalShareMin` of the PoPs survive any
 * single link cut (see cut-survival.ts for the definition).
 *
 * Rule: each round finds the bridges; if the survivor share is below target, it takes them in
 * decreasing size of their smaller side (the worst single cut first) and, for each, adds the
 * shortest candidate edge from the smaller side to the rest of the graph (ties: lower candidate
 * index). Adding an edge across a bridge's cut removes that bridge and never creates one, so
 * the loop ends within the initial bridge count. Bridges whose endpoints lie in a side already
 * repaired this round wait for the next round, so nested bridges are not repaired twice.
 * Candidates are meant to be the Delaunay edges, which keeps the graph planar; a triangulation
 * is 2-edge-connected, so every bridge has a candidate.
 */
export interface RedundancyInput {
  readonly popCount: number;
  /** Current edges (PoP index pairs). */
  readonly a: readonly number[];
  readonly b: readonly number[];
  /** Candidate edges and their lengths (may include the current ones: they are skipped). */
  readonly candidateA: Int32Array;
  readonly candidateB: Int32Array;
  readonly candidateLengthKm: Float64Array;
  readonly survivalShareMin: number;
}

/** Indices (into the candidates) of the edges added, in the order added. */
export function addRedundancy(input: RedundancyInput): number[] {
  const n = input.popCount;
  const a = [...input.a];
  const b = [...input.b];
  const candidates = candidateAdjacency(input);
  const added: number[] = [];
  const pairKey = (v: number, w: number): number => Math.min(v, w) * n + Math.max(v, w);
  const current = new Set(a.map((_, i) => pairKey(a[i], b[i])));
  const bridgeBound = a.length + 1;
  for (let round = 0; round < bridgeBound; round++) {
    const links: Link[] = a.map((_, i) => ({ a: a[i], b: b[i], latencyUs: 1, bandwidthBps: 1 }));
    const adjacency = buildAdjacency(n, links);
    if (cutSurvival(adjacency).survivorCount >= input.survivalShareMin * n) return added;
    const forest = dfsForest(adjacency);
    if (forest.bridgeChildren.length === 0) return added; // only disconnection is left: not ours to fix
    const vertexAt = new Int32Array(n);
    for (let v = 0; v < n; v++) vertexAt[forest.preorder[v]] = v;
    const sides = forest.bridgeChildren.map((child) => {
      const id = forest.component[child];
      const inside = forest.subtreeSize[child];
      const outside = forest.componentSizes[id] - inside;
      return { child, smallSize: Math.min(inside, outside), subtreeIsSmall: inside <= outside };
    });
    sides.sort((x, y) => y.smallSize - x.smallSize || forest.preorder[x.child] - forest.preorder[y.child]);
    const touched = new Uint8Array(n);
    for (const side of sides) {
      const child = side.child;
      const from = forest.preorder[child];
      const to = from + forest.subtreeSize[child];
      const componentFrom = forest.componentStart[forest.component[child]];
      const componentTo = componentFrom + forest.componentSizes[forest.component[child]];
      const inSubtree = (v: number): boolean => forest.preorder[v] >= from && forest.preorder[v] < to;
      const inSmall = (v: number): boolean => inSubtree(v) === side.subtreeIsSmall;
      const smallPositions = side.subtreeIsSmall ? [[from, to]] : [[componentFrom, from], [to, componentTo]];
      let skip = false;
      for (const [p, q] of smallPositions) for (let k = p; k < q && !skip; k++) skip = touched[vertexAt[k]] === 1;
      if (skip) continue;
      const best = shortestCrossing(candidates, smallPositions, vertexAt, inSmall, (v, w) => current.has(pairKey(v, w)), input);
      if (best < 0) continue;
      for (const [p, q] of smallPositions) for (let k = p; k < q; k++) touched[vertexAt[k]] = 1;
      added.push(best);
      current.add(pairKey(input.candidateA[best], input.candidateB[best]));
      a.push(input.candidateA[best]);
      b.push(input.candidateB[best]);
    }
  }
  return added;
}

interface CandidateAdjacency {
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
}

function candidateAdjacency(input: RedundancyInput): CandidateAdjacency {
  const n = input.popCount;
  const m = input.candidateA.length;
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    offsets[input.candidateA[e] + 1]++;
    offsets[input.candidateB[e] + 1]++;
  }
  for (let v = 0; v < n; v++) offsets[v + 1] += offsets[v];
  const fill = offsets.slice(0, n);
  const ids = new Int32Array(2 * m);
  for (let e = 0; e < m; e++) {
    ids[fill[input.candidateA[e]]++] = e;
    ids[fill[input.candidateB[e]]++] = e;
  }
  return { offsets, ids };
}

/** The shortest candidate with exactly one end in the small side, or -1. */
function shortestCrossing(
  candidates: CandidateAdjacency,
  smallPositions: number[][],
  vertexAt: Int32Array,
  inSmall: (v: number) => boolean,
  isCurrentEdge: (v: number, w: number) => boolean,
  input: RedundancyInput,
): number {
  let best = -1;
  for (const [p, q] of smallPositions) {
    for (let k = p; k < q; k++) {
      const v = vertexAt[k];
      for (let s = candidates.offsets[v]; s < candidates.offsets[v + 1]; s++) {
        const e = candidates.ids[s];
        const w = input.candidateA[e] === v ? input.candidateB[e] : input.candidateA[e];
        if (inSmall(w)) continue;
        if (isCurrentEdge(v, w)) continue; // the bridge itself

        const length = input.candidateLengthKm[e];
        if (best < 0 || length < input.candidateLengthKm[best] || (length === input.candidateLengthKm[best] && e < best)) best = e;
      }
    }
  }
  return best;
}

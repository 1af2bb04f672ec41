import type { Adjacency } from './graph.js';

/**
 * Which PoPs survive any single link cut, in O(V + E).
 *
 * Definition (reproduces the data README's "35 of Renater2010's 37 geolocated PoPs stay
 * connected when any single link fails"): a PoP survives a cut when, after removing that one
 * link, it lies in a component strictly larger than every other component; it survives any
 * single cut when that holds for every link. Only bridges (Tarjan) can split a component, and a
 * bridge in the largest component costs its smaller side (both sides on a tie, the whole
 * component if its larger side is no bigger than the second largest component). Parallel
 * links are told apart by link id, so a doubled link is not a bridge.
 */
export interface CutSurvival {
  /** Link ids of the bridges, ascending. */
  readonly bridgeLinkIds: Int32Array;
  /** 1 for each PoP that survives every single link cut. */
  readonly survives: Uint8Array;
  readonly survivorCount: number;
  /** min over links of (PoPs in the largest component after removing it) / PoPs. */
  readonly worstCutLargestShare: number;
  /** Connected components of the intact graph, and the size of the largest. */
  readonly componentCount: number;
  readonly largestComponentSize: number;
}

/** The DFS forest of Tarjan's bridge search, with preorder ranges for subtrees. */
export interface DfsForest {
  readonly preorder: Int32Array; // vertex -> preorder position
  readonly subtreeSize: Int32Array;
  readonly component: Int32Array; // vertex -> component id
  readonly componentSizes: number[];
  readonly componentStart: number[]; // component id -> preorder position of its root
  /** Bridges as (child vertex, link id): the child's subtree is one side. */
  readonly bridgeChildren: number[];
  readonly bridgeLinks: number[];
}

export function cutSurvival(adj: Adjacency): CutSurvival {
  const n = adj.n;
  const forest = dfsForest(adj);
  const { preorder, subtreeSize, component, componentSizes, componentStart } = forest;
  let largest = -1;
  let largestSize = 0;
  let secondSize = 0;
  componentSizes.forEach((size, id) => {
    if (size > largestSize) {
      secondSize = largestSize;
      largestSize = size;
      largest = id;
    } else if (size > secondSize) secondSize = size;
  });

  // Difference array over preorder positions: > 0 marks a PoP lost to some cut.
  const lost = new Int32Array(n + 1);
  const markRange = (from: number, to: number, delta: number): void => {
    lost[from] += delta;
    lost[to] -= delta;
  };
  const start = largest < 0 ? 0 : componentStart[largest];
  if (largest >= 0 && largestSize === secondSize) markRange(start, start + largestSize, 1);
  let worstLargestSize = largestSize; // a cut that is not a bridge splits nothing
  for (let k = 0; k < forest.bridgeChildren.length; k++) {
    const child = forest.bridgeChildren[k];
    if (component[child] !== largest) continue;
    const inside = subtreeSize[child];
    const outside = largestSize - inside;
    const bigger = Math.max(inside, outside);
    worstLargestSize = Math.min(worstLargestSize, Math.max(bigger, secondSize));
    if (bigger <= secondSize || inside === outside) markRange(start, start + largestSize, 1);
    else if (inside < outside) markRange(preorder[child], preorder[child] + inside, 1);
    else {
      markRange(start, start + largestSize, 1);
      markRange(preorder[child], preorder[child] + inside, -1);
    }
  }
  const lostAtPosition = new Int32Array(n);
  let running = 0;
  for (let p = 0; p < n; p++) {
    running += lost[p];
    lostAtPosition[p] = running;
  }
  const survives = new Uint8Array(n);
  let survivorCount = 0;
  for (let v = 0; v < n; v++) {
    if (component[v] === largest && lostAtPosition[preorder[v]] === 0) {
      survives[v] = 1;
      survivorCount++;
    }
  }
  return {
    bridgeLinkIds: Int32Array.from(forest.bridgeLinks).sort(),
    survives,
    survivorCount,
    worstCutLargestShare: n === 0 ? 1 : worstLargestSize / n,
    componentCount: componentSizes.length,
    largestComponentSize: largestSize,
  };
}

/** Iterative Tarjan bridge search (no recursion: 10,000-PoP chains would overflow the stack). */
export function dfsForest(adj: Adjacency): DfsForest {
  const { n, offsets, targets, linkIds } = adj;
  const preorder = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const subtreeSize = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  const parentLink = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  const cursor = new Int32Array(n);
  const stack = new Int32Array(n);
  const componentSizes: number[] = [];
  const componentStart: number[] = [];
  const bridgeChildren: number[] = [];
  const bridgeLinks: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (preorder[root] >= 0) continue;
    const id = componentSizes.length;
    componentStart.push(counter);
    let top = 0;
    stack[top++] = root;
    preorder[root] = low[root] = counter++;
    component[root] = id;
    cursor[root] = offsets[root];
    while (top > 0) {
      const v = stack[top - 1];
      if (cursor[v] < offsets[v + 1]) {
        const k = cursor[v]++;
        const w = targets[k];
        if (linkIds[k] === parentLink[v]) continue; // the tree link we came by, not a parallel one
        if (preorder[w] < 0) {
          preorder[w] = low[w] = counter++;
          component[w] = id;
          parent[w] = v;
          parentLink[w] = linkIds[k];
          cursor[w] = offsets[w];
          stack[top++] = w;
        } else if (preorder[w] < low[v]) low[v] = preorder[w];
        continue;
      }
      top--;
      subtreeSize[v] += 1;
      const p = parent[v];
      if (p < 0) continue;
      subtreeSize[p] += subtreeSize[v];
      if (low[v] < low[p]) low[p] = low[v];
      if (low[v] > preorder[p]) {
        bridgeChildren.push(v);
        bridgeLinks.push(parentLink[v]);
      }
    }
    componentSizes.push(counter - componentStart[id]);
  }
  return { preorder, subtreeSize, component, componentSizes, componentStart, bridgeChildren, bridgeLinks };
}

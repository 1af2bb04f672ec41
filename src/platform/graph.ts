import type { Link } from './types.js';

/**
 * The link graph in compressed sparse row form: the neighbours of PoP v are
 * targets[offsets[v] .. offsets[v+1]), with the one-way latency of the link and its index.
 * Links that are down are left out, so a rebuilt adjacency is the graph traffic sees.
 */
export interface Adjacency {
  readonly n: number;
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly weightsUs: Float64Array;
  readonly linkIds: Int32Array;
}

/** Build the adjacency of `popCount` PoPs; `linkUp[i] === 0` leaves link i out. */
export function buildAdjacency(popCount: number, links: readonly Link[], linkUp?: Uint8Array): Adjacency {
  const degree = new Int32Array(popCount + 1);
  for (let i = 0; i < links.length; i++) {
    if (linkUp !== undefined && linkUp[i] === 0) continue;
    const { a, b } = links[i];
    if (a < 0 || a >= popCount || b < 0 || b >= popCount) {
      throw new RangeError(`link ${i} joins PoPs ${a} and ${b}, outside 0..${popCount - 1}`);
    }
    degree[a + 1]++;
    degree[b + 1]++;
  }
  const offsets = new Int32Array(popCount + 1);
  for (let v = 0; v < popCount; v++) offsets[v + 1] = offsets[v] + degree[v + 1];
  const m = offsets[popCount];
  const targets = new Int32Array(m);
  const weightsUs = new Float64Array(m);
  const linkIds = new Int32Array(m);
  const fill = offsets.slice(0, popCount);
  for (let i = 0; i < links.length; i++) {
    if (linkUp !== undefined && linkUp[i] === 0) continue;
    const { a, b, latencyUs } = links[i];
    let k = fill[a]++;
    targets[k] = b;
    weightsUs[k] = latencyUs;
    linkIds[k] = i;
    k = fill[b]++;
    targets[k] = a;
    weightsUs[k] = latencyUs;
    linkIds[k] = i;
  }
  return { n: popCount, offsets, targets, weightsUs, linkIds };
}

/**
 * Single-source shortest one-way latencies (Dijkstra on a binary heap with lazy deletion).
 * Writes Infinity for unreachable PoPs. `scratch` may be passed to avoid reallocating the heap.
 */
export function shortestPathsFrom(
  adj: Adjacency,
  source: number,
  outDistUs: Float64Array,
  scratch: DijkstraScratch = new DijkstraScratch(adj),
): void {
  const { n, offsets, targets, weightsUs } = adj;
  if (source < 0 || source >= n) throw new RangeError(`source PoP ${source} outside 0..${n - 1}`);
  outDistUs.fill(Infinity, 0, n);
  const heap = scratch.reset(adj);
  outDistUs[source] = 0;
  heap.push(0, source);
  while (heap.size > 0) {
    const d = heap.topKey();
    const u = heap.pop();
    if (d > outDistUs[u]) continue;
    for (let k = offsets[u], end = offsets[u + 1]; k < end; k++) {
      const v = targets[k];
      const nd = d + weightsUs[k];
      if (nd < outDistUs[v]) {
        outDistUs[v] = nd;
        heap.push(nd, v);
      }
    }
  }
}

/** Reusable heap storage for Dijkstra: at most one entry per edge relaxation plus the source. */
export class DijkstraScratch {
  private heap = new KeyedHeap(16);
  constructor(adj?: Adjacency) {
    if (adj !== undefined) this.heap = new KeyedHeap(adj.targets.length + 1);
  }
  reset(adj: Adjacency): KeyedHeap {
    if (this.heap.capacity < adj.targets.length + 1) this.heap = new KeyedHeap(adj.targets.length + 1);
    this.heap.clear();
    return this.heap;
  }
}

/** A binary min-heap of (key, value) pairs on typed arrays, of fixed capacity. */
class KeyedHeap {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  size = 0;
  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
  }
  clear(): void {
    this.size = 0;
  }
  topKey(): number {
    return this.keys[0];
  }
  push(key: number, value: number): void {
    if (this.size === this.capacity) throw new RangeError('KeyedHeap full');
    const keys = this.keys;
    const values = this.values;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[i] = keys[parent];
      values[i] = values[parent];
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }
  pop(): number {
    const keys = this.keys;
    const values = this.values;
    const top = values[0];
    const last = --this.size;
    if (last === 0) return top;
    const key = keys[last];
    const value = values[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && keys[c + 1] < keys[c]) c++;
      if (key <= keys[c]) break;
      keys[i] = keys[c];
      values[i] = values[c];
      i = c;
    }
    keys[i] = key;
    values[i] = value;
    return top;
  }
}

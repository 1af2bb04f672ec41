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
  /** Largest weight, and whether every weight is a whole number (then a bucket queue applies). */
  readonly weightMaxUs: number;
  readonly integerWeights: boolean;
}

/** Above this largest weight, the bucket queue's ring would be too large: use the binary heap. */
const BUCKET_WEIGHT_MAX = 1 << 20;

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
  let weightMaxUs = 0;
  let integerWeights = true;
  for (let k = 0; k < m; k++) {
    const w = weightsUs[k];
    if (w > weightMaxUs) weightMaxUs = w;
    if (!Number.isInteger(w) || w < 0) integerWeights = false;
  }
  return { n: popCount, offsets, targets, weightsUs, linkIds, weightMaxUs, integerWeights };
}

/**
 * Single-source shortest one-way latencies. Writes Infinity for unreachable PoPs. With whole
 * microsecond weights (the simulator's case) this is Dial's algorithm: a ring of buckets, one
 * per microsecond of distance, O(E + diameter), several times faster than a heap at 10,000
 * PoPs; otherwise Dijkstra on a binary heap with lazy deletion. `scratch` avoids reallocation.
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
  if (adj.integerWeights && adj.weightMaxUs <= BUCKET_WEIGHT_MAX) {
    dialShortestPaths(adj, source, outDistUs, scratch.buckets(adj));
    return;
  }
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

/**
 * Dial's algorithm: bucket b of the ring holds the PoPs reached at a distance d with
 * d mod ring = b; since no edge is longer than ring - 1, the pending distances always lie in
 * [current, current + ring) and never collide. Buckets are stacks of entries with lazy
 * deletion: a shorter distance pushes a new entry and leaves the old one, which is skipped when
 * popped (its PoP's distance no longer matches). Each push is two sequential writes instead of
 * relinking a doubly linked list, and a run makes at most one entry per edge plus the source.
 */
function dialShortestPaths(adj: Adjacency, source: number, dist: Float64Array, q: BucketQueue): void {
  const { offsets, targets } = adj;
  const { head, entryPop, entryNext, weightsUs } = q;
  const ring = head.length;
  dist[source] = 0;
  entryPop[0] = source;
  entryNext[0] = -1;
  head[0] = 0;
  let entries = 1;
  let queued = 1;
  let current = 0;
  let b = 0;
  while (queued > 0) {
    let e = head[b];
    while (e < 0) {
      current++;
      b = b + 1 === ring ? 0 : b + 1;
      e = head[b];
    }
    head[b] = entryNext[e];
    queued--;
    const u = entryPop[e];
    // A stale entry: u was reached by a shorter path since (and is settled or queued there).
    if (dist[u] !== current) continue;
    for (let k = offsets[u], end = offsets[u + 1]; k < end; k++) {
      const v = targets[k];
      const w = weightsUs[k];
      const nd = current + w;
      if (nd >= dist[v]) continue;
      dist[v] = nd;
      // (b + w) mod ring without a division: w < ring.
      let nb = b + w;
      if (nb >= ring) nb -= ring;
      entryPop[entries] = v;
      entryNext[entries] = head[nb];
      head[nb] = entries++;
      queued++;
    }
  }
}

interface BucketQueue {
  /** First entry of each bucket of the ring, -1 when empty. */
  readonly head: Int32Array;
  /** Entry e: the PoP it reached, and the next entry of its bucket (-1 at the bottom). */
  readonly entryPop: Int32Array;
  readonly entryNext: Int32Array;
  /** The adjacency's weights as 32-bit integers (integer arithmetic, half the memory). */
  readonly weightsUs: Int32Array;
  readonly adj: Adjacency;
}

/** Reusable storage for shortest paths: the heap, or the bucket ring and its entries. */
export class DijkstraScratch {
  private heap = new KeyedHeap(16);
  private queue: BucketQueue | null = null;
  constructor(adj?: Adjacency) {
    if (adj !== undefined) this.heap = new KeyedHeap(adj.targets.length + 1);
  }
  buckets(adj: Adjacency): BucketQueue {
    const ring = adj.weightMaxUs + 1;
    const entriesMax = adj.targets.length + 1;
    if (this.queue === null || this.queue.adj !== adj) {
      this.queue = {
        head: new Int32Array(ring),
        entryPop: new Int32Array(entriesMax),
        entryNext: new Int32Array(entriesMax),
        weightsUs: Int32Array.from(adj.weightsUs),
        adj,
      };
    }
    this.queue.head.fill(-1);
    return this.queue;
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

/**
 * The store's ring: every node of the deployment at its Chord identifier (`chordRingId`, the
 * positions Chord gives them), keys at `storeKey`. A key's home replicas are the first N nodes
 * clockwise from its position, whether up or down: the membership is the deployment's, as in
 * Dynamo, where a crash is not a departure (a node comes back to the same keys). Built once per
 * stack and shared by its nodes (immutable).
 */
import type { NodeId } from '../../runtime/context.js';
import { chordRingId, inOpenClosed, ringDistance, ringSize } from '../chord/ring.js';
import { ringKey } from '../ring-key.js';
import { STATE_SPACE_SIZE, STATE_SPACES } from '../state-store.js';

/** The store's keys live on a 32-bit ring, as Chord's default identifiers do. */
export const STORE_ID_BITS = 32;
const SIZE = ringSize(STORE_ID_BITS);
const CLIENT_SALT = 0x2545f491;

/**
 * Where key `key` lives on the ring. A key is an id of one of the `STATE_SPACES` spaces
 * (`stateKey`): each space hashes with its own salt, so the workload's key k, VE k and VM k
 * have unrelated homes.
 */
export function storeKey(key: number): number {
  if (!isStoreKey(key)) throw new RangeError(`store key must be an integer in [0, ${STATE_SPACES} x 2^31), got ${key}`);
  const space = Math.floor(key / STATE_SPACE_SIZE);
  return ringKey(key - space * STATE_SPACE_SIZE, STORE_ID_BITS, (0x5bd1e995 + space * 0x61c88647) | 0, 'store key');
}

export function isStoreKey(key: number): boolean {
  return Number.isInteger(key) && key >= 0 && key < STATE_SPACES * STATE_SPACE_SIZE;
}

/** A range of ring positions (lo, hi]; lo === hi is the whole ring (a ring of one node). */
export interface KeyRange {
  readonly lo: number;
  readonly hi: number;
}

export class StoreRing {
  /** Ring identifiers in clockwise order, and the node at each. */
  private readonly ids: Float64Array;
  private readonly nodes: Int32Array;
  /** Node id -> its index in ring order. */
  private readonly index: Int32Array;
  private readonly client: Uint8Array;

  constructor(
    readonly nodeCount: number,
    clients: number,
  ) {
    if (!(Number.isInteger(nodeCount) && nodeCount >= 1)) throw new RangeError(`StoreRing: nodeCount must be an integer >= 1, got ${nodeCount}`);
    const order = Array.from({ length: nodeCount }, (_, node) => node).sort((a, b) => chordRingId(a, STORE_ID_BITS) - chordRingId(b, STORE_ID_BITS));
    this.nodes = Int32Array.from(order);
    this.ids = Float64Array.from(order, (node) => chordRingId(node, STORE_ID_BITS));
    this.index = new Int32Array(nodeCount);
    order.forEach((node, i) => (this.index[node] = i));
    // Clients: the `clients` nodes first by a hash of their id, spread over PoPs and the ring.
    this.client = new Uint8Array(nodeCount);
    const byHash = Array.from({ length: nodeCount }, (_, node) => node).sort((a, b) => ringKey(a, 32, CLIENT_SALT, 'node') - ringKey(b, 32, CLIENT_SALT, 'node'));
    for (const node of byHash.slice(0, clients)) this.client[node] = 1;
  }

  isClient(node: NodeId): boolean {
    return this.client[node] === 1;
  }

  /** Index in ring order of the first node at or after `position` (the key's coordinator on Chord). */
  firstIndex(position: number): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid] < position) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.ids.length ? 0 : lo;
  }

  /** The node `steps` positions clockwise from ring index `i`. */
  nodeAt(i: number, steps = 0): NodeId {
    return this.nodes[(i + steps) % this.nodes.length];
  }

  /** The first `n` nodes clockwise from `position`: a key's home replicas, in preference order. */
  home(position: number, n: number): NodeId[] {
    const first = this.firstIndex(position);
    const out: NodeId[] = [];
    for (let k = 0; k < Math.min(n, this.nodes.length); k++) out.push(this.nodeAt(first, k));
    return out;
  }

  /**
   * The range of keys whose `i`-th home replica (0: the first) is `node`: the keys owned, on
   * Chord, by the node i places counter-clockwise of it.
   */
  rangeOf(node: NodeId, i: number): KeyRange {
    const n = this.nodes.length;
    const primary = (((this.index[node] - i) % n) + n) % n;
    return { lo: this.ids[(primary - 1 + n) % n], hi: this.ids[primary] };
  }

  /** The `n` home replicas of the keys of `range` (a range from `rangeOf`). */
  replicasOf(range: KeyRange, n: number): NodeId[] {
    return this.home(range.hi, n);
  }
}

export function inRange(position: number, range: KeyRange): boolean {
  return inOpenClosed(position, range.lo, range.hi, SIZE);
}

/** Which of `buckets` equal slices of `range` holds `position` (a position in the range). */
export function bucketOf(position: number, range: KeyRange, buckets: number): number {
  const length = range.lo === range.hi ? SIZE : ringDistance(range.lo, range.hi, SIZE);
  const offset = ringDistance(range.lo, position, SIZE) - 1 + (range.lo === range.hi && position === range.lo ? SIZE : 0);
  return Math.min(buckets - 1, Math.floor((offset * buckets) / length));
}

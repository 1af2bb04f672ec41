/**
 * Cyclon's view: at most `viewSize` distinct peers with their ages in rounds, in a fixed order
 * (the order decides ties and which entries a random draw picks, so it is part of the
 * behaviour). Mutated in place and stored as two typed arrays rather than an array of entry
 * objects: a node touches its view several times per period, and at thousands of nodes each
 * separate object is another cache miss. Entries become `ViewEntry` objects only in messages.
 */
import type { NodeId, Random } from '../../runtime/context.js';
import type { ViewEntry } from './gossip-messages.js';

export class GossipView {
  private readonly peerIds: Int32Array;
  private readonly ages: Float64Array;
  private count = 0;
  /** Scratch for draws and merges (reused, never escapes). */
  private readonly poolPeers: Int32Array;
  private readonly poolAges: Float64Array;
  private readonly replaceable: Int32Array;

  constructor(readonly viewSize: number) {
    if (!(Number.isInteger(viewSize) && viewSize >= 1)) throw new RangeError(`viewSize must be an integer >= 1, got ${viewSize}`);
    this.peerIds = new Int32Array(viewSize);
    this.ages = new Float64Array(viewSize);
    this.poolPeers = new Int32Array(viewSize);
    this.poolAges = new Float64Array(viewSize);
    this.replaceable = new Int32Array(viewSize);
  }

  get length(): number {
    return this.count;
  }

  peerAt(index: number): NodeId {
    return this.peerIds[index];
  }

  has(peer: NodeId): boolean {
    return this.indexOf(peer) >= 0;
  }

  /** The entries as plain data, in view order. */
  entries(): ViewEntry[] {
    const out: ViewEntry[] = [];
    for (let i = 0; i < this.count; i++) out.push({ peer: this.peerIds[i], ageRounds: this.ages[i] });
    return out;
  }

  /** Every entry one round older. */
  age(): void {
    for (let i = 0; i < this.count; i++) this.ages[i]++;
  }

  /** Index of the oldest entry (the first one on ties, for determinism); -1 on an empty view. */
  oldestIndex(): number {
    let best = -1;
    for (let i = 0; i < this.count; i++) if (best < 0 || this.ages[i] > this.ages[best]) best = i;
    return best;
  }

  /** Remove the entry at `index`, keeping the order of the others. */
  removeAt(index: number): void {
    this.peerIds.copyWithin(index, index + 1, this.count);
    this.ages.copyWithin(index, index + 1, this.count);
    this.count--;
  }

  /**
   * Up to `count` distinct entries drawn uniformly, skipping `exclude`: the entries in view order
   * are shuffled (Fisher-Yates, rng.int(i + 1) for i from the last down to 1) and the first
   * `count` taken. New objects: they travel in a message.
   */
  randomSubset(count: number, rng: Random, exclude: NodeId = -1): ViewEntry[] {
    const pool = this.poolPeers;
    const poolAges = this.poolAges;
    let size = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.peerIds[i] === exclude) continue;
      pool[size] = this.peerIds[i];
      poolAges[size++] = this.ages[i];
    }
    for (let i = size - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const peer = pool[i];
      pool[i] = pool[j];
      pool[j] = peer;
      const age = poolAges[i];
      poolAges[i] = poolAges[j];
      poolAges[j] = age;
    }
    const out: ViewEntry[] = [];
    for (let i = 0; i < size && i < count; i++) out.push({ peer: pool[i], ageRounds: poolAges[i] });
    return out;
  }

  /**
   * Cyclon's merge: each received entry (never self, never one already held) fills an empty slot,
   * else replaces an entry that was sent away in this exchange (in the order they were sent),
   * else is dropped. So the view stays within `viewSize` and without duplicates.
   */
  merge(received: readonly ViewEntry[], sent: readonly NodeId[], self: NodeId): void {
    const replaceable = this.replaceable;
    let replaceableCount = 0;
    // Sent peers are distinct (a draw from the view), so they fit in viewSize slots.
    for (const peer of sent) if (this.has(peer) && replaceableCount < replaceable.length) replaceable[replaceableCount++] = peer;
    let nextVictim = 0;
    for (const entry of received) {
      if (entry.peer === self || !isNodeId(entry.peer)) continue;
      if (this.has(entry.peer)) continue;
      if (this.count < this.viewSize) {
        this.peerIds[this.count] = entry.peer;
        this.ages[this.count++] = entry.ageRounds;
        continue;
      }
      if (nextVictim === replaceableCount) break;
      const index = this.indexOf(replaceable[nextVictim++]);
      this.peerIds[index] = entry.peer;
      this.ages[index] = entry.ageRounds;
    }
  }

  private indexOf(peer: NodeId): number {
    for (let i = 0; i < this.count; i++) if (this.peerIds[i] === peer) return i;
    return -1;
  }
}

/** What a 32-bit view slot can hold: an integer in [0, 2^31). */
function isNodeId(peer: number): boolean {
  return Number.isInteger(peer) && peer >= 0 && peer <= 0x7fffffff;
}

/**
 * Which peers a node pings. Vivaldi's authors found that neighbours that are all close distort
 * the map and that a small share of distant ones (~5%) fixes it; measuring close peers well is
 * what the relative-error metric rewards. So, ranking members by filtered RTT:
 *   - the `closeSlots` nearest are kept (a newcomer nearer than them takes a place),
 *   - the `farSlots` farthest are kept (likewise for a newcomer farther than them),
 *   - the rest is a random share that keeps rotating (each offer of an unknown peer replaces a
 *     random one of them with probability `rotateProbability`), so over time a node samples many
 *     distinct peers instead of pulling on the same springs.
 * The set never holds more than `sizeMax` members; members that stop answering are dropped.
 */
import type { NodeId, Random } from '../../runtime/context.js';

export interface NeighbourSetOptions {
  readonly sizeMax: number;
  readonly closeSlots: number;
  readonly farSlots: number;
  readonly rotateProbability: number;
  /** A member pinged this many times in a row without an answer is dropped. */
  readonly unansweredMax: number;
}

export class NeighbourSet {
  /**
   * The members as parallel typed arrays, in an order that matters (pickForPing draws an index):
   * insertion order until the set is full, then ranked at each accepted offer. Arrays rather than
   * member objects: ranking and refreshing touch every member, and at thousands of nodes each
   * separate object is another cache miss. One extra slot holds a newcomer before the eviction.
   */
  private readonly memberPeers: Int32Array;
  private readonly rtts: Float64Array;
  private readonly unanswered: Int32Array;
  private count = 0;
  /** The members' peers, for O(1) `has` (kept in step with the arrays). */
  private readonly memberSet = new Set<NodeId>();

  constructor(
    private readonly options: NeighbourSetOptions,
    private readonly rng: Random,
  ) {
    const { sizeMax, closeSlots, farSlots } = options;
    if (!(sizeMax >= 1 && Number.isInteger(sizeMax))) throw new RangeError(`neighbour set sizeMax must be an integer >= 1, got ${sizeMax}`);
    if (!(closeSlots >= 0 && farSlots >= 0 && closeSlots + farSlots <= sizeMax)) {
      throw new RangeError(`closeSlots ${closeSlots} + farSlots ${farSlots} must fit in sizeMax ${sizeMax}`);
    }
    this.memberPeers = new Int32Array(sizeMax + 1);
    this.rtts = new Float64Array(sizeMax + 1);
    this.unanswered = new Int32Array(sizeMax + 1);
  }

  get size(): number {
    return this.count;
  }

  peers(): NodeId[] {
    return Array.from(this.memberPeers.subarray(0, this.count));
  }

  has(peer: NodeId): boolean {
    return this.memberSet.has(peer);
  }

  /** A uniformly chosen member, counted as pinged (an answer resets the count). */
  pickForPing(): NodeId | undefined {
    if (this.count === 0) return undefined;
    const index = this.rng.int(this.count); // the draw rng.pick(members) makes
    const peer = this.memberPeers[index];
    if (++this.unanswered[index] > this.options.unansweredMax) this.removeAt(index);
    return peer;
  }

  /** `peer` answered with a (filtered) RTT: refresh it if known, otherwise consider taking it. */
  offer(peer: NodeId, rttMs: number): void {
    if (this.memberSet.has(peer)) {
      const index = this.indexOf(peer);
      this.rtts[index] = rttMs;
      this.unanswered[index] = 0;
      return;
    }
    const { sizeMax, closeSlots, farSlots, rotateProbability } = this.options;
    if (this.count < sizeMax) {
      this.add(peer, rttMs);
      return;
    }
    // Rank by RTT; the middle band [closeSlots, size - farSlots) is the rotating random share.
    if (closeSlots > 0 || farSlots > 0) this.rank();
    const closeLimitMs = closeSlots > 0 ? this.rtts[closeSlots - 1] : -Infinity;
    const farLimitMs = farSlots > 0 ? this.rtts[sizeMax - farSlots] : Infinity;
    const takesRankedSlot = rttMs < closeLimitMs || rttMs > farLimitMs;
    if (!takesRankedSlot && this.rng.next() >= rotateProbability) return;
    this.add(peer, rttMs);
    this.rank();
    // Now sizeMax + 1 members: the middle band holds at least one, the one pushed out of a
    // ranked slot when there is no random share.
    const middleCount = this.count - closeSlots - farSlots;
    this.removeAt(closeSlots + this.rng.int(middleCount));
  }

  remove(peer: NodeId): void {
    if (!this.memberSet.has(peer)) return;
    this.removeAt(this.indexOf(peer));
  }

  private add(peer: NodeId, rttMs: number): void {
    this.memberPeers[this.count] = peer;
    this.rtts[this.count] = rttMs;
    this.unanswered[this.count] = 0;
    this.count++;
    this.memberSet.add(peer);
  }

  private indexOf(peer: NodeId): number {
    for (let i = 0; i < this.count; i++) if (this.memberPeers[i] === peer) return i;
    return -1;
  }

  /** Remove the member at `index`, keeping the order of the others. */
  private removeAt(index: number): void {
    this.memberSet.delete(this.memberPeers[index]);
    this.memberPeers.copyWithin(index, index + 1, this.count);
    this.rtts.copyWithin(index, index + 1, this.count);
    this.unanswered.copyWithin(index, index + 1, this.count);
    this.count--;
  }

  /**
   * Sort the members by (RTT, peer id), an insertion sort: they were ranked at the previous
   * offer and only a few RTTs moved since, so this is close to one pass. The order is total,
   * so the result is the one any sort would give.
   */
  private rank(): void {
    const peers = this.memberPeers;
    const rtts = this.rtts;
    const unanswered = this.unanswered;
    for (let i = 1; i < this.count; i++) {
      const peer = peers[i];
      const rtt = rtts[i];
      const misses = unanswered[i];
      let j = i - 1;
      while (j >= 0 && (rtts[j] > rtt || (rtts[j] === rtt && peers[j] > peer))) {
        peers[j + 1] = peers[j];
        rtts[j + 1] = rtts[j];
        unanswered[j + 1] = unanswered[j];
        j--;
      }
      peers[j + 1] = peer;
      rtts[j + 1] = rtt;
      unanswered[j + 1] = misses;
    }
  }
}

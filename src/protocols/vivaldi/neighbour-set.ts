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

interface Member {
  readonly peer: NodeId;
  rttMs: number;
  unanswered: number;
}

export class NeighbourSet {
  private readonly members: Member[] = [];
  /** The members' peers, for O(1) `has` (kept in step with `members`). */
  private readonly memberPeers = new Set<NodeId>();

  constructor(
    private readonly options: NeighbourSetOptions,
    private readonly rng: Random,
  ) {
    const { sizeMax, closeSlots, farSlots } = options;
    if (!(sizeMax >= 1 && Number.isInteger(sizeMax))) throw new RangeError(`neighbour set sizeMax must be an integer >= 1, got ${sizeMax}`);
    if (!(closeSlots >= 0 && farSlots >= 0 && closeSlots + farSlots <= sizeMax)) {
      throw new RangeError(`closeSlots ${closeSlots} + farSlots ${farSlots} must fit in sizeMax ${sizeMax}`);
    }
  }

  get size(): number {
    return this.members.length;
  }

  peers(): NodeId[] {
    return this.members.map((m) => m.peer);
  }

  has(peer: NodeId): boolean {
    return this.memberPeers.has(peer);
  }

  /** A uniformly chosen member, counted as pinged (an answer resets the count). */
  pickForPing(): NodeId | undefined {
    if (this.members.length === 0) return undefined;
    const member = this.rng.pick(this.members);
    member.unanswered++;
    if (member.unanswered > this.options.unansweredMax) this.removeAt(this.members.indexOf(member));
    return member.peer;
  }

  /** `peer` answered with a (filtered) RTT: refresh it if known, otherwise consider taking it. */
  offer(peer: NodeId, rttMs: number): void {
    const known = this.members.find((m) => m.peer === peer);
    if (known !== undefined) {
      known.rttMs = rttMs;
      known.unanswered = 0;
      return;
    }
    const { sizeMax, closeSlots, farSlots, rotateProbability } = this.options;
    if (this.members.length < sizeMax) {
      this.add(peer, rttMs);
      return;
    }
    // Rank by RTT; the middle band [closeSlots, size - farSlots) is the rotating random share.
    // The order is total (RTT, then peer id), so a sort's result never depends on the order before it.
    if (closeSlots > 0 || farSlots > 0) this.members.sort(byRttThenPeer);
    const closeLimitMs = closeSlots > 0 ? this.members[closeSlots - 1].rttMs : -Infinity;
    const farLimitMs = farSlots > 0 ? this.members[sizeMax - farSlots].rttMs : Infinity;
    const takesRankedSlot = rttMs < closeLimitMs || rttMs > farLimitMs;
    if (!takesRankedSlot && this.rng.next() >= rotateProbability) return;
    this.add(peer, rttMs);
    this.members.sort(byRttThenPeer);
    // Now sizeMax + 1 members: the middle band holds at least one, the one pushed out of a
    // ranked slot when there is no random share.
    const middleCount = this.members.length - closeSlots - farSlots;
    this.removeAt(closeSlots + this.rng.int(middleCount));
  }

  remove(peer: NodeId): void {
    const index = this.members.findIndex((m) => m.peer === peer);
    if (index >= 0) this.removeAt(index);
  }

  private add(peer: NodeId, rttMs: number): void {
    this.members.push({ peer, rttMs, unanswered: 0 });
    this.memberPeers.add(peer);
  }

  private removeAt(index: number): void {
    const [removed] = this.members.splice(index, 1);
    this.memberPeers.delete(removed.peer);
  }
}

function byRttThenPeer(a: Member, b: Member): number {
  return a.rttMs - b.rttMs || a.peer - b.peer;
}

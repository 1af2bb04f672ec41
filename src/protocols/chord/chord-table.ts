/**
 * A Chord node's routing state, flat: the finger table and the successor list are (node id,
 * clockwise distance) pairs in one Int32Array (node -1: empty; distances are unsigned 32-bit,
 * read back with `>>> 0`), the predecessor one number. One array, so a routing step reads one
 * object and a few consecutive cache lines (at 100,000 nodes every object a step touches is a
 * cache miss). Ring identifiers are never stored: they are a hash of the node id
 * (`chordRingId`); the distances are kept so that a routing step compares numbers rather than
 * hashing up to bits + r node ids (the step runs millions of times). `route` is the decision one
 * lookup step takes at a node; it writes its answer into the `r*` fields (no allocation per step).
 */
import type { NodeId } from '../../runtime/context.js';
import { chordRingId, inFingerInterval, inOpen, inOpenClosed, ringDistance, ringSize } from './ring.js';

/** Peers found dead that a table remembers (see `bar`). */
export const BARRED_MAX = 4;

export class ChordTable {
  readonly size: number;
  readonly selfId: number;
  /**
   * Finger i at [2i] (node) and [2i + 1] (distance), i < bits; then successor k at
   * [2(bits + k)] and [2(bits + k) + 1], k < successorListLength.
   */
  private readonly cells: Int32Array;
  /** Where the successor pairs start in `cells`. */
  private readonly successorBase: number;
  /** Where the barred peers start in `cells` (BARRED_MAX ids, -1: free). */
  private readonly barredBase: number;
  /** When each barred peer was found dead (ms), same order. */
  private readonly barredAtMs = new Float64Array(BARRED_MAX);
  private barredNext = 0;
  /** Barred slots in use: messages check it before looking (most of the time there are none). */
  private barredCount = 0;
  private readonly successorCapacity: number;
  private successorCount = 0;
  pred: NodeId = -1;
  /**
   * Called after every change of the successor list (null: nobody listens). A hook, not an
   * event type: the table stays a plain data structure, and Chord turns it into an overlay.
   */
  onSuccessorsChanged: (() => void) | null = null;

  /** Result of the last `route`: done (owner = self) or the next hop and its fallback. */
  rDone = false;
  rNode: NodeId = -1;
  /** The `prev` the next hop should be given: this node, or on a walk back the prev this node got. */
  rNextPrev: NodeId = -1;
  rBackup: NodeId = -1;
  rBackupPrev: NodeId = -1;
  rExpectOwner = false;
  /** Set by `route` when the predecessor contradicts the previous hop (worth checking). */
  rPredSuspect = false;

  constructor(
    readonly self: NodeId,
    readonly bits: number,
    successorListLength: number,
  ) {
    this.size = ringSize(bits);
    this.selfId = chordRingId(self, bits);
    this.successorBase = 2 * bits;
    this.successorCapacity = successorListLength;
    this.barredBase = 2 * (bits + successorListLength);
    this.cells = new Int32Array(this.barredBase + BARRED_MAX);
    this.cells.fill(-1, this.barredBase);
    this.clearFingers();
  }

  /**
   * `peer` was found dead at `nowMs`: it is not adopted again from another node's stale pointer
   * until this node hears from it (the last BARRED_MAX such peers are kept).
   */
  bar(peer: NodeId, nowMs: number): void {
    const at = this.barredBase + this.barredNext;
    if (this.cells[at] < 0) this.barredCount++;
    this.cells[at] = peer;
    this.barredAtMs[this.barredNext] = nowMs;
    this.barredNext = (this.barredNext + 1) % BARRED_MAX;
  }

  /** Whether `peer` was barred at or after `sinceMs` and has not been heard from since. */
  isBarredSince(peer: NodeId, sinceMs: number): boolean {
    for (let k = 0; k < BARRED_MAX; k++) if (this.cells[this.barredBase + k] === peer && this.barredAtMs[k] >= sinceMs) return true;
    return false;
  }

  /** Any message from `peer` proves it alive: lift its bar. */
  heardFrom(peer: NodeId): void {
    if (this.barredCount === 0) return;
    for (let at = this.barredBase; at < this.barredBase + BARRED_MAX; at++) {
      if (this.cells[at] === peer) {
        this.cells[at] = -1;
        this.barredCount--;
      }
    }
  }

  /** Finger i (-1: empty). */
  fingerAt(i: number): NodeId {
    return this.cells[2 * i];
  }

  /** The finger table, finger 0 first (-1: empty). */
  fingerList(): NodeId[] {
    return Array.from({ length: this.bits }, (_, i) => this.cells[2 * i]);
  }

  idOf(node: NodeId): number {
    return chordRingId(node, this.bits);
  }

  /** Clockwise distance from this node to `node`. */
  distanceTo(node: NodeId): number {
    return ringDistance(this.selfId, chordRingId(node, this.bits), this.size);
  }

  setFinger(i: number, node: NodeId): void {
    this.cells[2 * i] = node;
    this.cells[2 * i + 1] = node < 0 ? 0 : this.distanceTo(node);
  }

  clearFingers(): void {
    for (let i = 0; i < this.bits; i++) this.setFinger(i, -1);
  }

  private successorNode(k: number): NodeId {
    return this.cells[this.successorBase + 2 * k];
  }

  private setSuccessorAt(k: number, node: NodeId, distance: number): void {
    this.cells[this.successorBase + 2 * k] = node;
    this.cells[this.successorBase + 2 * k + 1] = distance;
  }

  get joined(): boolean {
    return this.successorCount > 0;
  }

  get alone(): boolean {
    return this.successorCount > 0 && this.successorNode(0) === this.self;
  }

  get successorCountNow(): number {
    return this.successorCount;
  }

  successorAt(index: number): NodeId {
    return index < this.successorCount ? this.successorNode(index) : -1;
  }

  successors(): NodeId[] {
    const list = new Array<NodeId>(this.successorCount);
    for (let k = 0; k < this.successorCount; k++) list[k] = this.successorNode(k);
    return list;
  }

  /** A ring of one. */
  createRing(): void {
    this.setSuccessorAt(0, this.self, 0);
    this.successorCount = 1;
    this.pred = -1;
    this.clearFingers();
    this.onSuccessorsChanged?.();
  }

  leave(): void {
    this.successorCount = 0;
    this.pred = -1;
    this.clearFingers();
    this.onSuccessorsChanged?.();
  }

  /** The successor list becomes `first`, `second`, then `rest`: self, duplicates and -1 skipped, truncated. */
  setSuccessors(first: NodeId, second: NodeId, rest: readonly NodeId[]): void {
    // `rest` may be this table's own successors(): a copy, so writing in place is safe.
    this.successorCount = 0;
    this.pushSuccessor(first);
    this.pushSuccessor(second);
    for (let k = 0; k < rest.length && this.successorCount < this.successorCapacity; k++) this.pushSuccessor(rest[k]);
    if (this.successorCount === 0) {
      this.setSuccessorAt(0, this.self, 0); // nobody else known: alone
      this.successorCount = 1;
    }
    this.onSuccessorsChanged?.();
  }

  /** Append `node` to the successor list unless it is -1, self, already there, or the list is full. */
  private pushSuccessor(node: NodeId): void {
    const count = this.successorCount;
    if (node < 0 || node === this.self || count === this.successorCapacity) return;
    for (let k = 0; k < count; k++) if (this.successorNode(k) === node) return;
    this.setSuccessorAt(count, node, this.distanceTo(node));
    this.successorCount = count + 1;
  }

  /** Forget a peer that did not answer (successor list, fingers, predecessor). Returns whether it was the successor. */
  remove(node: NodeId): boolean {
    if (node === this.self) return false;
    const wasSuccessor = this.successorCount > 0 && this.successorNode(0) === node;
    const cells = this.cells;
    let count = 0;
    for (let k = 0; k < this.successorCount; k++) {
      const at = this.successorBase + 2 * k;
      if (cells[at] === node) continue;
      this.setSuccessorAt(count++, cells[at], cells[at + 1]);
    }
    const shrunk = count < this.successorCount;
    this.successorCount = count;
    for (let i = 0; i < this.bits; i++) if (this.fingerAt(i) === node) this.setFinger(i, -1);
    if (this.pred === node) this.pred = -1;
    if (shrunk) this.onSuccessorsChanged?.();
    return wasSuccessor;
  }

  /** Whether `node` is in the successor list, the fingers or the predecessor. */
  knows(node: NodeId): boolean {
    if (this.pred === node) return true;
    for (let k = 0; k < this.successorCount; k++) if (this.successorNode(k) === node) return true;
    for (let i = 0; i < this.bits; i++) if (this.fingerAt(i) === node) return true;
    return false;
  }

  /** Whether `node` would be a better predecessor than the current one. */
  acceptsPredecessor(node: NodeId): boolean {
    if (node === this.self) return false;
    return this.pred < 0 || inOpen(this.idOf(node), this.idOf(this.pred), this.selfId, this.size);
  }

  /**
   * One lookup step for `key` at this node. `prev` named this node (-1: none); `expectOwner`:
   * it believes this node owns the key; `afterTimeout`: the candidate before this one is dead,
   * so this node owns (prev, self].
   */
  route(key: number, prev: NodeId, expectOwner: boolean, afterTimeout: boolean): void {
    const size = this.size;
    const self = this.selfId;
    this.rDone = false;
    this.rNode = -1;
    this.rNextPrev = this.self;
    this.rBackup = -1;
    this.rBackupPrev = -1;
    this.rExpectOwner = false;
    this.rPredSuspect = false;
    if (this.successorCount === 0) return; // not in a ring: cannot help
    if (this.alone) return this.own();
    const predId = this.pred >= 0 ? this.idOf(this.pred) : -1;
    if (predId >= 0 && inOpenClosed(key, predId, self, size)) return this.own();
    if (expectOwner) {
      if (predId < 0) return this.own();
      const prevId = prev >= 0 ? this.idOf(prev) : -1;
      if (afterTimeout && prevId >= 0 && inOpenClosed(key, prevId, self, size)) return this.own();
      if (prevId >= 0 && inOpen(predId, prevId, self, size) && inOpenClosed(key, prevId, predId, size)) {
        // A node joined between prev and this one: walk back to it; this node stays the fallback.
        this.rNode = this.pred;
        this.rNextPrev = prev;
        this.rBackup = this.self;
        this.rBackupPrev = prev;
        this.rExpectOwner = true;
        this.rPredSuspect = true;
        return;
      }
    }
    const succ = this.successorNode(0);
    if (inOpenClosed(key, self, this.idOf(succ), size)) {
      this.rNode = succ;
      this.rBackup = this.successorCount > 1 ? this.successorNode(1) : -1;
      this.rBackupPrev = this.self;
      this.rExpectOwner = true;
      return;
    }
    this.closestPreceding(key);
    this.rBackupPrev = this.self;
  }

  private own(): void {
    this.rDone = true;
    this.rNode = this.self;
  }

  /**
   * The two known nodes in (self, key) closest to the key: fingers (last first), then successors.
   * One pass over the pairs with the running best two in locals (this runs at every hop).
   */
  private closestPreceding(key: number): void {
    const keyDistance = ringDistance(this.selfId, key, this.size);
    const cells = this.cells;
    const self = this.self;
    let best = -1;
    let bestDistance = 0;
    let second = -1;
    let secondDistance = 0;
    const successorEnd = this.successorBase + 2 * this.successorCount;
    // Fingers from the last down to 0, then the successors in order.
    for (let at = this.successorBase - 2; at !== successorEnd; at = at === 0 ? this.successorBase : at < this.successorBase ? at - 2 : at + 2) {
      const node = cells[at];
      const d = cells[at + 1] >>> 0;
      if (node < 0 || node === self || node === best || d === 0 || d >= keyDistance) continue;
      if (d > bestDistance) {
        if (best >= 0) {
          second = best;
          secondDistance = bestDistance;
        }
        best = node;
        bestDistance = d;
      } else if (d > secondDistance && node !== second) {
        second = node;
        secondDistance = d;
      }
    }
    this.rNode = best;
    this.rBackup = second;
  }

  /**
   * A live ring member met in passing (it sent or answered a lookup step) fills the finger whose
   * interval holds it if that finger is empty, or replaces it when `rttMs` rates it nearer
   * (proximity neighbour selection). Fingers only speed routing up, so a learnt one cannot make
   * a lookup wrong; this builds the table long before the periodic fixes get to every finger.
   */
  learnFinger(node: NodeId, rttMs: ((peer: NodeId) => number | undefined) | null): void {
    if (node < 0 || node === this.self || this.successorCount === 0 || this.alone) return;
    const d = this.distanceTo(node);
    if (d === 0) return;
    const i = Math.floor(Math.log2(d)); // d in [2^i, 2^(i+1)): the interval of finger i
    const current = this.fingerAt(i);
    if (current === node) return;
    if (current < 0) {
      this.setFinger(i, node);
      return;
    }
    if (rttMs === null) return;
    const nodeMs = rttMs(node);
    const currentMs = rttMs(current);
    if (nodeMs !== undefined && (currentMs === undefined || nodeMs < currentMs)) this.setFinger(i, node);
  }

  /**
   * Finger i from the candidates (the owner of its start, then the owner's successors): the
   * ones inside the finger's interval are all valid; `rttMs` picks the nearest of those it can
   * estimate (proximity neighbour selection), else the owner itself. Self means no finger.
   */
  chooseFinger(i: number, owner: NodeId, successors: readonly NodeId[] | null, rttMs: ((peer: NodeId) => number | undefined) | null): void {
    let chosen = owner;
    if (rttMs !== null && successors !== null) {
      let bestMs = Infinity;
      const candidate = (node: NodeId): void => {
        if (node < 0 || node === this.self || !inFingerInterval(this.idOf(node), this.selfId, i, this.size)) return;
        const ms = rttMs(node);
        if (ms !== undefined && ms < bestMs) {
          bestMs = ms;
          chosen = node;
        }
      };
      candidate(owner);
      for (const node of successors) candidate(node);
    }
    this.setFinger(i, chosen === this.self ? -1 : chosen);
  }
}

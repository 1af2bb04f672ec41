/**
 * A Chord node's routing state, flat: the successor list and the finger table are Int32Arrays of
 * node ids (-1: empty), the predecessor one number. Ring identifiers are never stored: they are
 * a hash of the node id (`chordRingId`); the clockwise distance from this node to each finger and
 * successor is kept beside it, so a routing step compares numbers rather than hashing up to
 * bits + r node ids (the step runs millions of times). `route` is the decision one lookup step takes at a node;
 * it writes its answer into the `r*` fields (no allocation per step).
 */
import type { NodeId } from '../../runtime/context.js';
import { chordRingId, inFingerInterval, inOpen, inOpenClosed, ringDistance, ringSize } from './ring.js';

export class ChordTable {
  readonly size: number;
  readonly selfId: number;
  private readonly successorList: Int32Array;
  /** Clockwise distance from this node to each successor (same indices). */
  private readonly successorDistance: Float64Array;
  private successorCount = 0;
  /** Read-only outside: write through setFinger / clearFingers, which keep fingerDistance in step. */
  readonly fingers: Int32Array;
  private readonly fingerDistance: Float64Array;
  pred: NodeId = -1;

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
    this.successorList = new Int32Array(successorListLength);
    this.successorDistance = new Float64Array(successorListLength);
    this.fingers = new Int32Array(bits).fill(-1);
    this.fingerDistance = new Float64Array(bits);
  }

  idOf(node: NodeId): number {
    return chordRingId(node, this.bits);
  }

  /** Clockwise distance from this node to `node`. */
  distanceTo(node: NodeId): number {
    return ringDistance(this.selfId, chordRingId(node, this.bits), this.size);
  }

  setFinger(i: number, node: NodeId): void {
    this.fingers[i] = node;
    this.fingerDistance[i] = node < 0 ? 0 : this.distanceTo(node);
  }

  clearFingers(): void {
    this.fingers.fill(-1);
    this.fingerDistance.fill(0);
  }

  get joined(): boolean {
    return this.successorCount > 0;
  }

  get alone(): boolean {
    return this.successorCount > 0 && this.successorList[0] === this.self;
  }

  get successorCountNow(): number {
    return this.successorCount;
  }

  successorAt(index: number): NodeId {
    return index < this.successorCount ? this.successorList[index] : -1;
  }

  successors(): NodeId[] {
    return Array.from(this.successorList.subarray(0, this.successorCount));
  }

  /** A ring of one. */
  createRing(): void {
    this.successorList[0] = this.self;
    this.successorDistance[0] = 0;
    this.successorCount = 1;
    this.pred = -1;
    this.clearFingers();
  }

  leave(): void {
    this.successorCount = 0;
    this.pred = -1;
    this.clearFingers();
  }

  /** The successor list becomes `first`, `second`, then `rest`: self, duplicates and -1 skipped, truncated. */
  setSuccessors(first: NodeId, second: NodeId, rest: readonly NodeId[]): void {
    const list = this.successorList;
    let count = 0;
    const push = (node: NodeId): void => {
      if (node < 0 || node === this.self || count === list.length) return;
      for (let k = 0; k < count; k++) if (list[k] === node) return;
      list[count++] = node;
    };
    push(first);
    push(second);
    for (let k = 0; k < rest.length && count < list.length; k++) push(rest[k]);
    if (count === 0) {
      list[0] = this.self; // nobody else known: alone
      count = 1;
    }
    this.successorCount = count;
    for (let k = 0; k < count; k++) this.successorDistance[k] = this.distanceTo(list[k]);
  }

  /** Forget a peer that did not answer (successor list, fingers, predecessor). Returns whether it was the successor. */
  remove(node: NodeId): boolean {
    if (node === this.self) return false;
    const wasSuccessor = this.successorCount > 0 && this.successorList[0] === node;
    const list = this.successorList;
    let count = 0;
    for (let k = 0; k < this.successorCount; k++) {
      if (list[k] === node) continue;
      this.successorDistance[count] = this.successorDistance[k];
      list[count++] = list[k];
    }
    this.successorCount = count;
    for (let i = 0; i < this.fingers.length; i++) if (this.fingers[i] === node) this.setFinger(i, -1);
    if (this.pred === node) this.pred = -1;
    return wasSuccessor;
  }

  /** Whether `node` is in the successor list, the fingers or the predecessor. */
  knows(node: NodeId): boolean {
    if (this.pred === node) return true;
    for (let k = 0; k < this.successorCount; k++) if (this.successorList[k] === node) return true;
    return this.fingers.includes(node);
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
    const succ = this.successorList[0];
    if (inOpenClosed(key, self, this.idOf(succ), size)) {
      this.rNode = succ;
      this.rBackup = this.successorCount > 1 ? this.successorList[1] : -1;
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

  /** The two known nodes in (self, key) closest to the key: fingers and successors. */
  private closestPreceding(key: number): void {
    const keyDistance = ringDistance(this.selfId, key, this.size);
    this.best = -1;
    this.bestDistance = 0;
    this.second = -1;
    this.secondDistance = 0;
    for (let i = this.fingers.length - 1; i >= 0; i--) this.consider(this.fingers[i], this.fingerDistance[i], keyDistance);
    for (let k = 0; k < this.successorCount; k++) this.consider(this.successorList[k], this.successorDistance[k], keyDistance);
    this.rNode = this.best;
    this.rBackup = this.second;
  }

  // Scratch of closestPreceding (no closure or allocation per routing step).
  private best: NodeId = -1;
  private bestDistance = 0;
  private second: NodeId = -1;
  private secondDistance = 0;

  private consider(node: NodeId, d: number, keyDistance: number): void {
    if (node < 0 || node === this.self || node === this.best || d === 0 || d >= keyDistance) return;
    if (d > this.bestDistance) {
      if (this.best >= 0) {
        this.second = this.best;
        this.secondDistance = this.bestDistance;
      }
      this.best = node;
      this.bestDistance = d;
    } else if (d > this.secondDistance && node !== this.second) {
      this.second = node;
      this.secondDistance = d;
    }
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
    const current = this.fingers[i];
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

/**
 * Chord (Stoica et al., SIGCOMM 2001) with iterative lookups, successor lists and proximity
 * neighbour selection of fingers, as a thin synchronous shell around `ChordTable`:
 *   - join: an iterative lookup of the node's own identifier through its bootstrap peers (tried
 *     in turn; a node that is not in a ring answers "cannot help"), retried every stabilize
 *     period; `ringCreator` starts as a ring of one (and, while alone, keeps trying to join);
 *   - stabilize: ask the successor for its predecessor and successor list, adopt the
 *     predecessor if it sits between, notify the successor; a silent successor is dropped;
 *   - fix fingers: `fingersPerFix` lookups per period, fingers before the successor set free;
 *   - check predecessor: ping it; a silent one is forgotten (also on suspicion, at once);
 *   - workload: a lookup of a random key every `lookupPeriodMs`, logged for the metrics;
 *   - services: `lookup(key, onDone)` for protocols of the same node (e.g. the VM index), on the
 *     workload's machinery (same style, retries and hop limit), with a callback instead of the log;
 *   - convergence after bursts of joins: a node that takes a closer predecessor tells the old
 *     one (`chord.closer-successor`), and so does a node notified by one that is not the
 *     closest, so a gap filled by many joiners at once sorts itself out in round trips rather
 *     than one stabilize period per node;
 *   - fingers learnt in passing: a ring member that sends or answers a lookup step fills the
 *     finger whose interval holds it (or replaces it when nearer, with proximity), so routing is
 *     logarithmic long before the periodic fixes (one finger per 120 s in SimGrid) reach the top;
 *   - invitations: a node not yet in a ring remembers the joiners it turned away, and once it
 *     joins (or while it is the creator alone) invites them and its bootstrap peers to join
 *     through it, so a join waits for a peer to join rather than for 50 s timeouts and retries.
 * Every request times out after `rpcTimeoutMs` through one timer per node, armed for the
 * earliest deadline (deadlines only grow), so cancelled timers never pile up in the kernel.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import { type ChordConfig, validateChordConfig } from './chord-config.js';
import {
  type ChordMessage,
  type ChordPredecessorReply,
  type ChordStep,
  type ChordStepReply,
  type ChordForward,
  type ChordFound,
  CLOSER_SUCCESSOR_BYTES,
  FORWARD_BYTES,
  FOUND_BYTES,
  GET_PRED_BYTES,
  INVITE_BYTES,
  NOTIFY_BYTES,
  PING_BYTES,
  STEP_BYTES,
  predReplySizeBytes,
  stepReplySizeBytes,
} from './chord-messages.js';
import { ChordTable } from './chord-table.js';
import type { CoordinateSource } from './coordinate-source.js';
import { type LookupOutcome, LookupLog } from './lookup-log.js';
import { NotifierCache } from './notifier-cache.js';
import { fingerStart, inOpen, inOpenClosed } from './ring.js';

/** Lookup purposes; a finger fix carries its finger index (>= 0). */
const WORKLOAD = -1;
const JOIN = -2;
/**
 * A lookup of the successor of this node's own identifier, entered through the bootstrap peers
 * (as a join): a node that joined while the ring was unsettled may hold a successor far past
 * the true one, and stabilize alone walks back one predecessor per period.
 */
const SUCCESSOR_CHECK = -3;
/** A lookup for a service of this node (`lookup()`): travels as the workload's do, answers a callback. */
const SERVICE = -4;
/** `Lookup.current` of a recursive attempt: the request is somewhere on its way, the origin waits for `chord.found`. */
const IN_NETWORK = -2;
/** Deadlines within this of now have passed (timers are rounded to whole microseconds). */
const EPSILON_MS = 1e-3;
/**
 * Peers found dead in the last two timeouts are not adopted again from another node's stale
 * predecessor pointer (that node checks its predecessor when notified, within one timeout).
 */
const DEAD_RECENT = 4;
/**
 * Joining nodes this node could not help (it was not in a ring yet) and invites once it joins,
 * so a join waits for the first of its bootstrap peers to join rather than for retry periods.
 */
const INVITES_MAX = 8;

/** How a service learns the owner of its key: -1 when the lookup failed after its retries. */
export type LookupDone = (owner: NodeId, hops: number) => void;

class Lookup {
  attempts = 0;
  hops = 0;
  hopsAtAttempt = 0;
  current: NodeId = -1;
  backup: NodeId = -1;
  backupPrev: NodeId = -1;
  backupExpect = false;
  deadlineMs = Infinity;
  bootstrapIndex = 0;
  /** The first step of a join goes here (an inviter) rather than to the bootstrap peers; -1: none. */
  entry: NodeId = -1;
  /** A service lookup's callback (null for every other purpose). */
  onDone: LookupDone | null = null;
  constructor(
    readonly id: number,
    readonly key: number,
    readonly purpose: number,
    readonly startedAtMs: number,
  ) {}
}

export class ChordProtocol implements Protocol {
  private readonly table: ChordTable;
  private readonly log: LookupLog;
  private readonly notifiers: NotifierCache | null;
  private readonly lookups: Lookup[] = [];
  private readonly rttMs: ((peer: NodeId) => number | undefined) | null;
  private nextLookupId = 1;
  /** Service lookups in `lookups`: they have a budget of their own, so workload and finger fixes count only the others. */
  private serviceLookups = 0;
  /** The service lookup being started: if it finishes at once (this node owns the key), its callback waits for a timer. */
  private startingService: Lookup | null = null;
  private seq = 0;
  private joining = false;
  private checkingSuccessor = false;
  private nextFinger = 0;
  private stabTarget: NodeId = -1;
  private stabSeq = 0;
  private stabDeadlineMs = Infinity;
  private pingTarget: NodeId = -1;
  private pingSeq = 0;
  private pingDeadlineMs = Infinity;
  private readonly deadRecent = new Int32Array(DEAD_RECENT).fill(-1);
  private readonly deadAtMs = new Float64Array(DEAD_RECENT);
  private deadNext = 0;
  private readonly invitees = new Int32Array(INVITES_MAX);
  private inviteeCount = 0;
  private timeoutTimer: TimerHandle | null = null;
  private stabilizeTimer: TimerHandle | null = null;
  private fixTimer: TimerHandle | null = null;
  private checkTimer: TimerHandle | null = null;
  private lookupTimer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ChordConfig,
    coordinates: CoordinateSource | null = null,
  ) {
    validateChordConfig(config);
    this.table = new ChordTable(ctx.id, config.idBits, config.successorListLength);
    this.log = new LookupLog(config.outcomeLogMax);
    this.notifiers = config.notifierHints > 0 ? new NotifierCache(config.notifierHints, 2 * config.stabilizePeriodMs) : null;
    this.rttMs = config.proximity && coordinates !== null ? (peer) => coordinates.estimateRttMs(peer) : null;
  }

  // ---- what metrics and tests read ----

  get ringId(): number {
    return this.table.selfId;
  }

  isJoined(): boolean {
    return this.table.joined;
  }

  successor(): NodeId {
    return this.table.successorAt(0);
  }

  predecessor(): NodeId {
    return this.table.pred;
  }

  successorList(): NodeId[] {
    return this.table.successors();
  }

  fingerTable(): NodeId[] {
    return Array.from(this.table.fingers);
  }

  /** The workload lookups finished since the last drain, oldest first. */
  drainLookups(): LookupOutcome[] {
    return this.log.drain();
  }

  get lookupsDropped(): number {
    return this.log.dropped;
  }

  /** m: keys are integers in [0, 2^idBits). */
  get idBits(): number {
    return this.config.idBits;
  }

  // ---- for services of the same node ----

  /**
   * Look up the node that owns `key` (an integer in [0, 2^idBits)) for a service running on this
   * node. The lookup travels as the workload's do (`lookupStyle`, retries, hop limit) but is not
   * logged. `onDone(owner, hops)` is called exactly once, from a later message or timer handler
   * (never from inside this call: a key this node owns answers on a 0 ms timer); `owner` is -1
   * when every attempt failed. Returns false, and never calls back, when this node is not in a
   * ring or `lookupsInFlightMax` service lookups are in flight (a budget apart from the workload
   * and finger fixes, which services therefore never starve). A node that stops drops its
   * lookups without calling back.
   */
  lookup(key: number, onDone: LookupDone): boolean {
    if (!(Number.isInteger(key) && key >= 0 && key < this.table.size)) throw new RangeError(`ChordProtocol.lookup: key must be an integer in [0, 2^${this.config.idBits}), got ${key}`);
    if (!this.table.joined || this.serviceLookups >= this.config.lookupsInFlightMax) return false;
    this.serviceLookups++;
    const l = new Lookup(this.nextLookupId++, key, SERVICE, this.ctx.nowMs());
    l.onDone = onDone;
    this.lookups.push(l);
    this.startingService = l;
    this.beginAttempt(l);
    this.startingService = null;
    return true;
  }

  // ---- handlers ----

  onStart(): void {
    if (this.ctx.id === this.config.ringCreator) this.table.createRing();
    else this.startJoin();
    const rng = this.ctx.rng;
    this.stabilizeTimer = this.ctx.setTimer(rng.next() * this.config.stabilizePeriodMs, this.onStabilizePeriod);
    this.fixTimer = this.ctx.setTimer(rng.next() * this.config.fixFingersPeriodMs, this.onFixPeriod);
    this.checkTimer = this.ctx.setTimer(rng.next() * this.config.checkPredecessorPeriodMs, this.onCheckPeriod);
    if (this.config.lookupPeriodMs > 0) this.lookupTimer = this.ctx.setTimer(rng.next() * this.config.lookupPeriodMs, this.onLookupPeriod);
  }

  onStop(): void {
    for (const timer of [this.timeoutTimer, this.stabilizeTimer, this.fixTimer, this.checkTimer, this.lookupTimer]) timer?.cancel();
    this.timeoutTimer = this.stabilizeTimer = this.fixTimer = this.checkTimer = this.lookupTimer = null;
  }

  onMessage(from: NodeId, message: Message): void {
    this.forgetDead(from); // any message proves life
    const msg = message as ChordMessage;
    switch (msg.type) {
      case 'chord.step':
        return this.onStep(from, msg);
      case 'chord.step-reply':
        return this.onStepReply(from, msg);
      case 'chord.forward':
        return this.onForward(from, msg);
      case 'chord.found':
        return this.onFound(from, msg);
      case 'chord.get-pred':
        if (!this.table.joined) return; // not in a ring: let the asker time out
        return this.send(from, { type: 'chord.pred-reply', seq: msg.seq, pred: this.predecessorFor(from), successors: this.table.successors() }, predReplySizeBytes(this.table.successorCountNow));
      case 'chord.pred-reply':
        return this.onPredReply(from, msg);
      case 'chord.notify':
        return this.onNotify(from);
      case 'chord.invite':
        if (this.table.joined && !this.table.alone) return;
        return this.startJoin(from);
      case 'chord.closer-successor':
        return this.onCloserSuccessor(from, msg.node);
      case 'chord.ping':
        // Only a ring member answers: a node that restarted since is not the predecessor it was.
        if (!this.table.joined) return;
        return this.send(from, { type: 'chord.pong', seq: msg.seq }, PING_BYTES);
      case 'chord.pong':
        if (from === this.pingTarget && msg.seq === this.pingSeq) {
          this.pingTarget = -1;
          this.pingDeadlineMs = Infinity;
        }
        return;
      default:
        this.ctx.metrics.count('chord.unknown_messages');
    }
  }

  // ---- periodic tasks (one closure each for the life of the protocol) ----

  private readonly onStabilizePeriod = (): void => {
    this.stabilize();
    this.stabilizeTimer = this.ctx.setTimer(this.config.stabilizePeriodMs, this.onStabilizePeriod);
  };

  private readonly onFixPeriod = (): void => {
    this.fixFingers();
    this.fixTimer = this.ctx.setTimer(this.config.fixFingersPeriodMs, this.onFixPeriod);
  };

  private readonly onCheckPeriod = (): void => {
    this.checkPredecessor();
    this.checkTimer = this.ctx.setTimer(this.config.checkPredecessorPeriodMs, this.onCheckPeriod);
  };

  private readonly onLookupPeriod = (): void => {
    this.issueWorkloadLookup();
    this.lookupTimer = this.ctx.setTimer(this.config.lookupPeriodMs, this.onLookupPeriod);
  };

  private stabilize(): void {
    const table = this.table;
    if (!table.joined || table.alone) {
      // Alone in a ring of its own: invite the bootstrap peers too (started ones that wait for a ring join at once).
      if (table.alone) this.inviteWaiting();
      this.startJoin();
      return;
    }
    if (table.pred < 0) this.startSuccessorCheck(); // nobody has notified this node yet
    if (this.stabTarget >= 0) return; // one in flight
    this.stabTarget = table.successorAt(0);
    this.stabSeq = ++this.seq;
    this.stabDeadlineMs = this.ctx.nowMs() + this.config.rpcTimeoutMs;
    this.send(this.stabTarget, { type: 'chord.get-pred', seq: this.stabSeq }, GET_PRED_BYTES);
    this.armTimeouts();
  }

  private onPredReply(from: NodeId, msg: ChordPredecessorReply): void {
    if (from !== this.stabTarget || msg.seq !== this.stabSeq) return;
    this.stabTarget = -1;
    this.stabDeadlineMs = Infinity;
    const table = this.table;
    if (!table.joined || table.successorAt(0) !== from) return;
    const x = msg.pred;
    if (x >= 0 && x !== this.ctx.id && !this.isDeadRecent(x) && inOpen(table.idOf(x), table.selfId, table.idOf(from), table.size)) {
      // A closer successor: ask it at once rather than a period later. Each round trip moves the
      // successor strictly closer, so this ends; after a burst of joins it walks back in RTTs.
      table.setSuccessors(x, from, msg.successors);
      this.stabilize();
      return;
    }
    table.setSuccessors(from, -1, msg.successors);
    this.send(from, { type: 'chord.notify' }, NOTIFY_BYTES);
  }

  /**
   * The `pred` of a get-pred reply: the node known nearest after the asker (the predecessor, or a
   * recent notifier), so an asker far behind jumps close to its place rather than walking back.
   */
  private predecessorFor(asker: NodeId): NodeId {
    const table = this.table;
    if (this.notifiers === null) return table.pred;
    const hint = this.notifiers.nearestAfter(table.idOf(asker), table.selfId, table.size, (node) => table.idOf(node), table.pred, this.ctx.nowMs());
    return hint >= 0 ? hint : table.pred;
  }

  private onNotify(from: NodeId): void {
    const table = this.table;
    if (!table.joined) return;
    this.notifiers?.remember(from, this.ctx.nowMs());
    if (table.alone) {
      table.setSuccessors(from, -1, []);
      table.pred = from;
      return;
    }
    const old = table.pred;
    if (table.acceptsPredecessor(from)) {
      table.pred = from;
      // The old predecessor still points here, past the newcomer: tell it now, not at its next stabilize.
      if (old >= 0 && old !== from) this.send(old, { type: 'chord.closer-successor', node: from }, CLOSER_SUCCESSOR_BYTES);
    } else if (from !== old) {
      // The notifier sits before our predecessor: point it there, and check that the predecessor is alive.
      this.send(from, { type: 'chord.closer-successor', node: this.predecessorFor(from) }, CLOSER_SUCCESSOR_BYTES);
      this.checkPredecessor();
    }
  }

  /** Our successor names a node between us: adopt it and stabilize with it at once (it may walk back further). */
  private onCloserSuccessor(from: NodeId, node: NodeId): void {
    const table = this.table;
    if (!table.joined || table.alone || table.successorAt(0) !== from) return;
    if (node < 0 || node === this.ctx.id || this.isDeadRecent(node) || !inOpen(table.idOf(node), table.selfId, table.idOf(from), table.size)) return;
    table.setSuccessors(node, from, table.successors());
    this.stabTarget = -1; // a reply still in flight from the old successor is ignored (its seq is stale)
    this.stabDeadlineMs = Infinity;
    this.stabilize();
  }

  private checkPredecessor(): void {
    const pred = this.table.pred;
    if (pred < 0 || this.pingTarget >= 0) return;
    this.pingTarget = pred;
    this.pingSeq = ++this.seq;
    this.pingDeadlineMs = this.ctx.nowMs() + this.config.rpcTimeoutMs;
    this.send(pred, { type: 'chord.ping', seq: this.pingSeq }, PING_BYTES);
    this.armTimeouts();
  }

  private fixFingers(): void {
    const table = this.table;
    if (!table.joined || table.alone) return;
    this.startSuccessorCheck();
    const succ = table.successorAt(0);
    const succId = table.idOf(succ);
    let started = 0;
    for (let k = 0; k < table.bits && started < this.config.fingersPerFix; k++) {
      const i = this.nextFinger;
      this.nextFinger = (i + 1) % table.bits;
      const start = fingerStart(table.selfId, i, table.size);
      if (inOpenClosed(start, table.selfId, succId, table.size)) {
        table.chooseFinger(i, succ, this.rttMs === null ? null : table.successors(), this.rttMs);
        continue;
      }
      if (this.lookups.length - this.serviceLookups >= this.config.lookupsInFlightMax) return;
      this.startLookup(start, i);
      started++;
    }
  }

  private issueWorkloadLookup(): void {
    if (!this.table.joined) return;
    if (this.lookups.length - this.serviceLookups >= this.config.lookupsInFlightMax) {
      this.ctx.metrics.count('chord.lookups_skipped');
      return;
    }
    this.startLookup(Math.floor(this.ctx.rng.next() * this.table.size), WORKLOAD);
  }

  /** A join through the bootstrap peers, or through `entry` (an inviter, which replaces a join in flight). */
  private startJoin(entry: NodeId = -1): void {
    if (this.joining) {
      if (entry < 0) return;
      const index = this.lookups.findIndex((l) => l.purpose === JOIN);
      if (index >= 0) this.lookups.splice(index, 1); // its pending reply or timeout is ignored
    }
    this.joining = true;
    this.startLookup(this.table.selfId, JOIN, entry);
  }

  private startSuccessorCheck(): void {
    if (this.checkingSuccessor || this.lookups.length - this.serviceLookups >= this.config.lookupsInFlightMax) return;
    this.checkingSuccessor = true;
    this.startLookup((this.table.selfId + 1) % this.table.size, SUCCESSOR_CHECK);
  }

  // ---- iterative lookups ----

  private startLookup(key: number, purpose: number, entry: NodeId = -1): void {
    const lookup = new Lookup(this.nextLookupId++, key, purpose, this.ctx.nowMs());
    lookup.entry = entry;
    this.lookups.push(lookup);
    this.beginAttempt(lookup);
  }

  private beginAttempt(l: Lookup): void {
    l.attempts++;
    l.hopsAtAttempt = l.hops;
    l.backup = -1;
    if (l.purpose === JOIN || l.purpose === SUCCESSOR_CHECK) {
      if (l.entry >= 0) {
        const entry = l.entry;
        l.entry = -1;
        return this.sendStep(l, entry, -1, false, false);
      }
      const peers = this.ctx.bootstrapPeers();
      while (l.bootstrapIndex < peers.length && peers[l.bootstrapIndex] === this.ctx.id) l.bootstrapIndex++;
      if (l.bootstrapIndex >= peers.length) return this.finish(l, -1, null); // retried next stabilize period
      return this.sendStep(l, peers[l.bootstrapIndex++], -1, false, false);
    }
    const table = this.table;
    table.route(l.key, -1, false, false);
    if ((l.purpose === WORKLOAD || l.purpose === SERVICE) && this.config.lookupStyle === 'recursive' && !table.rDone) return this.sendForward(l);
    this.advance(l, this.ctx.id, table.rNextPrev, table.rDone, table.rNode, table.rBackup, table.rBackupPrev, table.rExpectOwner, table.rDone ? table.successors() : null);
  }

  /** Act on one step's answer (from a peer, or from this node's own table). */
  private advance(l: Lookup, responder: NodeId, nextPrev: NodeId, done: boolean, node: NodeId, backup: NodeId, backupPrev: NodeId, expect: boolean, successors: readonly NodeId[] | null): void {
    if (done) return this.finish(l, node, successors);
    if (node < 0) return this.hopFailed(l, false);
    if (l.hops - l.hopsAtAttempt >= this.config.lookupHopsMax) {
      this.ctx.metrics.count('chord.hop_limits');
      return this.attemptFailed(l);
    }
    if (node === this.ctx.id) {
      if (l.purpose === JOIN || l.purpose === SUCCESSOR_CHECK) {
        // Walked back to this node by a responder whose stale predecessor pointer names it: that
        // responder is this node's successor. Named as a successor instead: the ring already leads here.
        const walkedBack = responder !== this.ctx.id && backup === responder;
        return this.finish(l, walkedBack ? responder : -1, null);
      }
      const table = this.table;
      table.route(l.key, nextPrev, expect, false);
      if (table.rNode === this.ctx.id && !table.rDone) return this.attemptFailed(l);
      return this.advance(l, this.ctx.id, table.rNextPrev, table.rDone, table.rNode, table.rBackup, table.rBackupPrev, table.rExpectOwner, table.rDone ? table.successors() : null);
    }
    l.backup = backup;
    l.backupPrev = backupPrev;
    l.backupExpect = expect;
    this.sendStep(l, node, nextPrev, expect, false);
  }

  private sendStep(l: Lookup, to: NodeId, prev: NodeId, expectOwner: boolean, afterTimeout: boolean): void {
    l.current = to;
    l.hops++;
    l.deadlineMs = this.ctx.nowMs() + this.config.rpcTimeoutMs;
    const step: ChordStep = { type: 'chord.step', lookupId: l.id, key: l.key, prev, expectOwner, afterTimeout, wantSuccessors: l.purpose !== WORKLOAD && l.purpose !== SERVICE, fromMember: this.table.joined && !this.table.alone };
    this.send(to, step, STEP_BYTES);
    this.armTimeouts();
  }

  private onStep(from: NodeId, msg: ChordStep): void {
    const table = this.table;
    if (msg.fromMember) table.learnFinger(from, this.rttMs);
    else if (!table.joined) this.rememberInvitee(from);
    table.route(msg.key, msg.prev, msg.expectOwner, msg.afterTimeout);
    if (table.rPredSuspect) this.checkPredecessor();
    const successors = table.rDone && msg.wantSuccessors ? table.successors() : null;
    const reply: ChordStepReply = {
      type: 'chord.step-reply',
      lookupId: msg.lookupId,
      done: table.rDone,
      node: table.rNode,
      nextPrev: table.rNextPrev,
      backup: table.rBackup,
      backupPrev: table.rBackupPrev,
      expectOwner: table.rExpectOwner,
      successors,
    };
    this.send(from, reply, stepReplySizeBytes(successors === null ? 0 : successors.length));
  }

  private onStepReply(from: NodeId, msg: ChordStepReply): void {
    const l = this.findLookup(msg.lookupId);
    if (l === null || l.current !== from) return; // late: the lookup moved on
    l.current = -1;
    l.deadlineMs = Infinity;
    if (msg.node >= 0) this.table.learnFinger(from, this.rttMs); // it answered from inside a ring
    else this.peerLeftRing(from); // restarted and not yet back in the ring: every pointer to it is stale
    this.advance(l, from, msg.nextPrev, msg.done && msg.node === from, msg.node, msg.backup, msg.backupPrev, msg.expectOwner, msg.successors);
  }

  // ---- recursive lookups (workload and services) ----

  /** Hand the request to the first hop `route` chose; the whole attempt has one deadline. */
  private sendForward(l: Lookup): void {
    const table = this.table;
    const next = table.rNode;
    if (next < 0 || next === this.ctx.id) return this.attemptFailed(l);
    l.current = IN_NETWORK;
    l.deadlineMs = this.ctx.nowMs() + this.config.rpcTimeoutMs;
    const forward: ChordForward = { type: 'chord.forward', origin: this.ctx.id, lookupId: l.id, key: l.key, prev: table.rNextPrev, expectOwner: table.rExpectOwner, hops: 1 };
    this.send(next, forward, FORWARD_BYTES);
    this.armTimeouts();
  }

  private onForward(from: NodeId, msg: ChordForward): void {
    const table = this.table;
    table.learnFinger(from, this.rttMs); // it routed the request: a ring member
    table.route(msg.key, msg.prev, msg.expectOwner, false);
    if (table.rPredSuspect) this.checkPredecessor();
    if (table.rDone) return this.send(msg.origin, { type: 'chord.found', lookupId: msg.lookupId, owner: this.ctx.id, hops: msg.hops }, FOUND_BYTES);
    const next = table.rNode;
    if (next < 0 || next === this.ctx.id || msg.hops >= this.config.lookupHopsMax) {
      if (msg.hops >= this.config.lookupHopsMax) this.ctx.metrics.count('chord.hop_limits');
      return this.send(msg.origin, { type: 'chord.found', lookupId: msg.lookupId, owner: -1, hops: msg.hops }, FOUND_BYTES);
    }
    const forward: ChordForward = { type: 'chord.forward', origin: msg.origin, lookupId: msg.lookupId, key: msg.key, prev: table.rNextPrev, expectOwner: table.rExpectOwner, hops: msg.hops + 1 };
    this.send(next, forward, FORWARD_BYTES);
  }

  private onFound(from: NodeId, msg: ChordFound): void {
    const l = this.findLookup(msg.lookupId);
    if (l === null || l.current !== IN_NETWORK) return;
    l.current = -1;
    l.deadlineMs = Infinity;
    l.hops = l.hopsAtAttempt + msg.hops;
    if (msg.owner < 0) return this.attemptFailed(l);
    this.table.learnFinger(from, this.rttMs);
    this.finish(l, msg.owner, null);
  }

  /** The current hop timed out (`dead`) or cannot help: try the fallback, else restart. */
  private hopFailed(l: Lookup, dead: boolean): void {
    const failed = l.current;
    l.current = -1;
    l.deadlineMs = Infinity;
    if (dead && failed >= 0) this.peerDied(failed);
    const backup = l.backup;
    l.backup = -1;
    if (backup >= 0 && backup !== this.ctx.id && backup !== failed && l.hops - l.hopsAtAttempt < this.config.lookupHopsMax) {
      return this.sendStep(l, backup, l.backupPrev, l.backupExpect, true);
    }
    this.attemptFailed(l);
  }

  private attemptFailed(l: Lookup): void {
    if (l.purpose === JOIN || l.purpose === SUCCESSOR_CHECK || l.attempts <= this.config.lookupRetries) return this.beginAttempt(l);
    this.finish(l, -1, null);
  }

  private finish(l: Lookup, owner: NodeId, successors: readonly NodeId[] | null): void {
    const index = this.lookups.indexOf(l);
    if (index >= 0) this.lookups.splice(index, 1);
    l.current = -1;
    l.deadlineMs = Infinity;
    const now = this.ctx.nowMs();
    const table = this.table;
    if (l.purpose === WORKLOAD) {
      this.log.record(l.key, owner, l.hops, now - l.startedAtMs, now);
      if (owner < 0) this.ctx.metrics.count('chord.lookup_timeouts');
    } else if (l.purpose === SERVICE) {
      this.serviceLookups--;
      const onDone = l.onDone as LookupDone;
      const hops = l.hops;
      if (l === this.startingService) this.ctx.setTimer(0, () => onDone(owner, hops));
      else onDone(owner, hops);
    } else if (l.purpose === JOIN) {
      this.joining = false;
      if (owner < 0 || owner === this.ctx.id) return;
      if (table.joined && !table.alone) return; // others joined through this node meanwhile
      table.setSuccessors(owner, -1, successors ?? []);
      table.pred = -1;
      table.clearFingers();
      for (const node of table.successors()) table.learnFinger(node, this.rttMs); // the low fingers, before any fix
      this.ctx.metrics.count('chord.joins');
      this.send(owner, { type: 'chord.notify' }, NOTIFY_BYTES);
      this.inviteWaiting();
    } else if (l.purpose === SUCCESSOR_CHECK) {
      this.checkingSuccessor = false;
      if (owner < 0 || owner === this.ctx.id || !table.joined || table.alone) return;
      const succ = table.successorAt(0);
      if (!inOpen(table.idOf(owner), table.selfId, table.idOf(succ), table.size)) return;
      this.ctx.metrics.count('chord.successor_corrections');
      table.setSuccessors(owner, -1, successors ?? []);
      this.send(owner, { type: 'chord.notify' }, NOTIFY_BYTES);
    } else if (owner >= 0 && table.joined && !table.alone) {
      table.chooseFinger(l.purpose, owner, successors, this.rttMs);
    }
  }

  private rememberInvitee(node: NodeId): void {
    for (let k = 0; k < this.inviteeCount; k++) if (this.invitees[k] === node) return;
    if (this.inviteeCount < INVITES_MAX) this.invitees[this.inviteeCount++] = node;
  }

  /** Just joined: invite the joiners this node turned away, and its own bootstrap peers (those already in a ring ignore it). */
  private inviteWaiting(): void {
    for (let k = 0; k < this.inviteeCount; k++) this.send(this.invitees[k], { type: 'chord.invite' }, INVITE_BYTES);
    for (const peer of this.ctx.bootstrapPeers()) {
      let invited = false;
      for (let k = 0; k < this.inviteeCount; k++) if (this.invitees[k] === peer) invited = true;
      if (!invited && peer !== this.ctx.id) this.send(peer, { type: 'chord.invite' }, INVITE_BYTES);
    }
    this.inviteeCount = 0;
  }

  private findLookup(id: number): Lookup | null {
    for (const l of this.lookups) if (l.id === id) return l;
    return null;
  }

  // ---- timeouts and failure detection ----

  private armTimeouts(): void {
    if (this.timeoutTimer !== null && this.timeoutTimer.active) return; // armed for an earlier deadline
    let earliest = Math.min(this.stabDeadlineMs, this.pingDeadlineMs);
    for (const l of this.lookups) if (l.deadlineMs < earliest) earliest = l.deadlineMs;
    if (earliest === Infinity) return;
    this.timeoutTimer = this.ctx.setTimer(Math.max(0, earliest - this.ctx.nowMs()), this.onTimeouts);
  }

  private readonly onTimeouts = (): void => {
    this.timeoutTimer = null;
    const due = this.ctx.nowMs() + EPSILON_MS;
    if (this.stabDeadlineMs <= due) {
      const dead = this.stabTarget;
      this.stabTarget = -1;
      this.stabDeadlineMs = Infinity;
      this.peerDied(dead);
      this.stabilize(); // the next successor at once, or a new join
    }
    if (this.pingDeadlineMs <= due) {
      const dead = this.pingTarget;
      this.pingTarget = -1;
      this.pingDeadlineMs = Infinity;
      this.peerDied(dead);
    }
    // hopFailed may finish lookups (removing them) or start new attempts (with later deadlines).
    for (let k = 0; k < this.lookups.length; ) {
      const l = this.lookups[k];
      if (l.deadlineMs <= due) this.hopFailed(l, true);
      if (this.lookups[k] === l) k++;
    }
    this.armTimeouts();
  };

  private peerDied(peer: NodeId): void {
    if (peer < 0 || peer === this.ctx.id) return;
    this.ctx.metrics.count('chord.peers_timed_out');
    this.deadRecent[this.deadNext] = peer;
    this.deadAtMs[this.deadNext] = this.ctx.nowMs();
    this.deadNext = (this.deadNext + 1) % DEAD_RECENT;
    this.notifiers?.forget(peer);
    const table = this.table;
    if (!table.joined) return;
    table.remove(peer);
    if (!table.joined) this.rebuildSuccessor();
  }

  /**
   * A peer answered that it is not in a ring (it restarted since this node learnt of it): forget
   * it like a dead one, so a retry takes another route, but do not bar it: it will rejoin soon.
   */
  private peerLeftRing(peer: NodeId): void {
    if (peer < 0 || peer === this.ctx.id) return;
    this.notifiers?.forget(peer);
    const table = this.table;
    if (!table.joined || !table.knows(peer)) return;
    this.ctx.metrics.count('chord.peers_left_ring');
    table.remove(peer);
    if (!table.joined) this.rebuildSuccessor();
  }

  /** Every successor died: the nearest finger (or the predecessor) will do; stabilize walks back from it. */
  private rebuildSuccessor(): void {
    const table = this.table;
    let best = -1;
    let bestDistance = Infinity;
    const consider = (node: NodeId): void => {
      if (node < 0 || node === this.ctx.id) return;
      const d = (table.idOf(node) - table.selfId + table.size) % table.size;
      if (d < bestDistance) {
        best = node;
        bestDistance = d;
      }
    };
    for (let i = 0; i < table.fingers.length; i++) consider(table.fingers[i]);
    consider(table.pred);
    if (best >= 0) table.setSuccessors(best, -1, []);
  }

  private isDeadRecent(peer: NodeId): boolean {
    const sinceMs = this.ctx.nowMs() - 2 * this.config.rpcTimeoutMs;
    for (let k = 0; k < DEAD_RECENT; k++) if (this.deadRecent[k] === peer && this.deadAtMs[k] >= sinceMs) return true;
    return false;
  }

  private forgetDead(peer: NodeId): void {
    for (let k = 0; k < DEAD_RECENT; k++) if (this.deadRecent[k] === peer) this.deadRecent[k] = -1;
  }

  private send(to: NodeId, message: ChordMessage, sizeBytes: number): void {
    this.ctx.send(to, message, sizeBytes);
  }
}

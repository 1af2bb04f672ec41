/**
 * Chord (Stoica et al., SIGCOMM 2001) with iterative lookups, successor lists and proximity
 * neighbour selection of fingers, as a thin synchronous shell around `ChordTable`:
 *   - join (`RingJoin`): an iterative lookup of the node's own identifier through its bootstrap
 *     peers, retried every stabilize period; `ringCreator` starts as a ring of one (and, while
 *     alone, keeps trying to join); a node that joins invites those that waited for it;
 *   - stabilize and check predecessor (`RingMaintenance`), every period and at once on news;
 *   - fix fingers: `fingersPerFix` lookups per period, fingers before the successor set free;
 *   - workload: a lookup of a random key every `lookupPeriodMs`, logged for the metrics;
 *   - services: `lookup(key, onDone)` for protocols of the same node (e.g. the VM index), on the
 *     workload's machinery (same style, retries and hop limit), with a callback instead of the log;
 *   - lookups (`LookupEngine` at the origin, `LookupResponder` at the hops): iterative or
 *     recursive, with backups, retries and a hop limit;
 *   - fingers learnt in passing: a ring member that sends or answers a lookup step fills the
 *     finger whose interval holds it (or replaces it when nearer, with proximity), so routing is
 *     logarithmic long before the periodic fixes (one finger per 120 s in SimGrid) reach the top;
 *   - peers that fail (`PeerFailures`): forgotten everywhere, remembered as dead for a while.
 * Every request times out after `rpcTimeoutMs` through one timer per node, armed for the
 * earliest deadline (deadlines only grow), so cancelled timers never pile up in the kernel.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import { MembershipHook, type MembershipSource, type Subscription } from '../../actors/overlay.js';
import { type ChordConfig, validateChordConfig } from './chord-config.js';
import type { ChordMessage } from './chord-messages.js';
import { ChordTable } from './chord-table.js';
import type { CoordinateSource, PeerRttMs } from './coordinate-source.js';
import { JOIN, type Lookup, type LookupDone, SUCCESSOR_CHECK, WORKLOAD } from './lookup.js';
import { LookupEngine } from './lookup-engine.js';
import { type LookupOutcome, LookupLog } from './lookup-log.js';
import { LookupResponder } from './lookup-responder.js';
import { NotifierCache } from './notifier-cache.js';
import { PeerFailures } from './peer-failures.js';
import { fingerStart, inOpenClosed } from './ring.js';
import { RingJoin } from './ring-join.js';
import { RingMaintenance } from './ring-maintenance.js';

export type { LookupDone } from './lookup.js';

/** Deadlines within this of now have passed (timers are rounded to whole microseconds). */
const EPSILON_MS = 1e-3;

export class ChordProtocol implements Protocol, MembershipSource {
  private readonly table: ChordTable;
  private readonly log: LookupLog;
  private readonly rttMs: PeerRttMs | null;
  private readonly failures: PeerFailures;
  private readonly lookups: LookupEngine;
  private readonly join: RingJoin;
  private readonly maintenance: RingMaintenance;
  private readonly responder: LookupResponder;
  private nextFinger = 0;
  private timeoutTimer: TimerHandle | null = null;
  private stabilizeTimer: TimerHandle | null = null;
  private fixTimer: TimerHandle | null = null;
  private checkTimer: TimerHandle | null = null;
  private lookupTimer: TimerHandle | null = null;
  private readonly membershipHook = new MembershipHook();

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ChordConfig,
    coordinates: CoordinateSource | null = null,
  ) {
    validateChordConfig(config);
    const table = new ChordTable(ctx.id, config.idBits, config.successorListLength);
    this.table = table;
    this.log = new LookupLog(config.outcomeLogMax);
    const notifiers = config.notifierHints > 0 ? new NotifierCache(config.notifierHints, 2 * config.stabilizePeriodMs) : null;
    const rttMs = config.proximity && coordinates !== null ? (peer: NodeId) => coordinates.estimateRttMs(peer) : null;
    this.rttMs = rttMs;
    const failures = new PeerFailures(ctx, config, table, notifiers);
    this.failures = failures;
    this.lookups = new LookupEngine(ctx, config, table, rttMs, {
      armTimeouts: () => this.armTimeouts(),
      peerDied: (peer) => failures.peerDied(peer),
      peerLeftRing: (peer) => failures.peerLeftRing(peer),
      finished: (lookup, owner, successors) => this.lookupFinished(lookup, owner, successors),
    });
    const join = new RingJoin(ctx, config, table, rttMs, this.lookups);
    this.join = join;
    this.maintenance = new RingMaintenance(ctx, config, table, notifiers, {
      startJoin: () => join.startJoin(),
      startSuccessorCheck: () => join.startSuccessorCheck(),
      inviteWaiting: () => join.inviteWaiting(),
      armTimeouts: () => this.armTimeouts(),
      peerDied: (peer) => failures.peerDied(peer),
      isDeadRecent: (peer) => failures.isDeadRecent(peer),
    });
    this.responder = new LookupResponder(ctx, config, table, rttMs, {
      turnedAway: (node) => join.rememberInvitee(node),
      predecessorSuspect: () => this.maintenance.checkPredecessor(),
    });
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
    return this.table.fingerList();
  }

  /** Chord's membership as an overlay sees it: the successor list once joined (self included while alone). */
  membership(): readonly NodeId[] {
    return this.table.joined ? this.table.successors() : [];
  }

  /** `listener` is called after every change of the successor list, from the handler that made it. */
  onMembershipChange(listener: () => void): Subscription {
    // The table calls back only once someone listens: a run without overlays pays nothing.
    this.table.onSuccessorsChanged ??= () => this.membershipHook.fire();
    return this.membershipHook.add(listener);
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
    if (!this.table.joined || this.lookups.servicesInFlight >= this.config.lookupsInFlightMax) return false;
    this.lookups.startService(key, onDone);
    return true;
  }

  // ---- handlers ----

  onStart(): void {
    if (this.ctx.id === this.config.ringCreator) this.table.createRing();
    else this.join.startJoin();
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
    this.table.heardFrom(from); // any message proves life
    const msg = message as ChordMessage;
    switch (msg.type) {
      case 'chord.step':
        return this.responder.onStep(from, msg);
      case 'chord.step-reply':
        return this.lookups.onStepReply(from, msg);
      case 'chord.forward':
        return this.responder.onForward(from, msg);
      case 'chord.found':
        return this.lookups.onFound(from, msg);
      case 'chord.get-pred':
        return this.maintenance.onGetPredecessor(from, msg.seq);
      case 'chord.pred-reply':
        return this.maintenance.onPredReply(from, msg);
      case 'chord.notify':
        return this.maintenance.onNotify(from);
      case 'chord.invite':
        return this.join.onInvite(from);
      case 'chord.closer-successor':
        return this.maintenance.onCloserSuccessor(from, msg.node);
      case 'chord.ping':
        return this.maintenance.onPing(from, msg.seq);
      case 'chord.pong':
        return this.maintenance.onPong(from, msg.seq);
      default:
        this.ctx.metrics.count('chord.unknown_messages');
    }
  }

  // ---- periodic tasks (one closure each for the life of the protocol) ----

  private readonly onStabilizePeriod = (): void => {
    this.maintenance.stabilize();
    this.stabilizeTimer = this.ctx.setTimer(this.config.stabilizePeriodMs, this.onStabilizePeriod);
  };

  private readonly onFixPeriod = (): void => {
    this.fixFingers();
    this.fixTimer = this.ctx.setTimer(this.config.fixFingersPeriodMs, this.onFixPeriod);
  };

  private readonly onCheckPeriod = (): void => {
    this.maintenance.checkPredecessor();
    this.checkTimer = this.ctx.setTimer(this.config.checkPredecessorPeriodMs, this.onCheckPeriod);
  };

  private readonly onLookupPeriod = (): void => {
    this.issueWorkloadLookup();
    this.lookupTimer = this.ctx.setTimer(this.config.lookupPeriodMs, this.onLookupPeriod);
  };

  private fixFingers(): void {
    const table = this.table;
    if (!table.joined || table.alone) return;
    this.join.startSuccessorCheck();
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
      if (this.lookups.inFlight >= this.config.lookupsInFlightMax) return;
      this.lookups.start(start, i);
      started++;
    }
  }

  private issueWorkloadLookup(): void {
    if (!this.table.joined) return;
    if (this.lookups.inFlight >= this.config.lookupsInFlightMax) {
      this.ctx.metrics.count('chord.lookups_skipped');
      return;
    }
    this.lookups.start(Math.floor(this.ctx.rng.next() * this.table.size), WORKLOAD);
  }

  /** A lookup other than a service's ended: log the workload's, act on the others'. */
  private lookupFinished(l: Lookup, owner: NodeId, successors: readonly NodeId[] | null): void {
    const table = this.table;
    if (l.purpose === WORKLOAD) {
      const now = this.ctx.nowMs();
      this.log.record(l.key, owner, l.hops, now - l.startedAtMs, now);
      if (owner < 0) this.ctx.metrics.count('chord.lookup_timeouts');
    } else if (l.purpose === JOIN) {
      this.join.joinFinished(owner, successors);
    } else if (l.purpose === SUCCESSOR_CHECK) {
      this.join.successorCheckFinished(owner, successors);
    } else if (owner >= 0 && table.joined && !table.alone) {
      table.chooseFinger(l.purpose, owner, successors, this.rttMs);
    }
  }

  // ---- timeouts ----

  private armTimeouts(): void {
    if (this.timeoutTimer !== null && this.timeoutTimer.active) return; // armed for an earlier deadline
    const earliest = Math.min(this.maintenance.earliestDeadlineMs(), this.lookups.earliestDeadlineMs());
    if (earliest === Infinity) return;
    this.timeoutTimer = this.ctx.setTimer(Math.max(0, earliest - this.ctx.nowMs()), this.onTimeouts);
  }

  private readonly onTimeouts = (): void => {
    this.timeoutTimer = null;
    const due = this.ctx.nowMs() + EPSILON_MS;
    this.maintenance.expire(due);
    this.lookups.expire(due);
    this.armTimeouts();
  };
}

/**
 * The lookups a Chord node starts, seen from the origin. An iterative lookup asks each hop in
 * turn (`chord.step`) and falls back to the hop's backup when one is silent; a recursive one
 * (workload and services with `lookupStyle` 'recursive') hands the request to the first hop and
 * waits for the owner's `chord.found`, one deadline for the whole attempt. A failed attempt
 * restarts from the origin up to `lookupRetries` times (joins and successor checks move on to
 * the next bootstrap peer until none is left); an attempt longer than `lookupHopsMax` fails.
 * A finished lookup calls its service's callback, or tells the protocol (`LookupHost.finished`).
 * Deadlines are kept on the lookups; the protocol's one timeout timer asks for the earliest.
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import type { ChordConfig } from './chord-config.js';
import { type ChordForward, type ChordFound, type ChordStep, type ChordStepReply, FORWARD_BYTES, STEP_BYTES, sendChord } from './chord-messages.js';
import type { ChordTable } from './chord-table.js';
import type { PeerRttMs } from './coordinate-source.js';
import { JOIN, Lookup, type LookupDone, SERVICE, SUCCESSOR_CHECK, WORKLOAD } from './lookup.js';

/** `Lookup.current` of a recursive attempt: the request is somewhere on its way, the origin waits for `chord.found`. */
const IN_NETWORK = -2;

/** What the lookups need from the rest of the protocol. */
export interface LookupHost {
  /** A request now has a deadline: the timeout timer must fire by then. */
  armTimeouts(): void;
  /** A peer did not answer within `rpcTimeoutMs`. */
  peerDied(peer: NodeId): void;
  /** A peer answered that it is not in a ring. */
  peerLeftRing(peer: NodeId): void;
  /** A lookup other than a service's finished (`owner` -1: it failed), with the owner's successor list if it sent one. */
  finished(lookup: Lookup, owner: NodeId, successors: readonly NodeId[] | null): void;
}

export class LookupEngine {
  private readonly lookups: Lookup[] = [];
  private nextLookupId = 1;
  /** Service lookups in `lookups`: they have a budget of their own, so workload and finger fixes count only the others. */
  private serviceLookups = 0;
  /** The service lookup being started: if it finishes at once (this node owns the key), its callback waits for a timer. */
  private startingService: Lookup | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ChordConfig,
    private readonly table: ChordTable,
    private readonly rttMs: PeerRttMs | null,
    private readonly host: LookupHost,
  ) {}

  /** Lookups in flight other than services' (workload, joins, successor checks, finger fixes). */
  get inFlight(): number {
    return this.lookups.length - this.serviceLookups;
  }

  get servicesInFlight(): number {
    return this.serviceLookups;
  }

  start(key: number, purpose: number, entry: NodeId = -1): void {
    const lookup = new Lookup(this.nextLookupId++, key, purpose, this.ctx.nowMs());
    lookup.entry = entry;
    this.lookups.push(lookup);
    this.beginAttempt(lookup);
  }

  /** A service's lookup: `onDone` is called exactly once, never from inside this call. */
  startService(key: number, onDone: LookupDone): void {
    this.serviceLookups++;
    const l = new Lookup(this.nextLookupId++, key, SERVICE, this.ctx.nowMs());
    l.onDone = onDone;
    this.lookups.push(l);
    this.startingService = l;
    this.beginAttempt(l);
    this.startingService = null;
  }

  /** Forget the lookup of `purpose` in flight, if any: its pending reply or timeout is ignored. */
  abandon(purpose: number): void {
    const index = this.lookups.findIndex((l) => l.purpose === purpose);
    if (index >= 0) this.lookups.splice(index, 1);
  }

  onStepReply(from: NodeId, msg: ChordStepReply): void {
    const l = this.findLookup(msg.lookupId);
    if (l === null || l.current !== from) return; // late: the lookup moved on
    l.current = -1;
    l.deadlineMs = Infinity;
    if (msg.node >= 0) this.table.learnFinger(from, this.rttMs); // it answered from inside a ring
    else this.host.peerLeftRing(from); // restarted and not yet back in the ring: every pointer to it is stale
    this.advance(l, from, msg.nextPrev, msg.done && msg.node === from, msg.node, msg.backup, msg.backupPrev, msg.expectOwner, msg.successors);
  }

  onFound(from: NodeId, msg: ChordFound): void {
    const l = this.findLookup(msg.lookupId);
    if (l === null || l.current !== IN_NETWORK) return;
    l.current = -1;
    l.deadlineMs = Infinity;
    l.hops = l.hopsAtAttempt + msg.hops;
    if (msg.owner < 0) return this.attemptFailed(l);
    this.table.learnFinger(from, this.rttMs);
    this.finish(l, msg.owner, null);
  }

  earliestDeadlineMs(): number {
    let earliest = Infinity;
    for (const l of this.lookups) if (l.deadlineMs < earliest) earliest = l.deadlineMs;
    return earliest;
  }

  /** Every request whose deadline is at or before `dueMs` timed out. */
  expire(dueMs: number): void {
    // hopFailed may finish lookups (removing them) or start new attempts (with later deadlines).
    for (let k = 0; k < this.lookups.length; ) {
      const l = this.lookups[k];
      if (l.deadlineMs <= dueMs) this.hopFailed(l, true);
      if (this.lookups[k] === l) k++;
    }
  }

  // ---- iterative lookups ----

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
    sendChord(this.ctx, to, step, STEP_BYTES);
    this.host.armTimeouts();
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
    sendChord(this.ctx, next, forward, FORWARD_BYTES);
    this.host.armTimeouts();
  }

  // ---- failures, retries, the end ----

  /** The current hop timed out (`dead`) or cannot help: try the fallback, else restart. */
  private hopFailed(l: Lookup, dead: boolean): void {
    const failed = l.current;
    l.current = -1;
    l.deadlineMs = Infinity;
    if (dead && failed >= 0) this.host.peerDied(failed);
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
    if (l.purpose !== SERVICE) return this.host.finished(l, owner, successors);
    this.serviceLookups--;
    const onDone = l.onDone as LookupDone;
    const hops = l.hops;
    if (l === this.startingService) this.ctx.setTimer(0, () => onDone(owner, hops));
    else onDone(owner, hops);
  }

  private findLookup(id: number): Lookup | null {
    for (const l of this.lookups) if (l.id === id) return l;
    return null;
  }
}

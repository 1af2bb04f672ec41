/**
 * A VM location index over Chord: VM id -> the host that runs it, kept at the owner of the VM's
 * key (`vmKey`, a hash of the id onto the ring).
 *   - publish: the hosting node's agent reports a VM (`vmArrived`, as a local hypervisor agent
 *     would); the node looks up the key's owner through Chord, then sends it a direct put with
 *     the VM's version (its migration count), so a late put of an older location never
 *     overwrites a newer one (`IndexStore`);
 *   - locate: any node looks up the owner and asks it (a direct get); the answer (a host, or
 *     unknown) or the failure is logged with its start, answer and finish times and hops, for the
 *     simulator to judge against where the VM truly was;
 *   - workload: every `locatePeriodMs` each node locates a VM id drawn uniformly from
 *     0..vmCount-1 with its own random stream.
 *
 * Decision: entries are soft state, re-published by the hosting node every `refreshPeriodMs`
 * and forgotten by the owner after `entryTtlMs` without a refresh; there is no handoff when
 * ownership moves. When a node joins, it takes over part of its successor's keys: it answers
 * "unknown" for them until each VM's next refresh reaches it (at most one refresh period). A
 * handoff (the successor pushing the keys to the joiner) would close that window, but it would
 * need Chord's membership events and would still not cover an owner that crashes (its entries
 * die with it), nor a lost put: periodic re-publication covers joins, owner crashes and lost
 * messages with one mechanism, and expiry removes the entries of hosts that crashed or left
 * without a newer report, at the price of one lookup and one put per VM per period.
 *
 * Registry 'store' (`registry: 'store'`, the node's `StateStore` given): the entries live in the
 * replicated store instead, under the VM's key: the hosting node writes (host, version) at
 * quorum W when the VM arrives (retried after `publishRetryMs` until acknowledged while it still
 * hosts the VM), and a locate reads it at quorum R from the locating node, which coordinates the
 * read itself: no Chord lookup, no owner, no refresh nor expiry (an owner's crash loses nothing;
 * an entry names the last host that published the VM, also after that host crashed, until the
 * VM's next host publishes it). The store orders the writes by their hybrid timestamps, which
 * follow the order of the arrivals.
 *
 * Bounds: `hostedMax` VMs reported per node (beyond it a VM is not indexed, counted as
 * `vmindex.hosted_refused`), `entriesMax` entries per owner (beyond it the least recently
 * refreshed is evicted, `vmindex.entries_evicted`), `locatesInFlightMax` locates, a publish
 * queue no longer than the hosted VMs, `outcomeLogMax` logged outcomes.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import type { ChordProtocol } from '../chord/chord-protocol.js';
import { STATE_SPACE_VM, type StateStore, stateKey } from '../state-store.js';
import { decodeVmEntry, encodeVmEntry } from './vm-entry-codec.js';
import { type IndexEntry, IndexStore } from './index-store.js';
import { LOCATE_FAILED, LOCATE_UNKNOWN, type LocateOutcome, LocateLog } from './locate-log.js';
import { type VmIndexConfig, validateVmIndexConfig } from './vm-index-config.js';
import { ANSWER_BYTES, GET_BYTES, PUT_BYTES, type VmIndexAnswer, type VmIndexGet, type VmIndexMessage, type VmIndexPut } from './vm-index-messages.js';
import { vmKey } from './vm-key.js';

/** What the index needs of Chord (a ChordProtocol of the same node; tests may fake it). */
export type KeyLookup = Pick<ChordProtocol, 'idBits' | 'lookup'>;

interface PendingLocate {
  readonly id: number;
  readonly vm: number;
  readonly startedAtMs: number;
  owner: NodeId;
  hops: number;
  timer: TimerHandle | null;
}

export class VmIndexProtocol implements Protocol {
  private readonly store: IndexStore;
  private readonly log: LocateLog;
  /** VMs this node hosts, with their versions. */
  private readonly hosted = new Map<number, number>();
  /** VMs waiting for a publish (at most the hosted ones), in order of arrival. */
  private readonly queued = new Set<number>();
  private readonly pending = new Map<number, PendingLocate>();
  private nextLocateId = 1;
  private stopped = false;
  private refreshTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private locateTimer: TimerHandle | null = null;
  /** Registry 'store': the node's replicated store, where the entries live (null: soft state at owners). */
  private readonly durable: StateStore | null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly chord: KeyLookup,
    private readonly config: VmIndexConfig,
    store: StateStore | null = null,
  ) {
    validateVmIndexConfig(config);
    if (config.registry === 'store' && store === null) throw new RangeError(`VmIndexProtocol: registry 'store' needs the node's replicated store`);
    this.durable = config.registry === 'store' ? store : null;
    this.store = new IndexStore(config.entriesMax, config.entryTtlMs);
    this.log = new LocateLog(config.outcomeLogMax);
  }

  // ---- what the hosting node's agent, metrics and tests use ----

  /**
   * `vm` now runs on this node, at `version` (its migration count, carried with the VM): publish
   * it now and every refresh period. Returns false when `hostedMax` VMs are hosted already.
   */
  vmArrived(vm: number, version: number): boolean {
    if (!(Number.isInteger(version) && version >= 0)) throw new RangeError(`vmArrived: version must be an integer >= 0, got ${version}`);
    vmKey(vm, this.chord.idBits); // checks the id
    if (!this.hosted.has(vm) && this.hosted.size >= this.config.hostedMax) {
      this.ctx.metrics.count('vmindex.hosted_refused');
      return false;
    }
    this.hosted.set(vm, version);
    this.queued.add(vm);
    this.pump();
    return true;
  }

  /** `vm` left this node: it is no longer re-published from here (its entry expires or is overwritten). */
  vmDeparted(vm: number): void {
    this.hosted.delete(vm);
    this.queued.delete(vm);
  }

  hostedVms(): number[] {
    return [...this.hosted.keys()].sort((a, b) => a - b);
  }

  /** The entry this node holds as an owner, if live. */
  entryOf(vm: number): IndexEntry | null {
    return this.store.get(vm, this.ctx.nowMs());
  }

  get entryCount(): number {
    return this.store.size;
  }

  /** Start locating `vm`; false when refused (not in a ring yet, or too many locates in flight). */
  locate(vm: number): boolean {
    const key = vmKey(vm, this.chord.idBits);
    if (this.pending.size >= this.config.locatesInFlightMax) {
      this.ctx.metrics.count('vmindex.locates_refused');
      return false;
    }
    const p: PendingLocate = { id: this.nextLocateId++, vm, startedAtMs: this.ctx.nowMs(), owner: -1, hops: 0, timer: null };
    if (this.durable !== null) return this.locateInStore(this.durable, p);
    if (!this.chord.lookup(key, (owner, hops) => this.onLocateLookup(p, owner, hops))) {
      this.ctx.metrics.count('vmindex.locates_refused');
      return false;
    }
    this.pending.set(p.id, p);
    return true;
  }

  /** The locates finished since the last drain, oldest first. */
  drainLocates(): LocateOutcome[] {
    return this.log.drain();
  }

  get locatesDropped(): number {
    return this.log.dropped;
  }

  // ---- handlers ----

  onStart(): void {
    const rng = this.ctx.rng;
    if (this.durable === null) this.refreshTimer = this.ctx.setTimer(rng.next() * this.config.refreshPeriodMs, this.onRefreshPeriod);
    if (this.config.locatePeriodMs > 0) this.locateTimer = this.ctx.setTimer(this.config.locateStartMs + rng.next() * this.config.locatePeriodMs, this.onLocatePeriod);
  }

  onStop(): void {
    this.stopped = true;
    for (const timer of [this.refreshTimer, this.retryTimer, this.locateTimer]) timer?.cancel();
    for (const p of this.pending.values()) p.timer?.cancel();
    this.refreshTimer = this.retryTimer = this.locateTimer = null;
    this.pending.clear();
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as VmIndexMessage;
    switch (msg.type) {
      case 'vmindex.put':
        return this.onPut(msg);
      case 'vmindex.get':
        return this.onGet(from, msg);
      case 'vmindex.answer':
        return this.onAnswer(from, msg);
      default:
        this.ctx.metrics.count('vmindex.unknown_messages');
    }
  }

  // ---- publishing (the hosting side) ----

  private readonly onRefreshPeriod = (): void => {
    this.store.sweep(this.ctx.nowMs());
    for (const vm of this.hosted.keys()) this.queued.add(vm);
    this.pump();
    this.refreshTimer = this.ctx.setTimer(this.config.refreshPeriodMs, this.onRefreshPeriod);
  };

  /** Publish the queued VMs while Chord (or the store) takes them; the rest wait for the retry timer. */
  private pump(): void {
    for (const vm of this.queued) {
      const version = this.hosted.get(vm);
      if (version === undefined) {
        this.queued.delete(vm);
        continue;
      }
      if (this.durable !== null) {
        if (!this.durable.put(stateKey(STATE_SPACE_VM, vm), encodeVmEntry({ host: this.ctx.id, version }), (ok) => this.onStored(vm, version, ok))) return this.armRetry();
        this.queued.delete(vm);
        continue;
      }
      if (!this.chord.lookup(vmKey(vm, this.chord.idBits), (owner) => this.onPublishLookup(vm, version, owner))) return this.armRetry();
      this.queued.delete(vm);
    }
  }

  private armRetry(): void {
    if (this.retryTimer !== null && this.retryTimer.active) return;
    this.retryTimer = this.ctx.setTimer(this.config.publishRetryMs, this.onRetry);
  }

  private readonly onRetry = (): void => {
    this.retryTimer = null;
    this.pump();
  };

  private onPublishLookup(vm: number, version: number, owner: NodeId): void {
    if (this.stopped || this.hosted.get(vm) !== version) return; // left (or came back, published anew) meanwhile
    if (owner < 0) {
      this.ctx.metrics.count('vmindex.publishes_failed');
      this.queued.add(vm);
      return this.armRetry();
    }
    if (owner === this.ctx.id) return this.storeEntry(vm, this.ctx.id, version);
    const put: VmIndexPut = { type: 'vmindex.put', vm, host: this.ctx.id, version };
    this.ctx.send(owner, put, PUT_BYTES);
  }

  /** Registry 'store': a publish ended; a failed one is retried while the VM is still here at that version. */
  private onStored(vm: number, version: number, ok: boolean): void {
    if (ok || this.stopped || this.hosted.get(vm) !== version) return;
    this.ctx.metrics.count('vmindex.publishes_failed');
    this.queued.add(vm);
    this.armRetry();
  }

  // ---- the owner side ----

  private onPut(msg: VmIndexPut): void {
    if (!isId(msg.vm) || !isId(msg.host) || !isId(msg.version)) {
      this.ctx.metrics.count('vmindex.bad_messages');
      return;
    }
    this.storeEntry(msg.vm, msg.host, msg.version);
  }

  private storeEntry(vm: number, host: NodeId, version: number): void {
    const evictedBefore = this.store.evicted;
    const result = this.store.put(vm, host, version, this.ctx.nowMs());
    if (result === 'older') this.ctx.metrics.count('vmindex.puts_older');
    else if (result === 'conflict') this.ctx.metrics.count('vmindex.puts_conflicting');
    if (this.store.evicted > evictedBefore) this.ctx.metrics.count('vmindex.entries_evicted', this.store.evicted - evictedBefore);
  }

  private onGet(from: NodeId, msg: VmIndexGet): void {
    if (!isId(msg.vm)) {
      this.ctx.metrics.count('vmindex.bad_messages');
      return;
    }
    const entry = this.store.get(msg.vm, this.ctx.nowMs());
    const answer: VmIndexAnswer = {
      type: 'vmindex.answer',
      locateId: msg.locateId,
      vm: msg.vm,
      host: entry === null ? LOCATE_UNKNOWN : entry.host,
      version: entry === null ? -1 : entry.version,
      answeredAtMs: this.ctx.nowMs(),
    };
    this.ctx.send(from, answer, ANSWER_BYTES);
  }

  // ---- locating ----

  private readonly onLocatePeriod = (): void => {
    this.locate(this.ctx.rng.int(this.config.vmCount));
    this.locateTimer = this.ctx.setTimer(this.config.locatePeriodMs, this.onLocatePeriod);
  };

  private onLocateLookup(p: PendingLocate, owner: NodeId, hops: number): void {
    if (this.pending.get(p.id) !== p) return;
    p.hops = hops;
    p.owner = owner;
    const now = this.ctx.nowMs();
    if (owner < 0) return this.finishLocate(p, LOCATE_FAILED, -1, NaN);
    if (owner === this.ctx.id) {
      const entry = this.store.get(p.vm, now);
      return this.finishLocate(p, entry === null ? LOCATE_UNKNOWN : entry.host, entry === null ? -1 : entry.version, now);
    }
    p.hops++;
    const get: VmIndexGet = { type: 'vmindex.get', locateId: p.id, vm: p.vm };
    this.ctx.send(owner, get, GET_BYTES);
    p.timer = this.ctx.setTimer(this.config.answerTimeoutMs, () => {
      p.timer = null;
      this.ctx.metrics.count('vmindex.answer_timeouts');
      this.finishLocate(p, LOCATE_FAILED, -1, NaN);
    });
  }

  /** Registry 'store': the locating node reads the entry at quorum R (one round trip to the key's replicas). */
  private locateInStore(store: StateStore, p: PendingLocate): boolean {
    p.owner = this.ctx.id;
    p.hops = 1;
    const started = store.get(stateKey(STATE_SPACE_VM, p.vm), (read) => {
      if (this.pending.get(p.id) !== p) return;
      const now = this.ctx.nowMs();
      if (!read.ok) return this.finishLocate(p, LOCATE_FAILED, -1, NaN);
      const entry = read.data === null ? null : decodeVmEntry(read.data);
      if (read.data !== null && entry === null) this.ctx.metrics.count('vmindex.bad_entries');
      this.finishLocate(p, entry === null ? LOCATE_UNKNOWN : entry.host, entry === null ? -1 : entry.version, now);
    });
    if (!started) {
      this.ctx.metrics.count('vmindex.locates_refused');
      return false;
    }
    this.pending.set(p.id, p);
    return true;
  }

  private onAnswer(from: NodeId, msg: VmIndexAnswer): void {
    const p = this.pending.get(msg.locateId);
    if (p === undefined || p.owner !== from || p.timer === null) return; // late, or not the owner asked
    p.timer.cancel();
    p.timer = null;
    const host = isId(msg.host) ? msg.host : LOCATE_UNKNOWN;
    this.finishLocate(p, host, host === LOCATE_UNKNOWN ? -1 : msg.version, msg.answeredAtMs);
  }

  private finishLocate(p: PendingLocate, host: NodeId, version: number, answeredAtMs: number): void {
    this.pending.delete(p.id);
    this.log.record({ locator: this.ctx.id, vm: p.vm, host, version, owner: p.owner, hops: p.hops, startedAtMs: p.startedAtMs, answeredAtMs, finishedAtMs: this.ctx.nowMs() });
  }
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

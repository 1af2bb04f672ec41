/**
 * A replicated key-value store in the style of Dynamo and Cassandra, as a protocol of the agent:
 *   - placement: a key's home replicas are the first N nodes clockwise from its position on the
 *     ring (`StoreRing`: Chord's positions, the deployment's membership);
 *   - the client's node coordinates its operations (Cassandra's way): a write gets a version
 *     (hybrid timestamp, writer) and goes to the N home replicas, acknowledged once W of them
 *     acknowledged it; a read asks the N, answers with the newest of the first R replies;
 *   - hinted handoff: a home replica silent `replicaTimeoutMs` after a write is sent to the next
 *     node on the ring past the home replicas, with a hint naming it; the hint holder offers it
 *     back every `hintPeriodMs` until the replica takes it (as it can once it is up again);
 *   - read repair: a replica that replied with an older version than the newest one the read saw
 *     (before or after the read answered, until `replicaTimeoutMs`) is written the newest;
 *   - anti-entropy: every `antiEntropyPeriodMs` a node sends a digest of one of the N ranges it
 *     replicates (a hash per bucket) to another replica of it; the buckets that differ are swapped
 *     both ways, newest version wins.
 *
 * Decisions:
 *   - Versions are hybrid logical timestamps, not vector clocks: a register needs a total order
 *     (last writer wins, no siblings for a client to merge), the timestamps follow causality
 *     (a node's next timestamp is after every one it has seen) and physical time (so a stale
 *     read's age is a time), and they take 12 bytes whatever the number of writers.
 *   - Hinted writes do not count towards W (Cassandra's rule, unlike Dynamo's sloppy quorum): an
 *     acknowledged write is on W home replicas, so a read of R home replicas with R + W > N sees
 *     it while no home replica that took it has lost it.
 *   - The membership is the deployment's, not Chord's live ring: Chord hands a crashed node's
 *     keys to its successor after its timeouts and back when it returns empty, so quorums would
 *     be taken over moving replica sets; here a crashed replica is a missing reply, as in Dynamo.
 *   - A crash loses the node's state (the runtime's crash semantics, no disk): a replica comes
 *     back empty and refills through hints, read repair and anti-entropy. Until then it counts
 *     among the N - W failures a key tolerates.
 *   - Other protocols of the node keep their state here through `StateStore` (`put`, `get`):
 *     the same operations as the workload's, observed alike (the history checker judges them
 *     too), with a payload beside the write's id and a callback when the operation ends.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import type { StateData, StateRead, StateStore } from '../state-store.js';
import { HintBook } from './hint-book.js';
import { compareVersions, HybridClock, NO_VERSION, type Version } from './hlc.js';
import { type KeyedValue, ReplicaTable, type StoredValue } from './replica-table.js';
import { type StoreConfig, validateStoreConfig } from './store-config.js';
import {
  digestBytes,
  entriesBytes,
  READ_BYTES,
  readReplyBytes,
  type StoreDigest,
  type StoreMessage,
  type StoreSync,
  versionsBytes,
  WRITE_ACK_BYTES,
  writeBytes,
} from './store-messages.js';
import type { StoreObserver, StoreOperation } from './store-operation.js';
import { type KeyRange, type StoreRing, storeKey } from './store-ring.js';

/** Values a client writes: random integers below this (one per write; the version names the write). */
const VALUE_RANGE = 2 ** 31;
const NO_VALUE: StoredValue = { ...NO_VERSION, value: -1, data: [] };
const NO_DATA: readonly number[] = [];

interface Pending {
  readonly req: number;
  readonly op: StoreOperation;
  readonly home: readonly NodeId[];
  /** Ring index of the key's first home replica (substitutes follow the home replicas). */
  readonly first: number;
  /** Home replicas that acknowledged (write) or replied (read), with the version each replied. */
  readonly answered: Map<NodeId, Version>;
  /** Write: the payload written. */
  readonly data: StateData;
  /** Told once when the operation ends (a `StateStore` client's callback), or null. */
  readonly then: ((ok: boolean, best: StoredValue) => void) | null;
  /** Read: the newest value seen. */
  best: StoredValue;
  substitutes: number;
  done: boolean;
  replicaTimer: TimerHandle | null;
  deadlineTimer: TimerHandle | null;
}

/** The store's protocol name in a stack. */
export const STORE = 'store';

export class StoreProtocol implements Protocol, StateStore {
  private readonly table = new ReplicaTable();
  private readonly hints: HintBook;
  private readonly clock = new HybridClock();
  private readonly pending = new Map<number, Pending>();
  private nextReq = 1;
  /** Inside `put` or `get`: a callback due now waits for a 0 ms timer (never from inside the call). */
  private starting = false;
  private opTimer: TimerHandle | null = null;
  private hintTimer: TimerHandle | null = null;
  private entropyTimer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly ring: StoreRing,
    private readonly config: StoreConfig,
    private readonly observer: StoreObserver | null = null,
  ) {
    validateStoreConfig(config);
    if (ring.nodeCount !== config.nodeCount) throw new RangeError(`StoreProtocol: the ring has ${ring.nodeCount} nodes, the config ${config.nodeCount}`);
    this.hints = new HintBook(config.hintsMax);
  }

  // ---- what probes and tests read ----

  /** Keys this node holds as a replica. */
  get keysHeld(): number {
    return this.table.size;
  }

  /** Hints this node holds for other replicas. */
  get hintsHeld(): number {
    return this.hints.size;
  }

  /** The version and value this node holds for `key`, if any. */
  held(key: number): StoredValue | undefined {
    return this.table.get(key);
  }

  /** Start a write of a fresh value to `key`; false when refused (too many operations in flight). */
  write(key: number): boolean {
    return this.startWrite(key, NO_DATA, null);
  }

  /** Start a read of `key`; false when refused. */
  read(key: number): boolean {
    return this.startRead(key, null);
  }

  put(key: number, data: StateData, done: (ok: boolean) => void): boolean {
    if (data.length > this.config.dataWordsMax) throw new RangeError(`StoreProtocol.put: ${data.length} words, more than dataWordsMax = ${this.config.dataWordsMax}`);
    return this.guarded(() => this.startWrite(key, [...data], (ok) => done(ok)));
  }

  get(key: number, done: (read: StateRead) => void): boolean {
    return this.guarded(() => this.startRead(key, (ok, best) => done({ ok, data: ok && best.ts >= 0 ? best.data : null })));
  }

  private guarded(start: () => boolean): boolean {
    this.starting = true;
    try {
      return start();
    } finally {
      this.starting = false;
    }
  }

  private startWrite(key: number, data: StateData, then: Pending['then']): boolean {
    if (!this.admit()) return false;
    const ts = this.clock.tick(this.ctx.nowMs());
    const p = this.begin({ kind: 'write', key, ts, writer: this.ctx.id, value: this.ctx.rng.int(VALUE_RANGE) }, data, then);
    const { op } = p;
    const value: StoredValue = { ts: op.ts, writer: op.writer, value: op.value, data };
    for (const replica of p.home) {
      if (replica !== this.ctx.id) this.send(replica, { type: 'store.write', req: p.req, key, ts, writer: op.writer, value: op.value, data, hint: -1 }, writeBytes(this.config.valueBytes, data.length));
    }
    if (p.home.includes(this.ctx.id)) {
      this.table.put(key, value);
      this.onWriteAck(p, this.ctx.id);
    }
    return true;
  }

  private startRead(key: number, then: Pending['then']): boolean {
    if (!this.admit()) return false;
    const p = this.begin({ kind: 'read', key, ts: -1, writer: -1, value: -1 }, NO_DATA, then);
    for (const replica of p.home) if (replica !== this.ctx.id) this.send(replica, { type: 'store.read', req: p.req, key }, READ_BYTES);
    if (p.home.includes(this.ctx.id)) this.onReadReply(p, this.ctx.id, this.table.get(key) ?? NO_VALUE);
    return true;
  }

  // ---- handlers ----

  onStart(): void {
    const rng = this.ctx.rng;
    const { config } = this;
    if (config.clients > 0 && this.ring.isClient(this.ctx.id)) this.opTimer = this.ctx.setTimer(config.opStartMs + rng.next() * config.opPeriodMs, this.onOpPeriod);
    this.hintTimer = this.ctx.setTimer(rng.next() * config.hintPeriodMs, this.onHintPeriod);
    if (config.antiEntropyPeriodMs > 0 && config.replicas > 1) this.entropyTimer = this.ctx.setTimer(rng.next() * config.antiEntropyPeriodMs, this.onEntropyPeriod);
  }

  onStop(): void {
    for (const timer of [this.opTimer, this.hintTimer, this.entropyTimer]) timer?.cancel();
    this.opTimer = this.hintTimer = this.entropyTimer = null;
    for (const p of this.pending.values()) {
      p.replicaTimer?.cancel();
      p.deadlineTimer?.cancel();
    }
    this.pending.clear(); // their operations never complete: the client died with them
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as StoreMessage;
    switch (msg.type) {
      case 'store.write': {
        this.clock.observe(msg.ts);
        const value: StoredValue = { ts: msg.ts, writer: msg.writer, value: msg.value, data: msg.data };
        const stored = msg.hint >= 0 && msg.hint !== this.ctx.id ? this.keepHint(msg.hint, msg.key, value) : (this.table.put(msg.key, value), true);
        if (stored && msg.req > 0) this.send(from, { type: 'store.write-ack', req: msg.req, key: msg.key }, WRITE_ACK_BYTES);
        return;
      }
      case 'store.write-ack': {
        const p = this.pending.get(msg.req);
        if (p !== undefined && p.op.kind === 'write') this.onWriteAck(p, from);
        return;
      }
      case 'store.read': {
        const held = this.table.get(msg.key) ?? NO_VALUE;
        this.send(from, { type: 'store.read-reply', req: msg.req, key: msg.key, ts: held.ts, writer: held.writer, value: held.value, data: held.data }, readReplyBytes(this.config.valueBytes, held.data.length));
        return;
      }
      case 'store.read-reply': {
        const p = this.pending.get(msg.req);
        if (p === undefined || p.op.kind !== 'read' || p.op.key !== msg.key) return;
        this.clock.observe(msg.ts);
        this.onReadReply(p, from, { ts: msg.ts, writer: msg.writer, value: msg.value, data: msg.data });
        return;
      }
      case 'store.handoff': {
        let taken = 0;
        for (const e of msg.entries) if (this.table.put(e.key, e)) taken++;
        if (taken > 0) this.ctx.metrics.count('store.hints_taken', taken);
        this.send(from, { type: 'store.handoff-ack', entries: msg.entries }, versionsBytes(msg.entries.length));
        return;
      }
      case 'store.handoff-ack': {
        let delivered = 0;
        for (const e of msg.entries) if (this.hints.delivered(from, e.key, e)) delivered++;
        if (delivered > 0) this.ctx.metrics.count('store.hints_delivered', delivered);
        return;
      }
      case 'store.digest':
        return this.onDigest(from, msg);
      case 'store.sync':
        return this.onSync(from, msg);
      default:
        this.ctx.metrics.count('store.unknown_messages');
    }
  }

  private send(to: NodeId, message: StoreMessage, sizeBytes: number): void {
    this.ctx.send(to, message, sizeBytes);
  }

  // ---- coordinating ----

  private admit(): boolean {
    if (this.pending.size < this.config.opsInFlightMax) return true;
    this.ctx.metrics.count('store.ops_refused');
    return false;
  }

  private begin(what: Pick<StoreOperation, 'kind' | 'key' | 'ts' | 'writer' | 'value'>, data: StateData, then: Pending['then']): Pending {
    const position = storeKey(what.key);
    const op: StoreOperation = { client: this.ctx.id, invokedAtMs: this.ctx.nowMs(), completedAtMs: NaN, ok: false, ...what };
    const p: Pending = {
      req: this.nextReq++,
      op,
      home: this.ring.home(position, this.config.replicas),
      first: this.ring.firstIndex(position),
      answered: new Map(),
      data,
      then,
      best: NO_VALUE,
      substitutes: 0,
      done: false,
      replicaTimer: null,
      deadlineTimer: null,
    };
    this.pending.set(p.req, p);
    p.replicaTimer = this.ctx.setTimer(this.config.replicaTimeoutMs, () => this.onReplicaTimeout(p));
    p.deadlineTimer = this.ctx.setTimer(this.config.requestTimeoutMs, () => this.onDeadline(p));
    this.observer?.invoked(op);
    return p;
  }

  private onWriteAck(p: Pending, from: NodeId): void {
    if (!p.home.includes(from) || p.answered.has(from)) return; // a hint holder's ack counts for nothing
    p.answered.set(from, p.op);
    if (!p.done && p.answered.size >= this.config.writeQuorum) this.finish(p, true);
    if (p.answered.size === p.home.length) this.retire(p);
  }

  private onReadReply(p: Pending, from: NodeId, value: StoredValue): void {
    if (!p.home.includes(from) || p.answered.has(from)) return;
    p.answered.set(from, value);
    if (compareVersions(value, p.best) > 0) {
      p.best = value;
      for (const [replica, version] of p.answered) if (compareVersions(version, value) < 0) this.repair(p, replica);
    } else if (compareVersions(value, p.best) < 0) this.repair(p, from);
    if (!p.done && p.answered.size >= this.config.readQuorum) this.finish(p, true);
    if (p.answered.size === p.home.length) this.retire(p);
  }

  /** Read repair: `replica` replied older than the newest version the read saw. */
  private repair(p: Pending, replica: NodeId): void {
    const best = p.best;
    this.ctx.metrics.count('store.read_repairs');
    p.answered.set(replica, best);
    if (replica === this.ctx.id) this.table.put(p.op.key, best);
    else this.send(replica, { type: 'store.write', req: 0, key: p.op.key, ts: best.ts, writer: best.writer, value: best.value, data: best.data, hint: -1 }, writeBytes(this.config.valueBytes, best.data.length));
  }

  private onReplicaTimeout(p: Pending): void {
    p.replicaTimer = null;
    if (this.pending.get(p.req) !== p) return;
    if (p.op.kind === 'write') for (const replica of p.home) if (!p.answered.has(replica)) this.handOff(p, replica);
    if (p.done) this.retire(p);
  }

  /** Hinted handoff: the write goes to the next node past the home replicas, for `replica`. */
  private handOff(p: Pending, replica: NodeId): void {
    const steps = p.home.length + p.substitutes;
    if (steps >= this.ring.nodeCount) return; // no node left to hold a hint
    p.substitutes++;
    const holder = this.ring.nodeAt(p.first, steps);
    const { op } = p;
    this.ctx.metrics.count('store.hints_sent');
    if (holder === this.ctx.id) this.keepHint(replica, op.key, { ts: op.ts, writer: op.writer, value: op.value, data: p.data });
    else this.send(holder, { type: 'store.write', req: p.req, key: op.key, ts: op.ts, writer: op.writer, value: op.value, data: p.data, hint: replica }, writeBytes(this.config.valueBytes, p.data.length));
  }

  private keepHint(replica: NodeId, key: number, value: StoredValue): boolean {
    if (this.hints.add(replica, key, value)) return true;
    this.ctx.metrics.count('store.hints_dropped');
    return false;
  }

  private onDeadline(p: Pending): void {
    p.deadlineTimer = null;
    if (this.pending.get(p.req) !== p) return;
    if (!p.done) {
      this.ctx.metrics.count(`store.${p.op.kind}_timeouts`);
      this.finish(p, false);
    }
    this.retire(p);
  }

  private finish(p: Pending, ok: boolean): void {
    p.done = true;
    const { op } = p;
    op.ok = ok;
    op.completedAtMs = this.ctx.nowMs();
    if (op.kind === 'read' && ok) {
      op.ts = p.best.ts;
      op.writer = p.best.writer;
      op.value = p.best.value;
    }
    this.observer?.completed(op);
    const then = p.then;
    if (then === null) return;
    const best = p.best;
    if (this.starting) this.ctx.setTimer(0, () => then(ok, best));
    else then(ok, best);
  }

  private retire(p: Pending): void {
    p.replicaTimer?.cancel();
    p.deadlineTimer?.cancel();
    p.replicaTimer = p.deadlineTimer = null;
    this.pending.delete(p.req);
  }

  // ---- periodic tasks ----

  private readonly onOpPeriod = (): void => {
    const { config, ctx } = this;
    const key = ctx.rng.int(config.keyCount);
    if (ctx.rng.next() < config.writeShare) this.write(key);
    else this.read(key);
    this.opTimer = ctx.setTimer(config.opPeriodMs * (0.5 + ctx.rng.next()), this.onOpPeriod);
  };

  private readonly onHintPeriod = (): void => {
    for (const target of this.hints.targets()) {
      const entries = this.hints.hintsFor(target, this.config.syncEntriesMax);
      this.send(target, { type: 'store.handoff', entries }, entriesBytes(entries, this.config.valueBytes));
    }
    this.hintTimer = this.ctx.setTimer(this.config.hintPeriodMs, this.onHintPeriod);
  };

  /** Anti-entropy: a digest of one of the ranges this node replicates, to another of its replicas. */
  private readonly onEntropyPeriod = (): void => {
    const { config, ctx } = this;
    const range = this.ring.rangeOf(ctx.id, ctx.rng.int(config.replicas));
    const peers = this.ring.replicasOf(range, config.replicas).filter((node) => node !== ctx.id);
    if (peers.length > 0) {
      const message: StoreDigest = { type: 'store.digest', lo: range.lo, hi: range.hi, hashes: this.table.digest(range, config.digestBuckets) };
      this.send(ctx.rng.pick(peers), message, digestBytes(config.digestBuckets));
    }
    this.entropyTimer = ctx.setTimer(config.antiEntropyPeriodMs, this.onEntropyPeriod);
  };

  private onDigest(from: NodeId, msg: StoreDigest): void {
    const range: KeyRange = { lo: msg.lo, hi: msg.hi };
    const buckets = this.config.digestBuckets;
    const own = this.table.digest(range, buckets);
    const differ: number[] = [];
    for (let b = 0; b < buckets; b++) if (own[b] !== msg.hashes[b]) differ.push(b);
    if (differ.length === 0) return;
    this.ctx.metrics.count('store.anti_entropy_mismatches');
    this.sendSync(from, range, differ, true);
  }

  private onSync(from: NodeId, msg: StoreSync): void {
    const range: KeyRange = { lo: msg.lo, hi: msg.hi };
    let stored = 0;
    for (const e of msg.entries) {
      this.clock.observe(e.ts);
      if (this.table.put(e.key, e)) stored++;
    }
    if (stored > 0) this.ctx.metrics.count('store.anti_entropy_repairs', stored);
    if (msg.reply) this.sendSync(from, range, msg.buckets, false);
  }

  private sendSync(to: NodeId, range: KeyRange, buckets: readonly number[], reply: boolean): void {
    const entries: KeyedValue[] = this.table.entriesIn(range, this.config.digestBuckets, new Set(buckets), this.config.syncEntriesMax);
    const message: StoreSync = { type: 'store.sync', lo: range.lo, hi: range.hi, buckets: [...buckets], entries, reply };
    this.send(to, message, entriesBytes(entries, this.config.valueBytes));
  }
}

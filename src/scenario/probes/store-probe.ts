/**
 * The store's history and its scores. The probe is the store's observer on every node: it keeps
 * every operation clients invoked and completed (`StoreOperation`, completed in place by the
 * coordinator), and judges each read as it completes (`metrics/register-history.ts`; every
 * write acknowledged before the read began has completed by then) against the failures the
 * world really had (`FailureTruth`): a key tolerates N - W failed home replicas, a replica
 * failing between a write's invocation and a read's completion if it was down at some instant
 * (its copies died with its agent) or cut from the writer or the reader.
 *
 * Metrics: store.writes, store.reads (invoked), store.write_success and store.read_success
 * (acknowledged among those completed), store.acked_writes_lost (distinct acknowledged writes a
 * quorum read missed within tolerance: 0 for a correct store), store.reads_beyond_tolerance,
 * store.phantom_reads, store.stale_read_share (stale among the reads answered), its ages
 * store.stale_age_ms_p50 / p90, store.read_latency_ms_p50 / write_latency_ms_p50, store.ops_per_s
 * (completed per virtual second since the first invocation), store.keys_held and
 * store.hints_held (summed over the hosts up).
 */
import type { MetricSeries } from '../../metrics/series.js';
import { quantile } from '../../metrics/stats.js';
import { judgeRead, KeyWrites } from '../../metrics/register-history.js';
import { STORE, type StoreObserver, type StoreOperation, type StoreProtocol, type StoreRing, storeKey } from '../../protocols/store/index.js';
import type { FailureTruth } from './failure-truth.js';
import type { NodesView } from './nodes-view.js';

export interface StoreProbeInput {
  readonly ring: StoreRing;
  readonly replicas: number;
  readonly readQuorum: number;
  readonly writeQuorum: number;
  readonly truth: FailureTruth;
}

/** What the probe reads of a node's store. */
export type StoreView = Pick<StoreProtocol, 'keysHeld' | 'hintsHeld'>;

export class StoreProbe implements StoreObserver {
  private readonly keys = new Map<number, KeyWrites>();
  private readonly quorum: boolean;
  private firstInvokedMs = NaN;
  private writes = 0;
  private reads = 0;
  private readonly finished = { write: 0, read: 0 };
  private readonly acked = { write: 0, read: 0 };
  private readonly latencyMs = { write: [] as number[], read: [] as number[] };
  private stale = 0;
  private readonly staleAgesMs: number[] = [];
  private readonly lost = new Set<StoreOperation>();
  private excused = 0;
  private judged = 0;
  private firstLost: string | null = null;
  private phantoms = 0;

  constructor(private readonly input: StoreProbeInput) {
    this.quorum = input.readQuorum + input.writeQuorum > input.replicas;
  }

  invoked(op: StoreOperation): void {
    if (Number.isNaN(this.firstInvokedMs)) this.firstInvokedMs = op.invokedAtMs;
    if (op.kind === 'write') {
      this.writes++;
      this.writesOf(op.key).invoked(op);
    } else this.reads++;
  }

  completed(op: StoreOperation): void {
    this.finished[op.kind]++;
    if (!op.ok) return;
    this.acked[op.kind]++;
    this.latencyMs[op.kind].push(op.completedAtMs - op.invokedAtMs);
    if (op.kind === 'write') return this.writesOf(op.key).acknowledged(op);
    const verdict = judgeRead(op, this.writesOf(op.key), { quorum: this.quorum, toleranceExceeded: this.toleranceExceeded });
    this.judged++;
    if (verdict.lost.length > 0 && this.firstLost === null) {
      const w = verdict.lost[0];
      this.firstLost = `the write of key ${w.key} by node ${w.client} (version ${w.ts}/${w.writer}, acknowledged at ${w.completedAtMs} ms) was missed by the quorum read of node ${op.client} begun at ${op.invokedAtMs} ms, with no more than N - W of the key's replicas failed`;
    }
    if (verdict.phantom) this.phantoms++;
    if (!verdict.stale) return;
    this.stale++;
    this.staleAgesMs.push(verdict.staleAgeMs);
    if (verdict.excused) this.excused++;
    for (const w of verdict.lost) this.lost.add(w);
  }

  /** Reads judged so far (a check re-reads the verdicts only when this moved). */
  get readsJudged(): number {
    return this.judged;
  }

  /** Acknowledged writes lost within tolerance so far, and what the first one was (null: none). */
  get lostWrites(): { readonly count: number; readonly first: string | null } {
    return { count: this.lost.size, first: this.firstLost };
  }

  /** More than N - W of the key's home replicas down, or cut from one of `clients`, during [fromMs, toMs]. */
  private readonly toleranceExceeded = (key: number, fromMs: number, toMs: number, clients: readonly number[]): boolean => {
    const { ring, replicas, writeQuorum, truth } = this.input;
    let failed = 0;
    for (const replica of ring.home(storeKey(key), replicas)) {
      if (truth.downDuring(replica, fromMs, toMs) || clients.some((c) => truth.cutDuring(replica, c, fromMs, toMs))) failed++;
    }
    return failed > replicas - writeQuorum;
  };

  private writesOf(key: number): KeyWrites {
    let writes = this.keys.get(key);
    if (writes === undefined) this.keys.set(key, (writes = new KeyWrites()));
    return writes;
  }

  /** Records the store.* metrics at `timeS` (cumulative since the start). */
  record(series: MetricSeries, timeS: number, nodes: NodesView): void {
    series.count(timeS, 'store.writes', this.writes);
    series.count(timeS, 'store.reads', this.reads);
    series.count(timeS, 'store.acked_writes_lost', this.lost.size);
    series.count(timeS, 'store.reads_beyond_tolerance', this.excused);
    series.count(timeS, 'store.phantom_reads', this.phantoms);
    for (const kind of ['write', 'read'] as const) {
      if (this.finished[kind] > 0) series.record(timeS, `store.${kind}_success`, this.acked[kind] / this.finished[kind]);
      if (this.latencyMs[kind].length > 0) series.record(timeS, `store.${kind}_latency_ms_p50`, quantile(this.latencyMs[kind], 0.5));
    }
    if (this.acked.read > 0) series.record(timeS, 'store.stale_read_share', this.stale / this.acked.read);
    if (this.staleAgesMs.length > 0) {
      series.record(timeS, 'store.stale_age_ms_p50', quantile(this.staleAgesMs, 0.5));
      series.record(timeS, 'store.stale_age_ms_p90', quantile(this.staleAgesMs, 0.9));
    }
    const elapsedS = timeS - this.firstInvokedMs / 1000;
    if (elapsedS > 0) series.record(timeS, 'store.ops_per_s', (this.finished.write + this.finished.read) / elapsedS);
    let keysHeld = 0;
    let hintsHeld = 0;
    for (let id = 0; id < nodes.nodeCount; id++) {
      const store = nodes.protocolOf(id, STORE) as StoreView | undefined;
      if (store === undefined) continue;
      keysHeld += store.keysHeld;
      hintsHeld += store.hintsHeld;
    }
    series.record(timeS, 'store.keys_held', keysHeld);
    series.record(timeS, 'store.hints_held', hintsHeld);
  }
}

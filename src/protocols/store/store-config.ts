/**
 * Every parameter of the replicated state store, fully filled: callers spread
 * `defaultStoreConfig` and override. N replicas per key, reads and writes acknowledged by R and W
 * of them; R + W > N makes every read overlap every acknowledged write (the quorum rule).
 */
import { configChecks } from '../config-checks.js';

export interface StoreConfig {
  /** N: replicas of each key, the first N nodes clockwise from the key on the ring. */
  readonly replicas: number;
  /** R: replies a read waits for before answering with the newest version among them. */
  readonly readQuorum: number;
  /** W: home replicas that must acknowledge a write before it is acknowledged to the client. */
  readonly writeQuorum: number;
  /** Nodes of the deployment (ids 0..nodeCount-1): the membership the ring is made of. */
  readonly nodeCount: number;
  /** Keys the workload draws from, uniformly: 0..keyCount-1. */
  readonly keyCount: number;
  /** Nodes that run a client (spread over the ring by a hash of their id); 0: no workload. */
  readonly clients: number;
  /** A client issues one operation per period on average (uniform in [0.5, 1.5] periods). */
  readonly opPeriodMs: number;
  /** Share of a client's operations that are writes (the rest are reads). */
  readonly writeShare: number;
  /** A client's first operation waits this long after its node starts. */
  readonly opStartMs: number;
  /** A home replica silent this long after a write is sent the write's hint holder (the next node on the ring). */
  readonly replicaTimeoutMs: number;
  /** An operation without its quorum this long after it began fails (a write may still land). */
  readonly requestTimeoutMs: number;
  /** Operations a client coordinates at once; one beyond it is refused (counted). */
  readonly opsInFlightMax: number;
  /** A hint holder offers its hints back to their home replica this often. */
  readonly hintPeriodMs: number;
  /** Hints a node holds at most; one beyond it is dropped (counted). */
  readonly hintsMax: number;
  /** A node compares one of the key ranges it replicates with another replica this often (0: never). */
  readonly antiEntropyPeriodMs: number;
  /** A range's digest: one hash per bucket of the range. */
  readonly digestBuckets: number;
  /** Entries one anti-entropy or hand-off message carries at most (the rest wait for the next round). */
  readonly syncEntriesMax: number;
  /** Modelled size of a workload's value on the wire (a client's payload counts 8 bytes per word instead). */
  readonly valueBytes: number;
  /** Words a payload (`StateStore.put`: a VE record, a VM index entry) holds at most. */
  readonly dataWordsMax: number;
}

export const defaultStoreConfig: StoreConfig = {
  replicas: 3,
  readQuorum: 2,
  writeQuorum: 2,
  nodeCount: 1,
  keyCount: 1000,
  clients: 8,
  opPeriodMs: 1000,
  writeShare: 0.5,
  opStartMs: 10_000,
  replicaTimeoutMs: 500,
  requestTimeoutMs: 2000,
  opsInFlightMax: 16,
  hintPeriodMs: 5000,
  hintsMax: 10_000,
  antiEntropyPeriodMs: 10_000,
  digestBuckets: 16,
  syncEntriesMax: 128,
  valueBytes: 1024,
  dataWordsMax: 2048,
};

/** The workload's keys are ids below 2^31 (`storeKey`; other spaces are the `StateStore` clients'). */
export const STORE_KEYS_MAX = 2 ** 31;
export const DIGEST_BUCKETS_MAX = 256;

export function validateStoreConfig(config: StoreConfig): void {
  const check = configChecks('StoreConfig', config);
  check.integer('replicas', 1);
  check.integer('nodeCount', 1);
  if (config.replicas > config.nodeCount) check.fail('replicas', `an integer <= the nodes of the deployment (${config.nodeCount})`);
  check.integer('readQuorum', 1);
  if (config.readQuorum > config.replicas) check.fail('readQuorum', `an integer <= replicas (${config.replicas})`);
  check.integer('writeQuorum', 1);
  if (config.writeQuorum > config.replicas) check.fail('writeQuorum', `an integer <= replicas (${config.replicas})`);
  check.integer('keyCount', 1);
  if (config.keyCount > STORE_KEYS_MAX) check.fail('keyCount', `an integer <= 2^31`);
  check.integer('clients', 0);
  if (config.clients > config.nodeCount) check.fail('clients', `an integer <= the nodes of the deployment (${config.nodeCount})`);
  check.positive('opPeriodMs');
  if (!(config.writeShare >= 0 && config.writeShare <= 1)) check.fail('writeShare', 'a number in [0, 1]');
  if (!(config.opStartMs >= 0 && Number.isFinite(config.opStartMs))) check.fail('opStartMs', 'a finite number >= 0');
  check.positive('replicaTimeoutMs');
  check.positive('requestTimeoutMs');
  if (!(config.requestTimeoutMs > config.replicaTimeoutMs)) check.fail('requestTimeoutMs', `a number > replicaTimeoutMs (${config.replicaTimeoutMs})`);
  check.integer('opsInFlightMax', 1);
  check.positive('hintPeriodMs');
  check.integer('hintsMax', 1);
  if (!(config.antiEntropyPeriodMs >= 0 && Number.isFinite(config.antiEntropyPeriodMs))) check.fail('antiEntropyPeriodMs', 'a finite number >= 0');
  check.integer('digestBuckets', 1);
  if (config.digestBuckets > DIGEST_BUCKETS_MAX) check.fail('digestBuckets', `an integer <= ${DIGEST_BUCKETS_MAX}`);
  check.integer('syncEntriesMax', 1);
  check.integer('valueBytes', 0);
  check.integer('dataWordsMax', 0);
}

/** The recovery agent's settings, filled once from `cloud.snapshots` (`agent/recovery-stack.ts`). */
import type { FailureDetectorConfig } from '../../actors/failure-detector.js';
import type { VeConstraint } from '../../placement/problem.js';
import type { PlaceFacts } from './store-choice.js';

export interface RecoveryConfig {
  /** Every running VM is snapshotted this often, VM v of `vmCount` at period x (v + 1) / vmCount, then every period. */
  readonly periodMs: number;
  /** VMs 0..vmCount-1 are snapshotted (the cloud section's). */
  readonly vmCount: number;
  /** How often an agent looks at its hypervisor's VMs between slots (VMs that arrived, VMs that left), ms. */
  readonly rescanMs: number;
  /** A store's wait for the hosts' answers to a query, ms (then it plans with those it has). */
  readonly answerTimeoutMs: number;
  /** Wait before planning again a restart that failed or found no host, ms. */
  readonly retryMs: number;
  /** A restore request unanswered this long counts as failed, ms. */
  readonly restoreTimeoutMs: number;
  /** The store's heartbeat detector over the hosts whose snapshots it holds. */
  readonly detector: FailureDetectorConfig;
  /** Static facts: the hosts' PoPs and countries, and PoP latencies as the deployment was laid out. */
  readonly facts: PlaceFacts;
  /** Each snapshotted VM's home host: where the deployment first placed it (a static fact, as `facts`). */
  readonly vmHome: ArrayLike<number>;
  /** The VEs' constraints (VE ids 0..n-1). */
  readonly constraints: readonly VeConstraint[];
}

/**
 * `cloud.snapshots` on a node: the recovery agent (`protocols/recovery/`), snapshots shipped to a
 * store agent of another PoP and restarts from them, and the store's heartbeat detector over the
 * hosts whose snapshots it holds (`recovery.fd`: the detector of `actors/`, its candidates the
 * catalogue's origins rather than gossip peers, because a store must watch exactly those hosts).
 * The static facts (hosts' PoPs and countries, PoP latencies) come from whoever lays the
 * deployment out: the simulated backbone, or the hosts a live launch's agents stand for.
 */
import { defaultFailureDetectorConfig, FailureDetector } from '../actors/failure-detector.js';
import type { VeConstraint } from '../placement/problem.js';
import { RECOVERY, RECOVERY_DETECTOR, type RecoveryConfig, RecoveryProtocol, type PlaceFacts } from '../protocols/recovery/index.js';
import type { StackBuilder } from '../runtime/context.js';
import type { CloudSection } from '../scenario/cloud.js';

/** Retry and rescan bounds: a restart that failed is planned again after this long, and an agent looks at its VMs at least this often. */
const RESCAN_MS_MAX = 10_000;

export function recoveryConfigOf(cloud: CloudSection, vmHome: ArrayLike<number>, facts: PlaceFacts, constraints: readonly VeConstraint[]): RecoveryConfig | null {
  const snapshots = cloud.snapshots;
  if (snapshots === undefined) return null;
  const periodMs = snapshots.periodS * 1000;
  return {
    periodMs,
    vmCount: vmHome.length,
    vmHome,
    rescanMs: Math.min(RESCAN_MS_MAX, periodMs),
    answerTimeoutMs: snapshots.queryTimeoutS * 1000,
    retryMs: periodMs,
    restoreTimeoutMs: Math.max(periodMs, 60_000),
    detector: { ...defaultFailureDetectorConfig, periodMs: snapshots.heartbeatS * 1000, timeoutMs: snapshots.detectionS * 1000, monitoredMax: facts.hostCount },
    facts,
    constraints,
  };
}

export function withRecovery(stack: StackBuilder, config: RecoveryConfig): StackBuilder {
  return (contextFor) => {
    const protocols = new Map(stack(contextFor));
    let recovery: RecoveryProtocol | null = null;
    const detector = new FailureDetector(contextFor(RECOVERY_DETECTOR), { peers: () => recovery?.peers() ?? [] }, config.detector, RECOVERY_DETECTOR);
    recovery = new RecoveryProtocol(contextFor(RECOVERY), config, detector);
    protocols.set(RECOVERY_DETECTOR, detector);
    protocols.set(RECOVERY, recovery);
    return protocols;
  };
}

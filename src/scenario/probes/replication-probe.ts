/**
 * Scores replication from the model: failovers and their times as the watcher restored VMs
 * (crash to the VM running on its backup's host), the work lost (crash time minus the capture
 * time of the last checkpoint complete at the backup, from the bytes the network model
 * delivered), the bytes the syncs and streams delivered (all cross the backbone: backups are in
 * another PoP), the replica's lag (age of its state, sampled every second per stream), and the
 * replicated VMs lost now in the cloud model (ground truth: 0 at the end if every crash failed over).
 */
import type { Cloud } from '../../platform/cloud.js';
import type { MetricSeries } from '../../metrics/series.js';
import { mean } from '../../metrics/stats.js';
import type { VmReplication } from '../vm-replication.js';

export function recordReplication(series: MetricSeries, timeS: number, replication: VmReplication, cloud: Cloud): void {
  const { failoverS, workLostS, lagMsCounts } = replication;
  const streaming = replication.streamingBytes;
  series.count(timeS, 'replication.failovers', failoverS.length);
  series.record(timeS, 'replication.checkpoint_bytes', replication.checkpointBytes + streaming);
  series.record(timeS, 'replication.sync_bytes', replication.syncBytes);
  series.record(timeS, 'replication.wan_bytes', replication.wanBytes + streaming);
  let lost = 0;
  for (let vm = 0; vm < cloud.vmCount; vm++) if (replication.isReplicated(vm) && cloud.vmLost[vm] === 1) lost++;
  series.record(timeS, 'replication.vms_lost', lost);
  if (lagMsCounts.size > 0) series.record(timeS, 'replication.lag_ms_p95', quantileOfCounts(lagMsCounts, 0.95));
  if (failoverS.length === 0) return;
  series.record(timeS, 'replication.failover_s_mean', mean(failoverS));
  series.record(timeS, 'replication.failover_s_max', Math.max(...failoverS));
  series.record(timeS, 'replication.work_lost_s_mean', mean(workLostS));
  series.record(timeS, 'replication.work_lost_s_max', Math.max(...workLostS));
}

/** The q-quantile of samples given as value -> count, as `quantile` computes it on the samples listed (type 7). */
export function quantileOfCounts(counts: ReadonlyMap<number, number>, q: number): number {
  const values = [...counts.keys()].sort((a, b) => a - b);
  let n = 0;
  for (const c of counts.values()) n += c;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const at = (rank: number): number => {
    let seen = 0;
    for (const v of values) if ((seen += counts.get(v) as number) > rank) return v;
    return values[values.length - 1];
  };
  const low = at(lo);
  return low + (at(Math.min(lo + 1, n - 1)) - low) * (pos - lo);
}

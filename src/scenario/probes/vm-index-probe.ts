/**
 * Scores the VM index's locates against where the VMs truly were: in a simulated run, the cloud
 * model's record (`cloud-vm-history.ts`, from the hypervisors' events); in a live launch, the
 * schedule its agents played (`vm-schedule.ts`). Each answer is judged against where the VM was
 * when the owner answered:
 *   - success: the answer is the VM's host at that instant; or the VM existed nowhere then (lost
 *     with its crashed host, not yet restarted) and the owner answered "unknown";
 *   - stale: it is not, but the VM was on the answered host at some instant since the locate
 *     began (the VM moved, or was lost, while the query was in flight, and the owner had not
 *     learnt it yet);
 *   - wrong: any other host (e.g. the VM left it before the query began and the index lagged);
 *   - unknown: the owner had no entry for a VM that was on a host; failed: no answer (the lookup
 *     failed or the owner was silent).
 * Records per metric interval: vmindex.locates (cumulative), vmindex.success_share and the other
 * shares, vmindex.median_latency_ms, vmindex.p90_latency_ms and vmindex.mean_hops (over the answered locates), and
 * vmindex.entries (entries held by the owners that are up). Locates logged by a node that
 * crashed before the sample are lost with it. The nodes are read through `NodesView`: a simulated
 * run's runtime, or a live launch's samples of one tick.
 */
import type { MetricSeries } from '../../metrics/series.js';
import { mean, median, quantile } from '../../metrics/stats.js';
import { LOCATE_FAILED, LOCATE_UNKNOWN, type LocateOutcome, VM_INDEX, type VmIndexProtocol } from '../../protocols/vm-index/index.js';
import type { NodesView } from './nodes-view.js';

export type LocateVerdict = 'success' | 'stale' | 'wrong' | 'unknown' | 'failed';

/** Where each VM was: its host at an instant (-1 where it was on none), and whether it was on a host during an interval. */
export interface PlacementTruth {
  hostAt(vm: number, timeMs: number): number;
  wasOnDuring(vm: number, host: number, fromMs: number, toMs: number): boolean;
}

/** What the probe reads of a node's VM index. */
export type VmIndexView = Pick<VmIndexProtocol, 'entryCount' | 'drainLocates'>;

export function judgeLocate(outcome: LocateOutcome, truth: PlacementTruth): LocateVerdict {
  if (outcome.host === LOCATE_FAILED) return 'failed';
  if (outcome.host === LOCATE_UNKNOWN) return truth.hostAt(outcome.vm, outcome.answeredAtMs) < 0 ? 'success' : 'unknown';
  if (truth.hostAt(outcome.vm, outcome.answeredAtMs) === outcome.host) return 'success';
  return truth.wasOnDuring(outcome.vm, outcome.host, outcome.startedAtMs, outcome.answeredAtMs) ? 'stale' : 'wrong';
}

const VERDICTS: readonly LocateVerdict[] = ['success', 'stale', 'wrong', 'unknown', 'failed'];

export class VmIndexProbe {
  private locates = 0;
  private successes = 0;

  constructor(private readonly truth: PlacementTruth) {}

  /** Drain every node's locates, judge them, and record the vmindex.* metrics at `timeS`. */
  record(series: MetricSeries, timeS: number, nodes: NodesView): void {
    const counts: Record<LocateVerdict, number> = { success: 0, stale: 0, wrong: 0, unknown: 0, failed: 0 };
    const latencyMs: number[] = [];
    const hops: number[] = [];
    let entries = 0;
    let finished = 0;
    for (let id = 0; id < nodes.nodeCount; id++) {
      const index = nodes.protocolOf(id, VM_INDEX) as VmIndexView | undefined;
      if (index === undefined) continue;
      entries += index.entryCount;
      for (const outcome of index.drainLocates()) {
        finished++;
        counts[judgeLocate(outcome, this.truth)]++;
        if (outcome.host === LOCATE_FAILED) continue;
        latencyMs.push(outcome.finishedAtMs - outcome.startedAtMs);
        hops.push(outcome.hops);
      }
    }
    this.locates += finished;
    this.successes += counts.success;
    series.count(timeS, 'vmindex.locates', this.locates);
    series.record(timeS, 'vmindex.entries', entries);
    if (this.locates > 0) series.record(timeS, 'vmindex.success_share_total', this.successes / this.locates);
    if (finished === 0) return;
    for (const verdict of VERDICTS) series.record(timeS, `vmindex.${verdict}_share`, counts[verdict] / finished);
    if (latencyMs.length > 0) {
      series.record(timeS, 'vmindex.median_latency_ms', median(latencyMs));
      series.record(timeS, 'vmindex.p90_latency_ms', quantile(latencyMs, 0.9));
      series.record(timeS, 'vmindex.mean_hops', mean(hops));
    }
  }
}

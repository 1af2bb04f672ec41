/**
 * "Every partition is eventually released": at each sample, how many DVMS nodes are in a
 * partition and for how long the longest-held one has been (since the first sample that saw it
 * held, so to within one interval). The `checkInvariants` run option fails the run when a node
 * has been held longer than `heldMaxS`: a partition that is never released would block its
 * hosts from every later scheduling.
 */
import type { MetricSeries } from '../../metrics/series.js';
import type { DvmsProtocol } from '../../protocols/dvms/dvms-protocol.js';
import type { SimRuntime } from '../../runtime/sim/sim-runtime.js';
import { serviceInstance } from '../../actors/supervisor.js';

export class PartitionProbe {
  private readonly heldSinceS: Float64Array;

  constructor(
    nodeCount: number,
    private readonly protocolName: string,
  ) {
    this.heldSinceS = new Float64Array(nodeCount).fill(-1);
  }

  /** Records the metrics; returns the longest time a node has been held now, in seconds. */
  record(series: MetricSeries, timeS: number, runtime: SimRuntime): number {
    let held = 0;
    let longestS = 0;
    for (let id = 0; id < this.heldSinceS.length; id++) {
      const dvms = serviceInstance<DvmsProtocol>(runtime.protocolOf(id, this.protocolName)); // a supervised service: its current instance
      if (dvms === undefined || dvms.isFree()) {
        this.heldSinceS[id] = -1;
        continue;
      }
      held++;
      if (this.heldSinceS[id] < 0) this.heldSinceS[id] = timeS;
      longestS = Math.max(longestS, timeS - this.heldSinceS[id]);
    }
    series.record(timeS, 'dvms.nodes_in_partitions', held);
    series.record(timeS, 'dvms.partition_held_s_max', longestS);
    return longestS;
  }
}

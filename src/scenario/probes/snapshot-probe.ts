/**
 * Scores snapshots and restarts from the model: each VM's crash and restart times as the
 * hypervisors' placement events give them (`onVmPlaced`: lost, then placed again), and the
 * state it restarted from as the snapshot store holds it (the instant its snapshot was taken).
 * RPO = crash time - that state's time (virtual work lost); RTO = restart time - crash time.
 * Snapshot counts and bytes are the store's: snapshots whose last byte arrived. A VM failed over
 * from its replica (`cloud.replication`) is not a restart from a snapshot: left out.
 */
import type { Simulator } from '../../kernel/simulator.js';
import type { MetricSeries } from '../../metrics/series.js';
import { mean } from '../../metrics/stats.js';
import type { SimHypervisors } from '../../runtime/sim/sim-hypervisor.js';
import type { VmSnapshots } from '../vm-snapshots.js';

export class SnapshotProbe {
  private readonly lostAtUs: Float64Array;
  private readonly rpoS: number[] = [];
  private readonly rtoS: number[] = [];
  private rpoSMax = 0;
  private rtoSMax = 0;

  constructor(
    sim: Simulator,
    hypervisors: SimHypervisors,
    private readonly snapshots: VmSnapshots,
    /** A restoration that is a replica's failover, scored by the replication probe instead. */
    isFailover: (vm: number) => boolean = () => false,
  ) {
    this.lostAtUs = new Float64Array(snapshots.vmCount).fill(-1);
    hypervisors.onVmPlaced((vm, from, to) => {
      if (vm >= snapshots.vmCount) return;
      if (to < 0) this.lostAtUs[vm] = sim.nowUs();
      else if (from < 0 && this.lostAtUs[vm] >= 0 && isFailover(vm)) this.lostAtUs[vm] = -1;
      else if (from < 0 && this.lostAtUs[vm] >= 0) {
        const lostAtUs = this.lostAtUs[vm];
        const rpoS = (lostAtUs - snapshots.stateUs[vm]) / 1e6;
        const rtoS = (sim.nowUs() - lostAtUs) / 1e6;
        this.rpoS.push(rpoS);
        this.rtoS.push(rtoS);
        this.rpoSMax = Math.max(this.rpoSMax, rpoS);
        this.rtoSMax = Math.max(this.rtoSMax, rtoS);
        this.lostAtUs[vm] = -1;
      }
    });
  }

  record(series: MetricSeries, timeS: number): void {
    series.count(timeS, 'cloud.snapshots_done', this.snapshots.done);
    series.record(timeS, 'cloud.snapshot_bytes', this.snapshots.bytes);
    series.count(timeS, 'cloud.vms_restored', this.rtoS.length);
    if (this.rtoS.length === 0) return;
    series.record(timeS, 'cloud.rpo_s_mean', mean(this.rpoS));
    series.record(timeS, 'cloud.rpo_s_max', this.rpoSMax);
    series.record(timeS, 'cloud.rto_s_mean', mean(this.rtoS));
    series.record(timeS, 'cloud.rto_s_max', this.rtoSMax);
  }
}

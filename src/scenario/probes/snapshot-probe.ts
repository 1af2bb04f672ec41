/**
 * Scores snapshots and restarts from the model: each VM's crash and restart times as the
 * hypervisors' placement events give them (`onVmPlaced`: lost, then placed again), and the
 * state it restarted from as the snapshot store holds it (the instant its snapshot was taken).
 * RPO = crash time - that state's time (virtual work lost); RTO = the instant the VM runs again
 * - crash time. With `cloud.images`, a restored VM runs only once its image's boot set is read
 * (`ImageBoots.onBooted`), so its RTO ends there, not at the restore; a VM lost again before
 * that keeps its first crash time (it never ran in between).
 * Snapshot counts and bytes are the store's: snapshots whose last byte arrived.
 */
import type { Simulator } from '../../kernel/simulator.js';
import type { MetricSeries } from '../../metrics/series.js';
import { mean } from '../../metrics/stats.js';
import type { SimHypervisors } from '../../runtime/sim/sim-hypervisor.js';
import type { ImageBoots } from '../image-boots.js';
import type { VmSnapshots } from '../vm-snapshots.js';

export class SnapshotProbe {
  /** Per VM: the crash it has not run since, us (-1 while it runs). */
  private readonly lostAtUs: Float64Array;
  /** Per VM restored and booting: the RPO of its restore, s (NaN otherwise). */
  private readonly bootingRpoS: Float64Array;
  private readonly rpoS: number[] = [];
  private readonly rtoS: number[] = [];
  private rpoSMax = 0;
  private rtoSMax = 0;

  constructor(
    private readonly sim: Simulator,
    hypervisors: SimHypervisors,
    private readonly snapshots: VmSnapshots,
    boots: ImageBoots | null,
  ) {
    this.lostAtUs = new Float64Array(snapshots.vmCount).fill(-1);
    this.bootingRpoS = new Float64Array(snapshots.vmCount).fill(NaN);
    hypervisors.onVmPlaced((vm, from, to) => {
      if (vm >= snapshots.vmCount) return;
      if (to < 0) {
        if (this.lostAtUs[vm] < 0) this.lostAtUs[vm] = sim.nowUs();
        this.bootingRpoS[vm] = NaN;
      } else if (from < 0 && this.lostAtUs[vm] >= 0) {
        const rpoS = (this.lostAtUs[vm] - snapshots.stateUs[vm]) / 1e6;
        if (boots === null) this.running(vm, rpoS);
        else this.bootingRpoS[vm] = rpoS;
      }
    });
    boots?.onBooted((vm) => {
      if (vm < snapshots.vmCount && !Number.isNaN(this.bootingRpoS[vm])) this.running(vm, this.bootingRpoS[vm]);
    });
  }

  /** VM `vm`, restored, runs now. */
  private running(vm: number, rpoS: number): void {
    const rtoS = (this.sim.nowUs() - this.lostAtUs[vm]) / 1e6;
    this.rpoS.push(rpoS);
    this.rtoS.push(rtoS);
    this.rpoSMax = Math.max(this.rpoSMax, rpoS);
    this.rtoSMax = Math.max(this.rtoSMax, rtoS);
    this.lostAtUs[vm] = -1;
    this.bootingRpoS[vm] = NaN;
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

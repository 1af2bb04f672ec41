/**
 * Scores snapshots and restarts from the model: each VM's crash and restart times as the
 * hypervisors' placement events give them (`onVmPlaced`: lost, then placed again), and how it
 * was restarted: from a snapshot file (the hypervisors' `onSnapshotRestored`, with the instant
 * of the state the file held, whoever asked for the restore) or afresh from its image
 * (`VmRecovery.restartedFrom`). The recovery agent's own counts are never read.
 *
 * - From a snapshot: RPO = crash time - the instant its snapshot was taken (as the file holds it).
 * - From its image (a fresh boot): RPO = crash time - its last start (time 0, or the end of its
 *   last boot from the image: at start with `bootAtStart`, or a fresh reboot), the whole virtual
 *   time since it last started: a fresh boot keeps nothing of what it did.
 *
 * RTO = the instant the VM runs again - crash time. With `cloud.images` a restarted VM runs only
 * once its image's boot set is read (`ImageBoots.onBooted`), so its RTO ends there, not at the
 * restore; a VM lost again before that keeps its first crash time (it never ran in between).
 * Snapshot counts and bytes are the hypervisors': snapshots shipped whose last byte arrived. A VM failed over
 * from its replica (`cloud.replication`) is neither restored nor rebooted: left out (the
 * replication probe scores it), its crash forgotten.
 */
import type { Simulator } from '../../kernel/simulator.js';
import type { MetricSeries } from '../../metrics/series.js';
import { mean } from '../../metrics/stats.js';
import type { SimHypervisors } from '../../runtime/sim/sim-hypervisor.js';
import type { ImageBoots } from '../image-boots.js';
import { RESTART_FROM_IMAGE, type VmRecovery } from '../vm-recovery.js';

/** RPO and RTO of one kind of restart. */
class Restarts {
  readonly rpoS: number[] = [];
  readonly rtoS: number[] = [];
  rpoSMax = 0;
  rtoSMax = 0;

  add(rpoS: number, rtoS: number): void {
    this.rpoS.push(rpoS);
    this.rtoS.push(rtoS);
    this.rpoSMax = Math.max(this.rpoSMax, rpoS);
    this.rtoSMax = Math.max(this.rtoSMax, rtoS);
  }

  record(series: MetricSeries, timeS: number, count: string, prefix: string): void {
    series.count(timeS, count, this.rtoS.length);
    if (this.rtoS.length === 0) return;
    series.record(timeS, `${prefix}rpo_s_mean`, mean(this.rpoS));
    series.record(timeS, `${prefix}rpo_s_max`, this.rpoSMax);
    series.record(timeS, `${prefix}rto_s_mean`, mean(this.rtoS));
    series.record(timeS, `${prefix}rto_s_max`, this.rtoSMax);
  }
}

export interface RecoveryProbeInput {
  readonly sim: Simulator;
  readonly hypervisors: SimHypervisors;
  /** The fresh boots from images (null without `cloud.images`). */
  readonly recovery: VmRecovery | null;
  readonly vmCount: number;
  /** Whether the run has `cloud.snapshots` (its metrics are written). */
  readonly snapshots: boolean;
  readonly boots: ImageBoots | null;
  /** A placement event that is a replica's failover, scored by the replication probe instead. */
  readonly isFailover?: (vm: number) => boolean;
}

export class RecoveryProbe {
  /** Per VM: the crash it has not run since, us (-1 while it runs). */
  private readonly lostAtUs: Float64Array;
  /** Per VM: its last start from its image, us. */
  private readonly startedUs: Float64Array;
  /** Per VM restarted and booting: the RPO of its restart, s (NaN otherwise). */
  private readonly bootingRpoS: Float64Array;
  /** Per VM: the state instant of the snapshot file it is being restored from, us (NaN otherwise). */
  private readonly restoredStateUs: Float64Array;
  /** Per VM restarted and booting: whether afresh from its image. */
  private readonly bootingFresh: Uint8Array;
  private readonly fromSnapshot = new Restarts();
  private readonly fromImage = new Restarts();

  constructor(private readonly input: RecoveryProbeInput) {
    const { sim, hypervisors, recovery, vmCount, snapshots, boots } = input;
    this.lostAtUs = new Float64Array(vmCount).fill(-1);
    this.startedUs = new Float64Array(vmCount);
    this.bootingRpoS = new Float64Array(vmCount).fill(NaN);
    this.restoredStateUs = new Float64Array(vmCount).fill(NaN);
    this.bootingFresh = new Uint8Array(vmCount);
    hypervisors.onSnapshotRestored((vm, _host, stateUs) => {
      if (vm < vmCount) this.restoredStateUs[vm] = stateUs;
    });
    hypervisors.onVmPlaced((vm, from, to) => {
      if (vm >= vmCount) return;
      if (to < 0) {
        if (this.lostAtUs[vm] < 0) this.lostAtUs[vm] = sim.nowUs();
        this.bootingRpoS[vm] = NaN;
      } else if (from < 0 && this.lostAtUs[vm] >= 0 && input.isFailover?.(vm) === true) {
        this.lostAtUs[vm] = -1;
      } else if (from < 0 && this.lostAtUs[vm] >= 0) {
        const fromFile = !Number.isNaN(this.restoredStateUs[vm]);
        const fresh = !fromFile && recovery?.restartedFrom[vm] === RESTART_FROM_IMAGE;
        const rpoS = (this.lostAtUs[vm] - (fromFile ? this.restoredStateUs[vm] : this.startedUs[vm])) / 1e6;
        this.restoredStateUs[vm] = NaN;
        this.bootingFresh[vm] = fresh ? 1 : 0;
        if (boots === null) this.running(vm, rpoS);
        else this.bootingRpoS[vm] = rpoS;
      }
      this.restoredStateUs[vm] = NaN;
    });
    boots?.onBooted((vm) => {
      if (vm >= vmCount) return;
      if (!Number.isNaN(this.bootingRpoS[vm])) this.running(vm, this.bootingRpoS[vm]);
      else this.startedUs[vm] = sim.nowUs(); // a boot at start
    });
  }

  /** VM `vm`, restarted, runs now. */
  private running(vm: number, rpoS: number): void {
    const nowUs = this.input.sim.nowUs();
    const fresh = this.bootingFresh[vm] === 1;
    (fresh ? this.fromImage : this.fromSnapshot).add(rpoS, (nowUs - this.lostAtUs[vm]) / 1e6);
    if (fresh) this.startedUs[vm] = nowUs;
    this.lostAtUs[vm] = -1;
    this.bootingRpoS[vm] = NaN;
  }

  record(series: MetricSeries, timeS: number): void {
    const { snapshots, boots, hypervisors } = this.input;
    if (snapshots) {
      series.count(timeS, 'cloud.snapshots_done', hypervisors.snapshotsShipped);
      series.record(timeS, 'cloud.snapshot_bytes', hypervisors.snapshotBytesShipped);
      this.fromSnapshot.record(series, timeS, 'cloud.vms_restored', 'cloud.');
    }
    if (boots !== null) this.fromImage.record(series, timeS, 'cloud.vms_rebooted', 'cloud.reboot_');
  }
}

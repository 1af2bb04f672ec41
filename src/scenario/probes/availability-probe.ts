/**
 * Availability of the cloud's VMs, from the hypervisors' placement events alone (ground truth,
 * whichever service brings a VM back): a VM is down from the event that loses it (`onVmPlaced`
 * with `to < 0`) until it runs again, which is its next placement (a restore, a failover, a
 * restart of the VM index) or, for a VM the image store boots (`cloud.images`, every restore but
 * a failover from a replica), the end of that boot (`ImageBoots.onBooted`). A VM lost again
 * before it ran keeps its first loss time. Runs with no recovery at all count their lost VMs
 * down to the end.
 *
 * VM-time counts each VM from its creation (time 0 for the scenario's VMs) to the sample;
 * `cloud.availability` = 1 - VM-time lost / VM-time. Both sums are kept in O(1) per event.
 */
import type { MetricSeries } from '../../metrics/series.js';

export interface AvailabilityInput {
  readonly nowUs: () => number;
  readonly onVmPlaced: (listener: (vm: number, from: number, to: number) => void) => void;
  /** VMs in the model when the probe starts (all created at time 0). */
  readonly vmCount: number;
  /** With `cloud.images`: the boot service's end-of-boot event, and which VMs it boots. */
  readonly boots: { readonly onBooted: (listener: (vm: number) => void) => void; readonly vmCount: number } | null;
  /** Whether the placement event being told is the VM's failover from its replica (it runs at once). */
  readonly isFailingOver: (vm: number) => boolean;
}

export class AvailabilityProbe {
  /** Per VM: when it went down, us (-1 while it is up or waiting for nothing). */
  private lostAtUs: Float64Array;
  /** VMs created so far (ids are dense and given in order). */
  private created: number;
  private createdAtSumUs = 0;
  private downCount = 0;
  private downSinceSumUs = 0;
  /** VM-time lost by the losses that ended, us. */
  private closedUs = 0;

  constructor(private readonly input: AvailabilityInput) {
    this.created = input.vmCount;
    this.lostAtUs = new Float64Array(Math.max(16, input.vmCount)).fill(-1);
    input.onVmPlaced((vm, from, to) => {
      if (vm >= this.created) {
        this.create(vm);
        return;
      }
      if (to < 0) this.down(vm);
      else if (from < 0 && this.lostAtUs[vm] >= 0) {
        const boots = input.boots;
        if (boots === null || vm >= boots.vmCount || input.isFailingOver(vm)) this.up(vm);
        // else: it boots from its image where it landed, and runs once its boot set is read.
      }
    });
    input.boots?.onBooted((vm) => {
      if (vm < this.created && this.lostAtUs[vm] >= 0) this.up(vm);
    });
  }

  /** VM-time lost so far, s. */
  lostS(): number {
    return (this.closedUs + this.downCount * this.input.nowUs() - this.downSinceSumUs) / 1e6;
  }

  /** VM-time so far (every VM from its creation), s. */
  totalS(): number {
    return (this.created * this.input.nowUs() - this.createdAtSumUs) / 1e6;
  }

  record(series: MetricSeries, timeS: number): void {
    const lostS = this.lostS();
    const totalS = this.totalS();
    series.record(timeS, 'cloud.vm_time_lost_s', lostS);
    if (totalS <= 0) return;
    series.record(timeS, 'cloud.unavailability', lostS / totalS);
    series.record(timeS, 'cloud.availability', 1 - lostS / totalS);
  }

  private create(vm: number): void {
    if (vm !== this.created) throw new Error(`AvailabilityProbe: VM ${vm} created after ${this.created - 1}, expected ids in order`);
    if (vm >= this.lostAtUs.length) {
      const grown = new Float64Array(2 * this.lostAtUs.length).fill(-1);
      grown.set(this.lostAtUs);
      this.lostAtUs = grown;
    }
    this.created++;
    this.createdAtSumUs += this.input.nowUs();
  }

  private down(vm: number): void {
    if (this.lostAtUs[vm] >= 0) return; // lost again before it ran: its first loss counts
    const nowUs = this.input.nowUs();
    this.lostAtUs[vm] = nowUs;
    this.downCount++;
    this.downSinceSumUs += nowUs;
  }

  private up(vm: number): void {
    const since = this.lostAtUs[vm];
    this.closedUs += this.input.nowUs() - since;
    this.downCount--;
    this.downSinceSumUs -= since;
    this.lostAtUs[vm] = -1;
  }
}

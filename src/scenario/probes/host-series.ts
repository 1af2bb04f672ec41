/**
 * Per-host and per-VM time series of a cloud run (`metrics.perHost`, `metrics.perVm`), read
 * from the cloud model at every metric sample: for a fixed, evenly spaced sample of at most
 * `hostsMax` hosts (hosts floor(i x H / hostsMax)) their CPU demand, cores, VMs and power; for
 * at most `vmsMax` VMs likewise, their host, state, load, CPU demand and whether they migrate.
 * Written to hosts.csv and vms.csv beside metrics.csv (nothing is added to metrics.csv).
 */
import { VM_STATE_NAMES, type Cloud } from '../../platform/cloud.js';
import { hostPowerW, type PowerModel } from '../../platform/power.js';

export const HOST_COLUMNS = ['time_s', 'host', 'up', 'vms', 'cpu_demand_cores', 'cpu_cores', 'power_w'] as const;
export const VM_COLUMNS = ['time_s', 'vm', 'host', 'state', 'load_percent', 'cpu_demand_cores', 'migrating'] as const;

export type Cell = string | number;

/** `count` indices evenly spread over 0..total-1 (all of them when total <= count). */
export function evenSample(total: number, count: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * total) / count));
}

export interface HostSeriesInput {
  readonly cloud: Cloud;
  readonly power: PowerModel;
  readonly hostName: (host: number) => string;
  readonly isMigrating: (vm: number) => boolean;
  /** Hosts and VMs sampled at most; null = that table is not kept. */
  readonly hostsMax: number | null;
  readonly vmsMax: number | null;
}

export class HostSeries {
  readonly hostRows: Cell[][] = [];
  readonly vmRows: Cell[][] = [];
  private readonly hosts: readonly number[];
  private readonly vms: readonly number[];

  constructor(private readonly input: HostSeriesInput) {
    this.hosts = input.hostsMax === null ? [] : evenSample(input.cloud.hostCount, input.hostsMax);
    this.vms = input.vmsMax === null ? [] : evenSample(input.cloud.vmCount, input.vmsMax);
  }

  record(timeS: number): void {
    const { cloud, power, hostName, isMigrating } = this.input;
    for (const h of this.hosts) {
      const cores = cloud.hostCores[h];
      const demand = cloud.hostDemandMilli[h] / 1000;
      const up = cloud.hostUp[h] === 1;
      this.hostRows.push([timeS, hostName(h), up ? 1 : 0, cloud.hostVmCount[h], demand, cores, up ? hostPowerW(power, demand / cores) : 0]);
    }
    for (const vm of this.vms) {
      const host = cloud.vmHost[vm];
      const lost = cloud.vmLost[vm] === 1 || host < 0;
      this.vmRows.push([timeS, vm, lost ? '' : hostName(host), lost ? 'lost' : VM_STATE_NAMES[cloud.vmState[vm]], cloud.vmLoadPercent[vm], lost ? 0 : cloud.vmDemandCores(vm), isMigrating(vm) ? 1 : 0]);
    }
  }
}

/**
 * From `cloud.snapshots` to the running services: the snapshot store over the cloud section's
 * VMs (`vm-snapshots.ts`) and the recovery of lost VMs from it (`snapshot-recovery.ts`), both
 * over the cloud's hypervisors, transfers capped at the local disk's rate.
 */
import type { Simulator } from '../kernel/simulator.js';
import { sToUs } from '../kernel/time.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { CloudSection } from './cloud.js';
import type { CloudSetup } from './cloud-setup.js';
import { SnapshotRecovery } from './snapshot-recovery.js';
import { VmSnapshots } from './vm-snapshots.js';
import type { VmReplication } from './vm-replication.js';

export function setUpSnapshots(section: CloudSection, setup: CloudSetup, sim: Simulator, network: BackboneNetwork, replication: VmReplication | null = null): VmSnapshots | null {
  const config = section.snapshots;
  if (config === undefined) return null;
  const popLatencyUs = (pa: number, pb: number): number => network.popLatencyUs(pa, pb);
  const snapshots = new VmSnapshots(
    {
      sim,
      cloud: setup.cloud,
      hypervisors: setup.hypervisors,
      network: { hostPop: network.hostPop, popCount: network.backbone.pops.length, hostsOf: (pop) => network.hostsOf(pop), popLatencyUs },
    },
    { periodUs: sToUs(config.periodS), memoryMiB: config.memoryMiB ?? null, diskDeltaMiB: config.diskDeltaMiB, capBps: section.diskBandwidthBps },
  );
  new SnapshotRecovery(
    { sim, cloud: setup.cloud, hypervisors: setup.hypervisors, snapshots, constraints: setup.constraints, hostPop: network.hostPop, hostCountry: setup.hostCountry, popLatencyUs, failsOver: (vm) => replication?.willFailOver(vm) ?? false },
    { detectionUs: sToUs(config.detectionS), retryUs: sToUs(config.periodS), capBps: section.diskBandwidthBps },
  );
  return snapshots;
}

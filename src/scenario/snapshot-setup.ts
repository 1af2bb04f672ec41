/**
 * From `cloud.snapshots` to the snapshot store over the cloud section's VMs (`vm-snapshots.ts`),
 * over the cloud's hypervisors, transfers capped at the local disk's rate. The recovery of lost
 * VMs from it is `recovery-setup.ts`'s.
 */
import type { Simulator } from '../kernel/simulator.js';
import { sToUs } from '../kernel/time.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { CloudSection } from './cloud.js';
import type { CloudSetup } from './cloud-setup.js';
import { VmSnapshots } from './vm-snapshots.js';

export function setUpSnapshots(section: CloudSection, setup: CloudSetup, sim: Simulator, network: BackboneNetwork): VmSnapshots | null {
  const config = section.snapshots;
  if (config === undefined) return null;
  const popLatencyUs = (pa: number, pb: number): number => network.popLatencyUs(pa, pb);
  return new VmSnapshots(
    {
      sim,
      cloud: setup.cloud,
      hypervisors: setup.hypervisors,
      network: { hostPop: network.hostPop, popCount: network.backbone.pops.length, hostsOf: (pop) => network.hostsOf(pop), popLatencyUs },
    },
    { periodUs: sToUs(config.periodS), memoryMiB: config.memoryMiB ?? null, diskDeltaMiB: config.diskDeltaMiB, capBps: section.diskBandwidthBps },
  );
}

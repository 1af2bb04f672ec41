/**
 * The recovery service of lost VMs (`vm-recovery.ts`) when there is something to restart them
 * from: snapshots (`cloud.snapshots`), images (`cloud.images`: a fresh boot), or both. Crashes
 * are detected after `cloud.snapshots.detectionS`, or `cloud.images.detectionS` without
 * snapshots; restarts are tried again every snapshot period, or every `cloud.images.retryS`
 * without snapshots. `failsOver`: the VMs the replication's watcher will fail over, left to it.
 */
import type { Simulator } from '../kernel/simulator.js';
import { sToUs } from '../kernel/time.js';
import type { BackboneNetwork } from '../platform/network.js';
import { RECOVERY_DETECTION_S_DEFAULT, type CloudSection } from './cloud.js';
import type { CloudSetup } from './cloud-setup.js';
import type { ImageStore } from './image-store.js';
import { VmRecovery } from './vm-recovery.js';
import type { VmSnapshots } from './vm-snapshots.js';

export function setUpRecovery(section: CloudSection, setup: CloudSetup, sim: Simulator, network: BackboneNetwork, snapshots: VmSnapshots | null, images: ImageStore | null, failsOver: (vm: number) => boolean = () => false): VmRecovery | null {
  if (snapshots === null && images === null) return null;
  const detectionS = section.snapshots?.detectionS ?? section.images?.detectionS ?? RECOVERY_DETECTION_S_DEFAULT;
  const retryS = section.snapshots?.periodS ?? section.images?.retryS ?? 0;
  return new VmRecovery(
    {
      sim,
      cloud: setup.cloud,
      hypervisors: setup.hypervisors,
      vmCount: setup.cloud.vmCount,
      snapshots,
      images,
      constraints: setup.constraints,
      hostPop: network.hostPop,
      hostCountry: setup.hostCountry,
      popLatencyUs: (pa, pb) => network.popLatencyUs(pa, pb),
      failsOver,
    },
    { detectionUs: sToUs(detectionS), retryUs: sToUs(retryS), capBps: section.diskBandwidthBps },
  );
}

/**
 * The model-level fresh boots of lost VMs from their images (`vm-recovery.ts`), with
 * `cloud.images`: VMs without a snapshot file on a live store (with `cloud.snapshots`, the
 * recovery agent restarts the others). They act `cloud.snapshots.detectionS` after a crash, or
 * `cloud.images.detectionS` without snapshots; a boot that found no host or no readable image is
 * tried again every snapshot period, or every `cloud.images.retryS` without snapshots.
 * `failsOver`: the VMs the replication's watcher will fail over, left to it.
 */
import type { Simulator } from '../kernel/simulator.js';
import { sToUs } from '../kernel/time.js';
import type { BackboneNetwork } from '../platform/network.js';
import { RECOVERY_DETECTION_S_DEFAULT, type CloudSection } from './cloud.js';
import type { CloudSetup } from './cloud-setup.js';
import type { ImageStore } from './image-store.js';
import { VmRecovery } from './vm-recovery.js';

export function setUpRecovery(section: CloudSection, setup: CloudSetup, sim: Simulator, network: BackboneNetwork, images: ImageStore | null, failsOver: (vm: number) => boolean = () => false): VmRecovery | null {
  if (images === null) return null;
  const detectionS = section.snapshots?.detectionS ?? section.images?.detectionS ?? RECOVERY_DETECTION_S_DEFAULT;
  const retryS = section.snapshots?.periodS ?? section.images?.retryS ?? 0;
  const { hypervisors } = setup;
  return new VmRecovery(
    {
      sim,
      cloud: setup.cloud,
      hypervisors,
      vmCount: setup.cloud.vmCount,
      hasSnapshot: section.snapshots === undefined ? () => false : (vm) => hypervisors.hasSnapshotFile(vm),
      images,
      constraints: setup.constraints,
      hostPop: network.hostPop,
      hostCountry: setup.hostCountry,
      popLatencyUs: (pa, pb) => network.popLatencyUs(pa, pb),
      failsOver,
    },
    { detectionUs: sToUs(detectionS), retryUs: sToUs(retryS) },
  );
}

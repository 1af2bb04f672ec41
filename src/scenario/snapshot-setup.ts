/**
 * From `cloud.snapshots` to what the recovery agent (`protocols/recovery/`, on every host) needs
 * of the simulated world: the hypervisors' snapshot model (a snapshot is the VM's memory image,
 * or `memoryMiB`, plus `diskDeltaMiB`, its transfers capped at the local disk's rate) and the
 * deployment's static facts (hosts' PoPs and countries, and the PoP latencies as laid out before
 * any fault: an agent is given the map, not the state of the links).
 */
import type { BackboneNetwork } from '../platform/network.js';
import type { PlaceFacts } from '../protocols/recovery/index.js';
import type { CloudSection } from './cloud.js';
import type { CloudSetup } from './cloud-setup.js';

const MIB = 1024 * 1024;

export interface SnapshotSetup {
  readonly facts: PlaceFacts;
  /** Each of the cloud section's VMs' home host (where the section placed it): they are snapshotted. */
  readonly vmHome: Int32Array;
}

export function setUpSnapshots(section: CloudSection, setup: CloudSetup, network: BackboneNetwork): SnapshotSetup | null {
  const config = section.snapshots;
  if (config === undefined) return null;
  const { cloud, hypervisors, hostCountry } = setup;
  hypervisors.configureSnapshots({ bytesOf: (vm) => ((config.memoryMiB ?? cloud.vmMemoryMiB[vm]) + config.diskDeltaMiB) * MIB, capBps: section.diskBandwidthBps });
  const popCount = network.backbone.pops.length;
  const latencyUs = new Float64Array(popCount * popCount);
  for (let a = 0; a < popCount; a++) for (let b = 0; b < popCount; b++) latencyUs[a * popCount + b] = a === b ? 0 : network.popLatencyUs(a, b);
  const facts: PlaceFacts = {
    hostCount: cloud.hostCount,
    hostPop: Int32Array.from(network.hostPop),
    hostCountry,
    popCount,
    popLatencyUs: (pa, pb) => latencyUs[pa * popCount + pb],
  };
  return { facts, vmHome: cloud.vmHost.slice(0, cloud.vmCount) };
}

/**
 * The cloud model of a scenario whose VM index has no `cloud` section to live in: hosts of the
 * cloud section's defaults (8 cores, 32 GiB) and room for the index's VMs, their hypervisors over
 * the backbone when there is one. On an RTT matrix (no links to cross) the hypervisors can create,
 * relocate, restore and lose VMs but have no path for a live migration ('no-path'), which the
 * index never asks for.
 */
import type { Simulator } from '../kernel/simulator.js';
import { Cloud } from '../platform/cloud.js';
import type { BackboneNetwork, NetworkModel } from '../platform/network.js';
import type { Counters } from '../runtime/counters.js';
import { SimHypervisors } from '../runtime/sim/sim-hypervisor.js';
import { cloudSchema } from './cloud.js';
import { setUpCloud } from './cloud-setup.js';

export interface VmIndexCloud {
  readonly cloud: Cloud;
  readonly hypervisors: SimHypervisors;
}

export interface VmIndexCloudInput {
  readonly sim: Simulator;
  readonly counters: Counters;
  readonly network: NetworkModel;
  readonly backbone: BackboneNetwork | null;
  readonly vmCount: number;
  readonly seed: number;
  readonly durationS: number;
  readonly scenarioFile: string;
}

export function vmIndexCloud(input: VmIndexCloudInput): VmIndexCloud {
  const section = cloudSchema.parse({ vm: { perHost: 0 } });
  const { sim, counters, backbone } = input;
  if (backbone !== null) {
    const setup = setUpCloud({ section, scenarioFile: input.scenarioFile, seed: input.seed, durationS: input.durationS, sim, counters, network: backbone, extraVms: input.vmCount });
    return { cloud: setup.cloud, hypervisors: setup.hypervisors };
  }
  const n = input.network.hostCount;
  const cloud = new Cloud({ cores: new Array<number>(n).fill(section.host.cores), memoryMiB: new Array<number>(n).fill(section.host.memoryMiB) }, input.vmCount);
  const { migration } = section;
  const hypervisors = new SimHypervisors({
    sim,
    cloud,
    network: { isHostUp: (h) => input.network.isHostUp(h), hostPop: new Int32Array(n), pathLinks: () => null },
    counters,
    linkCapacityBps: [],
    nicBandwidthBps: 1e9,
    hostCountry: new Array<string>(n).fill(''),
    migration: { bandwidthBps: migration.bandwidthBps, stopCopyMiB: 1, roundsMax: migration.roundsMax, sentFactorMax: Infinity, outgoingPerHostMax: migration.outgoingPerHostMax },
    diskBandwidthBps: section.diskBandwidthBps,
    transfersMax: migration.transfersMax,
  });
  return { cloud, hypervisors };
}

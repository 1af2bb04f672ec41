/**
 * The cloud model's invariants for `luc torture`, cheap enough to run after every event:
 * - after every event that changed hosts: the model's check of each host changed (its list, its
 *   sums; O(its VMs)), and the VE constraints if the placement changed (a VM placed, moved,
 *   lost or restored; a load change, the most frequent host change, moves nothing);
 * - at every scan: the model's check of the whole model (what no single host shows: a VM on no
 *   list, the count of lost VMs), and the VE constraints (a migration that ends in failure
 *   changes no host but ends a VE's exemption).
 * Events that touch no host (most of them: messages, timers) cost one flag test.
 */
import type { Cloud } from '../platform/cloud.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { CloudSetup } from '../scenario/cloud-setup.js';
import { veViolations } from '../scenario/probes/ve-check.js';
import type { Check } from './invariant.js';

/**
 * The model's own check: of the whole model (`Cloud.checkInvariants`: every VM on exactly one
 * host or accounted as lost by a crash, no VM on a down host, each host's sums equal to its
 * VMs', O(hosts + VMs)) and of one host (`Cloud.checkHostInvariants`, O(its VMs)).
 */
export interface CloudModelCheck {
  readonly whole: (cloud: Cloud) => readonly string[];
  readonly host: (cloud: Cloud, host: number) => readonly string[];
}
export const CLOUD_MODEL_CHECK: CloudModelCheck = { whole: (cloud) => cloud.checkInvariants(), host: (cloud, host) => cloud.checkHostInvariants(host) };

export interface CloudChecks {
  /** After every event: the hosts it changed, then the VE constraints if it moved a VM. */
  readonly perEvent: readonly Check[];
  /** At every scan: the whole model, then the VE constraints. */
  readonly perScan: readonly Check[];
}

export function cloudChecks(setup: CloudSetup, backbone: BackboneNetwork, modelCheck: CloudModelCheck = CLOUD_MODEL_CHECK): CloudChecks {
  const { cloud } = setup;
  /** Hosts changed since the last per-event check, each once (`dirtyMark`). */
  const dirty: number[] = [];
  const dirtyMark = new Uint8Array(cloud.hostCount);
  cloud.onHostChanged((host) => {
    if (dirtyMark[host] === 1) return;
    dirtyMark[host] = 1;
    dirty.push(host);
  });
  let placementsChecked = -1;
  const veInput = { cloud, constraints: setup.constraints, hostPop: backbone.hostPop, hostCountry: setup.hostCountry, isMigrating: (vm: number) => setup.hypervisors.isMigrating(vm) };
  const veBroken = (): string | null => {
    placementsChecked = cloud.placementChanges;
    const broken = veViolations(veInput);
    return broken.length === 0 ? null : broken.slice(0, 3).join('; ');
  };
  const hosts: Check = {
    name: 'cloud.model',
    check: () => {
      if (dirty.length === 0) return undefined;
      const problems: string[] = [];
      for (const host of dirty) {
        dirtyMark[host] = 0;
        if (problems.length < 3) problems.push(...modelCheck.host(cloud, host));
      }
      dirty.length = 0;
      return problems.length === 0 ? null : problems.slice(0, 3).join('; ');
    },
  };
  const whole: Check = {
    name: 'cloud.model',
    check: () => {
      const problems = modelCheck.whole(cloud);
      return problems.length === 0 ? null : problems.slice(0, 3).join('; ');
    },
  };
  const vePerEvent: Check = { name: 'cloud.ve', check: () => (cloud.placementChanges === placementsChecked ? undefined : veBroken()) };
  const vePerScan: Check = { name: 'cloud.ve', check: veBroken };
  const hasVes = setup.constraints.length > 0;
  return { perEvent: hasVes ? [hosts, vePerEvent] : [hosts], perScan: hasVes ? [whole, vePerScan] : [whole] };
}

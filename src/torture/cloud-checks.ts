/**
 * The cloud model's invariants for `luc torture`: the model's own consistency (placement lists,
 * reservations, states) after every event that changed a host, and every VE constraint (VEs with
 * a VM migrating excepted) after every such event and at every scan. Events that touch no host
 * (most of them: messages, timers) cannot break either, so the per-event cost is one flag test.
 */
import type { Cloud } from '../platform/cloud.js';
import type { BackboneNetwork } from '../platform/network.js';
import type { CloudSetup } from '../scenario/cloud-setup.js';
import { veViolations } from '../scenario/probes/ve-check.js';
import type { Check } from './invariant.js';

/**
 * The model's own check (`Cloud.checkInvariants`: every VM on exactly one host or accounted as
 * lost by a crash, no VM on a down host, each host's sums equal to its VMs'), O(hosts + VMs).
 */
export type CloudModelCheck = (cloud: Cloud) => readonly string[];
export const CLOUD_MODEL_CHECK: CloudModelCheck = (cloud) => cloud.checkInvariants();

export interface CloudChecks {
  /** After every event that changed a host: the model's consistency, then the VE constraints. */
  readonly perEvent: readonly Check[];
  /** At every scan: the VE constraints (a migration that ends in failure changes no host). */
  readonly perScan: Check;
}

export function cloudChecks(setup: CloudSetup, backbone: BackboneNetwork, modelCheck: CloudModelCheck = CLOUD_MODEL_CHECK): CloudChecks {
  const { cloud } = setup;
  let modelDirty = true;
  let veDirty = true;
  cloud.onHostChanged(() => {
    modelDirty = true;
    veDirty = true;
  });
  const veInput = { cloud, constraints: setup.constraints, hostPop: backbone.hostPop, hostCountry: setup.hostCountry, isMigrating: (vm: number) => setup.hypervisors.isMigrating(vm) };
  const veBroken = (): string | null => {
    const broken = veViolations(veInput);
    return broken.length === 0 ? null : broken.slice(0, 3).join('; ');
  };
  const model: Check = {
    name: 'cloud.model',
    check: () => {
      if (!modelDirty) return undefined;
      modelDirty = false;
      const problems = modelCheck(cloud);
      return problems.length === 0 ? null : problems.slice(0, 3).join('; ');
    },
  };
  const ve: Check = {
    name: 'cloud.ve',
    check: () => {
      if (!veDirty) return undefined;
      veDirty = false;
      return veBroken();
    },
  };
  return { perEvent: setup.constraints.length > 0 ? [model, ve] : [model], perScan: { name: 'cloud.ve', check: veBroken } };
}

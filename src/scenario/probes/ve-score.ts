/**
 * Whether a VE operation's answer is right against the cloud model at the moment it arrives at
 * the issuing node, whatever the issuer was told:
 *   - configure: the owner answered with the VE's true members;
 *   - find: it answered with the VE's true members, and each member's host is where the VM is
 *     (-1 for a VM lost with its host; an unknown host of a VM that runs somewhere is wrong);
 *   - start, resume: every member running; suspend: every member suspended; stop: every member
 *     stopped (a member lost with its host shows no change: wrong);
 *   - relocate: the VM is on the target.
 * A VM migrating is on its source until the stop-and-copy ends, as the model says.
 */
import { type Cloud, VM_RUNNING, VM_STOPPED, VM_SUSPENDED } from '../../platform/cloud.js';
import type { VeResult } from '../../protocols/ve/ve-protocol.js';

const STATE_ASKED: Readonly<Record<string, number>> = { start: VM_RUNNING, resume: VM_RUNNING, suspend: VM_SUSPENDED, stop: VM_STOPPED };

/** The members of every VE (by increasing VM id), from the model's VM -> VE map. */
export function veMembers(cloud: Cloud): Map<number, number[]> {
  const members = new Map<number, number[]>();
  for (let vm = 0; vm < cloud.vmCount; vm++) {
    const ve = cloud.vmVe[vm];
    if (ve < 0) continue;
    const list = members.get(ve);
    if (list === undefined) members.set(ve, [vm]);
    else list.push(vm);
  }
  return members;
}

export function veAnswerRight(cloud: Cloud, members: readonly number[], result: VeResult): boolean {
  switch (result.op) {
    case 'configure':
      return result.ok && sameList(result.members, members);
    case 'find':
      return result.ok && sameList(result.members, members) && result.members.every((vm, k) => result.hosts[k] === cloud.vmHost[vm]);
    case 'relocate':
      return result.vm >= 0 && result.vm < cloud.vmCount && cloud.vmHost[result.vm] === result.target;
    default: {
      const state = STATE_ASKED[result.op];
      return members.length > 0 && members.every((vm) => cloud.vmLost[vm] === 0 && cloud.vmState[vm] === state);
    }
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

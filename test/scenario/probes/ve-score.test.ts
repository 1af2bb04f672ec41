import { describe, expect, it } from 'vitest';
import { Cloud, VM_SUSPENDED } from '../../../src/platform/cloud.js';
import type { VeResult } from '../../../src/protocols/ve/ve-protocol.js';
import { veAnswerRight, veMembers } from '../../../src/scenario/probes/ve-score.js';

/** VE 0 = VMs 0 (host 0) and 1 (host 1); VM 2 has no VE (host 2). */
function cloud(): Cloud {
  const c = new Cloud({ cores: [8, 8, 8], memoryMiB: [8192, 8192, 8192] }, 3);
  c.addVm({ vcpus: 1, memoryMiB: 1024, dirtyShare: 0, ve: 0 }, 0);
  c.addVm({ vcpus: 1, memoryMiB: 1024, dirtyShare: 0, ve: 0 }, 1);
  c.addVm({ vcpus: 1, memoryMiB: 1024, dirtyShare: 0, ve: -1 }, 2);
  return c;
}

const answer = (fields: Partial<VeResult>): VeResult => ({
  opId: 1, op: 'find', ve: 0, vm: -1, target: -1, ok: true, reason: '', owner: 2, state: 'running', version: 1,
  members: [0, 1], hosts: [0, 1], acted: 2, failed: 0, startMs: 0, endMs: 10, ...fields,
});

describe('VE answers scored against the cloud model', () => {
  it('takes the members of each VE from the model', () => {
    expect([...veMembers(cloud())]).toEqual([[0, [0, 1]]]);
  });

  it('a find is right only with the true members, each on the host the model has it on', () => {
    const c = cloud();
    expect(veAnswerRight(c, [0, 1], answer({}))).toBe(true);
    expect(veAnswerRight(c, [0, 1], answer({ hosts: [0, 2] }))).toBe(false); // stale host
    expect(veAnswerRight(c, [0, 1], answer({ hosts: [0, -1] }))).toBe(false); // unknown, though it runs
    expect(veAnswerRight(c, [0, 1], answer({ members: [0], hosts: [0] }))).toBe(false);
    expect(veAnswerRight(c, [0, 1], answer({ ok: false, reason: 'unknown-ve', members: [], hosts: [] }))).toBe(false);
    c.setHostUp(1, false); // VM 1 lost with its host
    expect(veAnswerRight(c, [0, 1], answer({}))).toBe(false); // believed right, the VM is gone
    expect(veAnswerRight(c, [0, 1], answer({ hosts: [0, -1] }))).toBe(true);
  });

  it('a suspend is right only if the model shows every member suspended, whatever the issuer was told', () => {
    const c = cloud();
    c.setState(0, VM_SUSPENDED);
    expect(veAnswerRight(c, [0, 1], answer({ op: 'suspend' }))).toBe(false); // half done, reported ok
    c.setState(1, VM_SUSPENDED);
    expect(veAnswerRight(c, [0, 1], answer({ op: 'suspend', ok: false, reason: 'timeout' }))).toBe(true); // done, reported failed
    expect(veAnswerRight(c, [0, 1], answer({ op: 'resume' }))).toBe(false);
    c.setHostUp(1, false);
    expect(veAnswerRight(c, [0, 1], answer({ op: 'suspend' }))).toBe(false); // a lost member shows no change
  });

  it('a relocation is right only if the VM is on its target', () => {
    const c = cloud();
    expect(veAnswerRight(c, [0, 1], answer({ op: 'relocate', vm: 0, target: 2 }))).toBe(false);
    c.moveVm(0, 2);
    expect(veAnswerRight(c, [0, 1], answer({ op: 'relocate', vm: 0, target: 2, ok: false, reason: 'timeout' }))).toBe(true);
  });
});

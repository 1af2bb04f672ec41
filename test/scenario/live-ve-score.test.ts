/**
 * VE operations of a live launch judged against what the hypervisors show at the first tick at
 * or after each answer, with known answers: a find's hosts, a command's states, a relocation's
 * target, a configure's members, the migrations that moved a VM after the answer, and what the
 * issuers reported beside it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudSample, NodeSample, VeOpSample } from '../../src/scenario/live-samples.js';
import { scoreLive } from '../../src/scenario/live-score.js';
import { judgingTick, veOpRight, whereaboutsOf } from '../../src/scenario/live-ve-score.js';
import { loadScenario } from '../../src/scenario/load.js';
import { ROOT } from '../support/dist-build.js';

const scenario = loadScenario(join(ROOT, 'test/runtime/live/fixtures/live-ve.yaml'));
const rttMs = (a: number, b: number): number => (a === b ? 0 : 10);

type Vm = [vm: number, state: string];

function host(vms: Vm[], migrations: CloudSample['migrations'] = []): CloudSample {
  return { cores: 4, vms: vms.map(([vm, state]) => ({ vm, state, cpuDemand: 0, migrating: false })), migrations, overloads: [] };
}

function op(fields: Partial<VeOpSample> & Pick<VeOpSample, 'op' | 'endMs'>): VeOpSample {
  return { ve: 0, ok: true, reason: '', startMs: fields.endMs - 50, members: [0, 1], hosts: [0, 1], vm: -1, target: -1, ...fields };
}

function sample(id: number, tickS: number, cloud: CloudSample, ops: VeOpSample[] = []): NodeSample {
  return { id, tickS, counters: {}, cloud, ve: { ops, dropped: 0 } };
}

/** VE 0 = VMs 0 and 1; agent 0 hosts VM 0, agent 1 VM 1, agent 2 VM 2 (in no VE), all running. */
const before = (tickS: number, ops: VeOpSample[] = []): NodeSample[] => [
  sample(0, tickS, host([[0, 'running']]), ops),
  sample(1, tickS, host([[1, 'running']])),
  sample(2, tickS, host([[2, 'running']])),
];

function finals(samples: NodeSample[], veMembers: number[][] = [[0, 1]]): Record<string, number> {
  return scoreLive({ scenario, agents: 3, rttMs, samples, vmCount: 3, veMembers }).finalValues();
}

describe('judging a live VE operation', () => {
  it('judges at the first tick at or after the answer (resolution: one metrics interval)', () => {
    expect(judgingTick([1, 2, 3], 1000)).toBe(1);
    expect(judgingTick([1, 2, 3], 1000.5)).toBe(2);
    expect(judgingTick([1, 2, 3], 0)).toBe(1);
    expect(judgingTick([1, 2, 3], 3001)).toBeUndefined();
  });

  it('a find is right when each member is where the hypervisors list it, and only with the VE members', () => {
    const where = whereaboutsOf(before(1));
    expect(veOpRight(op({ op: 'find', endMs: 900 }), where, [0, 1])).toBe(true);
    expect(veOpRight(op({ op: 'find', endMs: 900, hosts: [0, 0] }), where, [0, 1])).toBe(false);
    expect(veOpRight(op({ op: 'find', endMs: 900, hosts: [0, -1] }), where, [0, 1])).toBe(false);
    expect(veOpRight(op({ op: 'find', endMs: 900, members: [0], hosts: [0] }), where, [0, 1])).toBe(false);
    expect(veOpRight(op({ op: 'find', endMs: 900, ok: false, members: [], hosts: [] }), where, [0, 1])).toBe(false);
  });

  it('a VM migrated away after the answer counts at its source, one migrated before it does not', () => {
    // At tick 2, VM 1 is on agent 2; agent 1's migration of it ended at 1600 ms.
    const tick = [sample(0, 2, host([[0, 'running']])), sample(1, 2, host([], [{ vm: 1, ok: true, reason: '', ms: 80, emulated: true, endMs: 1600 }])), sample(2, 2, host([[1, 'running'], [2, 'running']]))];
    const where = whereaboutsOf(tick);
    expect(veOpRight(op({ op: 'find', endMs: 1500 }), where, [0, 1])).toBe(true);
    expect(veOpRight(op({ op: 'find', endMs: 1700 }), where, [0, 1])).toBe(false);
    expect(veOpRight(op({ op: 'find', endMs: 1700, hosts: [0, 2] }), where, [0, 1])).toBe(true);
    // A relocation of VM 1 to agent 2 is right; to agent 0 it is not.
    expect(veOpRight(op({ op: 'relocate', endMs: 1650, vm: 1, target: 2 }), where, [0, 1])).toBe(true);
    expect(veOpRight(op({ op: 'relocate', endMs: 1650, vm: 1, target: 0, ok: false }), where, [0, 1])).toBe(false);
  });

  it('a command is right when every member shows the state it asks for, whatever the issuer was told', () => {
    const suspended = whereaboutsOf([sample(0, 1, host([[0, 'suspended']])), sample(1, 1, host([[1, 'suspended']]))]);
    const half = whereaboutsOf([sample(0, 1, host([[0, 'suspended']])), sample(1, 1, host([[1, 'running']]))]);
    expect(veOpRight(op({ op: 'suspend', endMs: 900 }), suspended, [0, 1])).toBe(true);
    expect(veOpRight(op({ op: 'suspend', endMs: 900, ok: false, reason: 'timeout' }), suspended, [0, 1])).toBe(true);
    expect(veOpRight(op({ op: 'suspend', endMs: 900 }), half, [0, 1])).toBe(false);
    expect(veOpRight(op({ op: 'resume', endMs: 900 }), suspended, [0, 1])).toBe(false);
    // A member no hypervisor lists (lost, or its agent did not sample) is not in any state.
    expect(veOpRight(op({ op: 'stop', endMs: 900 }), whereaboutsOf([sample(0, 1, host([[0, 'stopped']]))]), [0, 1])).toBe(false);
  });

  it('a configure is right when the owner answered with the VE members', () => {
    const where = whereaboutsOf(before(1));
    expect(veOpRight(op({ op: 'configure', endMs: 900 }), where, [0, 1])).toBe(true);
    expect(veOpRight(op({ op: 'configure', endMs: 900, members: [0, 2] }), where, [0, 1])).toBe(false);
    expect(veOpRight(op({ op: 'configure', endMs: 900, ok: false, reason: 'full' }), where, [0, 1])).toBe(false);
  });
});

describe('scoreLive: VE operations', () => {
  it('records per kind, cumulatively at each tick, the share right against the hypervisors and the share reported ok', () => {
    const samples = [
      ...before(1, [op({ op: 'find', endMs: 500 }), op({ op: 'find', endMs: 700, hosts: [1, 0] })]),
      // Agent 0 suspended VE 0 at 1.2 s but was told it timed out; agent 1's host shows it suspended.
      sample(0, 2, host([[0, 'suspended']]), [op({ op: 'suspend', endMs: 1200, ok: false, reason: 'timeout' }), op({ op: 'find', endMs: 1300 })]),
      sample(1, 2, host([[1, 'suspended']])),
      sample(2, 2, host([[2, 'running']])),
    ];
    const series = scoreLive({ scenario, agents: 3, rttMs, samples, vmCount: 3, veMembers: [[0, 1]] });
    const at = (timeS: number, metric: string): number | undefined => series.all().find((r) => r.timeS === timeS && r.metric === metric)?.value;
    expect(at(1, 've.find.ops')).toBe(2);
    expect(at(1, 've.find.ok_share')).toBe(0.5);
    expect(at(1, 've.find.reported_ok_share')).toBe(1);
    expect(at(1, 've.suspend.ops')).toBe(0); // a count, 0 before the first suspend
    expect(at(1, 've.suspend.ok_share')).toBeNaN(); // a share of no operation: an empty cell
    expect(at(2, 've.find.ops')).toBe(3);
    expect(at(2, 've.find.ok_share')).toBeCloseTo(2 / 3, 12);
    expect(at(2, 've.suspend.ok_share')).toBe(1);
    expect(at(2, 've.suspend.reported_ok_share')).toBe(0);
    expect(at(2, 've.failed.timeout')).toBe(1);
  });

  it('counts operations answered after the last tick as unjudged, and none without a VE manager', () => {
    const late = finals(before(1, [op({ op: 'find', endMs: 1500 })]));
    expect(late['ve.ops_unjudged']).toBe(1);
    expect(late['ve.find.ops']).toBeUndefined();
    const none = finals(before(1).map(({ ve: _ve, ...rest }) => rest));
    expect(Object.keys(none).filter((k) => k.startsWith('ve.'))).toEqual([]);
  });

  it("judges against the owners' answers when the VE members are not given", () => {
    const metrics = scoreLive({ scenario, agents: 3, rttMs, samples: before(1, [op({ op: 'find', endMs: 500, members: [0], hosts: [0] })]), vmCount: 3 }).finalValues();
    expect(metrics['ve.find.ok_share']).toBe(1);
    expect(finals(before(1, [op({ op: 'find', endMs: 500, members: [0], hosts: [0] })]))['ve.find.ok_share']).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { checkPlacement, planPlacement } from '../../src/placement/index.js';
import { host, problem, vm } from './problems.js';

describe('planPlacement: known answers', () => {
  it('moves only the 1.2-core vm off a host demanding 9 of its 8 cores, to the emptiest host with room', () => {
    const p = problem(
      [host(1, 8), host(2, 8), host(3, 8), host(4, 8, 512)],
      [vm(1, 1, 4.3, 4096), vm(2, 1, 0.5, 512), vm(3, 1, 1.2, 1024), vm(4, 1, 3, 2048), vm(5, 2, 5), vm(6, 3, 2)],
    );
    // 0.5 cores frees too little; of the vms that free enough alone, 1.2 cores moves the least memory;
    // host 4 has the most spare cores but not the memory.
    const plan = planPlacement(p);
    expect(plan).toMatchObject({ ok: true, moves: [{ vm: 3, from: 1, to: 3 }], reason: 'viable after 1 moves (1024 MiB moved)' });
    expect(plan.searchSteps).toBeGreaterThan(0);
  });

  it('makes no move on a viable problem, at no search cost', () => {
    const p = problem([host(1, 8), host(2, 8)], [vm(1, 1, 8), vm(2, 2, 3)]);
    expect(planPlacement(p)).toEqual({ ok: true, moves: [], reason: 'already viable', searchSteps: 0 });
  });

  it('fails at once when total demand exceeds total capacity', () => {
    const p = problem([host(1, 8), host(2, 8)], [vm(1, 1, 9), vm(2, 2, 8)]);
    expect(planPlacement(p)).toEqual({ ok: false, moves: [], reason: 'total cpu demand 17 cores > capacity 16 cores', searchSteps: 0 });
    const memory = problem([host(1, 8, 4096), host(2, 8, 4096)], [vm(1, 1, 1, 5000), vm(2, 2, 1, 4000)]);
    expect(planPlacement(memory).reason).toBe('total memory 9000 MiB > capacity 8192 MiB');
  });

  it('relieves a host over its memory by the one vm that frees enough with least memory', () => {
    const p = problem([host(1, 16, 8192), host(2, 16, 8192)], [vm(1, 1, 4, 4096), vm(2, 1, 1, 3072), vm(3, 1, 0.5, 2048), vm(4, 2, 1, 1024)]);
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 3, from: 1, to: 2 }] });
  });

  it('never moves a pinned vm, even the cheapest one to move', () => {
    const p = problem([host(1, 8), host(2, 8)], [vm(1, 1, 1.2, 512, -1, true), vm(2, 1, 3, 2048), vm(3, 1, 4.8, 4096)]);
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 2, from: 1, to: 2 }] });
  });

  it('fails with the host named when its pinned vms alone exceed it', () => {
    const p = problem([host(1, 8), host(2, 8)], [vm(1, 1, 5, 1024, -1, true), vm(2, 1, 4, 1024, -1, true)]);
    expect(planPlacement(p)).toMatchObject({ ok: false, moves: [], reason: 'host 1: pinned vms need 9 cores > 8 cores' });
  });

  it('swaps when no host has room: the 4-core vm bumps a 3-core one, which takes its place', () => {
    const p = problem([host(1, 8), host(2, 8), host(3, 8)], [vm(1, 1, 5, 2048), vm(2, 1, 4), vm(3, 2, 3), vm(4, 2, 3), vm(5, 3, 6.5)]);
    const plan = planPlacement(p);
    expect(plan.ok).toBe(true);
    expect(plan.moves).toEqual([{ vm: 2, from: 1, to: 2 }, { vm: 3, from: 2, to: 1 }]);
    expect(checkPlacement(p, plan.moves)).toEqual([]);
  });

  it('stops at its step budget with a clear reason', () => {
    const p = problem([host(1, 8), host(2, 8)], [vm(1, 1, 5), vm(2, 1, 4)]);
    expect(planPlacement(p, { searchStepsMax: 0 })).toEqual({ ok: false, moves: [], reason: 'search step budget of 0 exhausted (emptiest destinations)', searchSteps: 0 });
    expect(planPlacement(p, { searchStepsMax: 100 }).ok).toBe(true);
  });

  it('rejects a bad budget and a malformed problem with RangeErrors', () => {
    const p = problem([host(1, 8)], [vm(1, 1, 1)]);
    expect(() => planPlacement(p, { searchStepsMax: -1 })).toThrow(new RangeError('PlanOptions.searchStepsMax: expected an integer >= 0, got -1'));
    expect(() => planPlacement(p, { searchStepsMax: 1.5 })).toThrow(RangeError);
    expect(() => planPlacement(problem([host(1, 8)], [vm(1, 2, 1)]))).toThrow('planPlacement: malformed problem: vm 1: on unknown host 2');
  });
});

describe('planPlacement: VE constraints', () => {
  it('gather host: a gathered VE moves as one, to a host with room for all of it', () => {
    const p = problem(
      [host(1, 8), host(2, 8), host(3, 8)],
      [vm(1, 1, 1, 1024, 3), vm(2, 1, 1, 1024, 3), vm(3, 1, 4.5, 1024, -1, true), vm(4, 1, 2.5, 1024, -1, true), vm(5, 2, 7), vm(6, 3, 5)],
      [{ kind: 'gather', ve: 3, scope: 'host' }],
    );
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 1, from: 1, to: 3 }, { vm: 2, from: 1, to: 3 }] });
  });

  it('gather host: a VE apart at the start is brought to the host holding most of it', () => {
    const p = problem([host(1, 8), host(2, 8), host(3, 8)], [vm(1, 1, 1, 1024, 3), vm(2, 2, 1, 1024, 3), vm(3, 1, 1, 1024, 3)], [{ kind: 'gather', ve: 3, scope: 'host' }]);
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 2, from: 2, to: 1 }] });
  });

  it('gather site: a VE apart at the start is brought into the site holding most of it', () => {
    const hosts = [host(1, 8, 16384, 1), host(2, 8, 16384, 1), host(3, 8, 16384, 2), host(4, 8, 16384, 2)];
    const p = problem(hosts, [vm(1, 1, 6, 1024, 3), vm(2, 3, 1, 1024, 3), vm(3, 4, 1, 1024, 3)], [{ kind: 'gather', ve: 3, scope: 'site' }]);
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 1, from: 1, to: 3 }] });
  });

  it('spread host: two members sharing a host at the start are split, the smaller in memory moving', () => {
    const p = problem([host(1, 8), host(2, 8), host(3, 8)], [vm(1, 1, 1, 2048, 3), vm(2, 1, 1, 1024, 3), vm(3, 2, 1, 1024, 3)], [{ kind: 'spread', ve: 3, scope: 'host' }]);
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 2, from: 1, to: 3 }] });
  });

  it('spread host and site: an evicted member avoids the emptiest host when it holds (or shares a site with) another member', () => {
    const hosts = [host(1, 8, 16384, 1), host(2, 8, 16384, 2), host(3, 8, 16384, 2), host(4, 8, 16384, 3)];
    const vms = [vm(1, 1, 2, 512, 3), vm(2, 1, 7, 4096, -1, true), vm(3, 2, 0.5, 1024, 3), vm(4, 3, 1), vm(5, 4, 4)];
    expect(planPlacement(problem(hosts, vms, [{ kind: 'spread', ve: 3, scope: 'host' }]))).toMatchObject({ ok: true, moves: [{ vm: 1, from: 1, to: 3 }] });
    expect(planPlacement(problem(hosts, vms, [{ kind: 'spread', ve: 3, scope: 'site' }]))).toMatchObject({ ok: true, moves: [{ vm: 1, from: 1, to: 4 }] });
  });

  it('fence by site and by country: an evicted vm goes only where its fence allows', () => {
    const hosts = [host(1, 8, 16384, 1, 'FR'), host(2, 8, 16384, 2, 'DE'), host(3, 8, 16384, 3, 'FR'), host(4, 8, 16384, 4, 'IT')];
    const vms = [vm(1, 1, 2, 512, 4), vm(2, 1, 7, 4096, -1, true), vm(3, 3, 5), vm(4, 4, 4)];
    expect(planPlacement(problem(hosts, vms, [{ kind: 'fence', ve: 4, sites: [3, 4], countries: [] }]))).toMatchObject({ ok: true, moves: [{ vm: 1, from: 1, to: 4 }] });
    expect(planPlacement(problem(hosts, vms, [{ kind: 'fence', ve: 4, sites: [], countries: ['FR'] }]))).toMatchObject({ ok: true, moves: [{ vm: 1, from: 1, to: 3 }] });
  });

  it('fence broken at the start: the vm moves inside', () => {
    const hosts = [host(1, 8, 16384, 1, 'FR'), host(2, 8, 16384, 2, 'DE')];
    const p = problem(hosts, [vm(1, 1, 1, 1024, 4)], [{ kind: 'fence', ve: 4, sites: [], countries: ['DE'] }]);
    expect(planPlacement(p)).toMatchObject({ ok: true, moves: [{ vm: 1, from: 1, to: 2 }] });
  });

  it('fails with a reason when constraints cannot hold', () => {
    const hosts = [host(1, 8), host(2, 8)];
    const pinnedApart = problem(hosts, [vm(1, 1, 1, 1024, 3, true), vm(2, 2, 1, 1024, 3, true)], [{ kind: 'gather', ve: 3, scope: 'host' }]);
    expect(planPlacement(pinnedApart)).toMatchObject({ ok: false, reason: 've 3 (gather host): pinned vms on different hosts, e.g. vm 2' });
    const crowded = problem(hosts, [vm(1, 1, 1, 1024, 3), vm(2, 1, 1, 1024, 3), vm(3, 2, 1, 1024, 3)], [{ kind: 'spread', ve: 3, scope: 'host' }]);
    expect(planPlacement(crowded)).toMatchObject({ ok: false, reason: 've 3 (spread host): 3 vms but only 2 hosts allowed' });
    const fencedOut = problem(hosts, [vm(1, 1, 1, 1024, 4)], [{ kind: 'fence', ve: 4, sites: [], countries: [] }]);
    expect(planPlacement(fencedOut)).toMatchObject({ ok: false, reason: 'vm 1 (ve 4), 1 cores and 1024 MiB: no host can take it within its constraints (emptiest destinations)' });
    const both = problem(hosts, [vm(1, 1, 1, 1024, 3), vm(2, 1, 1, 1024, 3)], [{ kind: 'gather', ve: 3, scope: 'host' }, { kind: 'spread', ve: 3, scope: 'site' }]);
    expect(planPlacement(both)).toMatchObject({ ok: false, reason: 've 3: gather host and spread cannot both hold for 2 vms' });
  });
});

import { describe, expect, it } from 'vitest';
import { VM_RUNNING, VM_STOPPED, VM_SUSPENDED } from '../../src/platform/cloud.js';
import { type VeConfig, type VeResult, VE_OP_NAMES, VE_REASONS, defaultVeConfig, validateVeConfig } from '../../src/protocols/ve/index.js';
import { FAST_VE, VeWorld, type VeWorldOptions } from './ve-harness.js';

const N = 16;
/** 2 VMs per host, VM k on host k mod 16. */
const VE1 = [0, 5, 10];
const VE2 = [1, 8, 17];

/** A settled ring (20 s) with VE 1 and VE 2 reported by their hosts and configured from node 2. */
function configured(seed: number, options: Partial<VeWorldOptions> = {}): VeWorld {
  const w = new VeWorld({ hosts: N, vmsPerHost: 2, seed, ...options });
  w.run(20_000);
  expect(w.allJoined()).toBe(true);
  w.arrive(1, VE1);
  w.arrive(2, VE2);
  expect(w.run1(2, (p, done) => p.configure(1, VE1, done))?.ok).toBe(true);
  expect(w.run1(2, (p, done) => p.configure(2, VE2, done))?.ok).toBe(true);
  return w;
}

/** A node that is neither the owner of `ve` nor the host of one of `members`, nor in `also`. */
function thirdNode(w: VeWorld, ve: number, members: readonly number[], also: readonly number[] = []): number {
  const busy = new Set([w.ownerOf(ve), ...members.map((vm) => w.world.cloud.hostOf(vm)), ...also]);
  for (let id = N - 1; id >= 0; id--) if (!busy.has(id)) return id;
  throw new Error('no third node');
}

const trueHosts = (w: VeWorld, members: readonly number[]): number[] => members.map((vm) => w.world.cloud.hostOf(vm));

describe('VE lifecycle over Chord on a simulated cloud of 16 hosts', () => {
  it('configure from one node, then find from another returns every member with its true host', () => {
    const w = configured(1);
    const from = thirdNode(w, 1, VE1, [2]);
    const r = w.run1(from, (p, done) => p.find(1, done)) as VeResult;
    expect(r.ok).toBe(true);
    expect(r.owner).toBe(w.ownerOf(1));
    expect(r.members).toEqual(VE1);
    expect(r.hosts).toEqual(trueHosts(w, VE1));
    expect(r.state).toBe('configured');
    expect([r.acted, r.failed]).toEqual([3, 0]);
    expect(w.ve(w.ownerOf(1)).recordOf(1)?.hosts).toEqual(trueHosts(w, VE1));
    const logged = w.drain().filter((o) => o.drainedFrom === from);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ node: from, kind: VE_OP_NAMES.indexOf('find'), ve: 1, ok: true, members: 3, failed: 0, reason: 0, owner: w.ownerOf(1) });
    expect(logged[0].endMs).toBeGreaterThan(logged[0].startMs);
    expect(w.world.counters.get('ve.find_ok')).toBe(1);
  });

  it('learns the members a host runs from its hypervisor when no vmArrived came (the VEs of a cloud section)', () => {
    const w = new VeWorld({ hosts: N, vmsPerHost: 2, seed: 2 });
    for (const vm of [3, 4, 20]) w.world.cloud.vmVe[vm] = 4;
    w.run(20_000);
    expect(w.run1(0, (p, done) => p.configure(4, [3, 4, 20], done))?.ok).toBe(true);
    w.run(w.nowMs() + FAST_VE.refreshPeriodMs);
    const r = w.run1(9, (p, done) => p.find(4, done)) as VeResult;
    expect(r.hosts).toEqual(trueHosts(w, [3, 4, 20]));
    expect(w.ve(w.world.cloud.hostOf(20)).hostedVms()).toEqual([4, 20]);
  });

  it('suspend from a third node suspends every member in the cloud model, resume runs them again', () => {
    const w = configured(3);
    const from = thirdNode(w, 1, VE1);
    const s = w.run1(from, (p, done) => p.suspend(1, done)) as VeResult;
    expect(s).toMatchObject({ ok: true, reason: '', state: 'suspended', acted: 3, failed: 0 });
    for (const vm of VE1) expect(w.world.cloud.vmState[vm], `vm ${vm}`).toBe(VM_SUSPENDED);
    for (const vm of VE2) expect(w.world.cloud.vmState[vm], `vm ${vm} of another VE`).toBe(VM_RUNNING);
    // Idempotent: a suspended VE suspends again without error.
    expect(w.run1(from, (p, done) => p.suspend(1, done))?.ok).toBe(true);
    const r = w.run1(from, (p, done) => p.resume(1, done)) as VeResult;
    expect(r).toMatchObject({ ok: true, state: 'running', acted: 3, failed: 0 });
    expect(r.version).toBeGreaterThan(s.version);
    for (const vm of VE1) expect(w.world.cloud.vmState[vm]).toBe(VM_RUNNING);
    expect(w.world.checkInvariants()).toEqual([]);
  });

  it('stop then start: every member stopped in the cloud model, then running; a resume of a stopped VE is refused', () => {
    const w = configured(4);
    const from = thirdNode(w, 2, VE2);
    expect(w.run1(from, (p, done) => p.stop(2, done))).toMatchObject({ ok: true, state: 'stopped', acted: 3 });
    for (const vm of VE2) expect(w.world.cloud.vmState[vm]).toBe(VM_STOPPED);
    expect(w.run1(from, (p, done) => p.resume(2, done))).toMatchObject({ ok: false, reason: 'refused', state: 'stopped', acted: 3, failed: 3 });
    expect(w.run1(from, (p, done) => p.start(2, done))).toMatchObject({ ok: true, state: 'running', acted: 3, failed: 0 });
    for (const vm of VE2) expect(w.world.cloud.vmState[vm]).toBe(VM_RUNNING);
  });

  it('relocate moves the VM in the cloud model, and a find after the old reports expired names the new host', () => {
    const w = configured(5);
    const vm = 5;
    const to = 12;
    const from = thirdNode(w, 1, VE1, [to]);
    const r = w.run1(from, (p, done) => p.relocate(1, vm, to, done), 30_000) as VeResult;
    expect(r).toMatchObject({ ok: true, acted: 1, failed: 0 });
    expect(w.world.cloud.hostOf(vm)).toBe(to);
    expect(w.world.migrations.filter((m) => m.vm === vm)).toHaveLength(1);
    expect(w.ve(to).hostedVms()).toContain(vm); // the harness's vmArrived at the migration's end
    expect(w.ve(5).hostedVms()).not.toContain(vm);
    // Past a whole TTL: the host the owner holds comes from the new host's reports.
    w.run(w.nowMs() + FAST_VE.entryTtlMs + FAST_VE.refreshPeriodMs);
    const f = w.run1(thirdNode(w, 1, VE1, [from, to]), (p, done) => p.find(1, done)) as VeResult;
    expect(f.hosts).toEqual(trueHosts(w, VE1));
    expect(f.hosts[VE1.indexOf(vm)]).toBe(to);
    // A relocation the hypervisor refuses fails with its reason: a VM that is not there any more.
    expect(w.run1(from, (p, done) => p.relocate(1, vm, 5, done), 10_000)).toMatchObject({ ok: true });
    expect(w.run1(from, (p, done) => p.relocate(1, 0, 0, done), 10_000)).toMatchObject({ ok: false, reason: 'bad-target', acted: 1, failed: 1 });
    expect(w.world.checkInvariants()).toEqual([]);
  });

  it('an operation on an unknown VE fails with a reason, as does relocating a VM that is not a member; a VE known only from reports is rebuilt from them', () => {
    const w = configured(6);
    for (const op of ['find', 'suspend', 'start'] as const) {
      const r = w.run1(3, (p, done) => p[op](7, done)) as VeResult; // never configured nor reported
      expect(r, op).toMatchObject({ ok: false, reason: 'unknown-ve', state: null, members: [], acted: 0 });
      expect(r.endMs - r.startMs).toBeLessThan(1000);
    }
    expect(w.run1(3, (p, done) => p.relocate(1, 1, 4, done))).toMatchObject({ ok: false, reason: 'not-member', acted: 0, failed: 1 });
    for (const vm of [7, 23]) expect(w.world.cloud.vmState[vm]).toBe(VM_RUNNING);
    expect(w.drain().filter((o) => !o.ok).map((o) => VE_REASONS[o.reason])).toEqual(['unknown-ve', 'unknown-ve', 'unknown-ve', 'not-member']);
    // VE 6 has members reported by their hosts but no record anywhere (never configured, or
    // lost with every copy): its owner rebuilds it from the reports when asked.
    w.arrive(6, [7, 23]);
    w.run(w.nowMs() + 1000);
    expect(w.run1(3, (p, done) => p.find(6, done))).toMatchObject({ ok: true, state: 'configured', version: 0, members: [7, 23], hosts: trueHosts(w, [7, 23]) });
    expect(w.world.counters.get('ve.records_rebuilt_from_reports')).toBe(1);
  });

  it('a member whose host crashed makes a suspend fail within operationTimeoutMs (host-silent), then host-unknown once forgotten', () => {
    const w = configured(7);
    const dead = w.world.cloud.hostOf(10);
    expect(dead).not.toBe(w.ownerOf(1));
    const from = thirdNode(w, 1, VE1);
    w.world.runtime.crashNode(dead);
    w.run(w.nowMs() + 3000);
    const s = w.run1(from, (p, done) => p.suspend(1, done)) as VeResult;
    expect(s).toMatchObject({ ok: false, reason: 'host-silent', acted: 3, failed: 1 });
    expect(s.endMs - s.startMs).toBeLessThanOrEqual(FAST_VE.operationTimeoutMs);
    expect(s.endMs - s.startMs).toBeGreaterThanOrEqual(FAST_VE.hostAnswerTimeoutMs);
    for (const vm of [0, 5]) expect(w.world.cloud.vmState[vm]).toBe(VM_SUSPENDED);
    // The owner still named the dead host until entryTtlMs after its last report.
    w.run(w.nowMs() + FAST_VE.entryTtlMs);
    const f = w.run1(from, (p, done) => p.find(1, done)) as VeResult;
    expect(f.hosts).toEqual([0, 5, -1]);
    expect(f).toMatchObject({ ok: true, acted: 3, failed: 1 });
    const r = w.run1(from, (p, done) => p.resume(1, done)) as VeResult;
    expect(r).toMatchObject({ ok: false, reason: 'host-unknown', acted: 0, failed: 1 });
    for (const vm of [0, 5]) expect(w.world.cloud.vmState[vm], 'nothing done when a host is unknown').toBe(VM_SUSPENDED);
  });

  it("soft state: a member no longer reported is forgotten entryTtlMs after its host's last report, and known again once reported", () => {
    const w = configured(8);
    const owner = w.ownerOf(2);
    const host = w.world.cloud.hostOf(8);
    w.ve(host).vmDeparted(8);
    const departedAt = w.nowMs();
    w.run(departedAt + FAST_VE.entryTtlMs - FAST_VE.refreshPeriodMs - 1000);
    expect(w.ve(owner).recordOf(2)?.hosts).toEqual(trueHosts(w, VE2));
    w.run(departedAt + FAST_VE.entryTtlMs + 1);
    expect(w.ve(owner).recordOf(2)?.hosts).toEqual([1, -1, 1]);
    w.ve(host).vmArrived(8, 2);
    w.run(w.nowMs() + 1000);
    expect(w.ve(owner).recordOf(2)?.hosts).toEqual(trueHosts(w, VE2));
  });

  it("the record survives its owner's crash: the next owner rebuilds it from the member hosts' copies", () => {
    const w = configured(9);
    const owner = w.ownerOf(1);
    expect(VE1.map((vm) => w.world.cloud.hostOf(vm))).not.toContain(owner);
    expect(w.run1(2, (p, done) => p.suspend(1, done))?.ok).toBe(true);
    w.world.runtime.crashNode(owner);
    w.run(w.nowMs() + 10_000 + FAST_VE.refreshPeriodMs);
    expect(w.ownerOf(1)).not.toBe(owner);
    expect(w.world.counters.get('ve.records_rebuilt')).toBeGreaterThan(0);
    const r = w.run1(thirdNode(w, 1, VE1, [owner]), (p, done) => p.find(1, done)) as VeResult;
    expect(r).toMatchObject({ ok: true, state: 'suspended', members: VE1, hosts: trueHosts(w, VE1) });
    expect(r.owner).toBe(w.ownerOf(1));
  });

  it('every VE manager restarts at once (agents crash for 300 s, the VMs keep running): records and copies are lost, then rebuilt from the hosts\' reports at the first request', () => {
    const w = configured(9);
    for (const [ve, members] of [[1, VE1], [2, VE2]] as const) for (const vm of members) w.world.cloud.vmVe[vm] = ve; // as a cloud section's VMs carry them
    expect(w.run1(2, (p, done) => p.suspend(1, done))?.ok).toBe(true);
    for (let id = 0; id < N; id++) w.world.runtime.crashNode(id); // this world's crash stops the protocols only
    w.run(w.nowMs() + 300_000);
    for (let id = 0; id < N; id++) w.world.runtime.recoverNode(id);
    w.run(w.nowMs() + 20_000 + FAST_VE.refreshPeriodMs); // the ring settles, every host reports from its hypervisor
    expect(w.allJoined()).toBe(true);
    const r = w.run1(thirdNode(w, 1, VE1), (p, done) => p.find(1, done)) as VeResult;
    expect(r).toMatchObject({ ok: true, members: VE1, hosts: trueHosts(w, VE1) });
    expect(w.world.counters.get('ve.records_rebuilt_from_reports')).toBeGreaterThan(0);
    expect(w.run1(thirdNode(w, 2, VE2), (p, done) => p.resume(2, done))?.ok).toBe(true); // commands work on it too
    expect(w.run1(thirdNode(w, 1, VE1), (p, done) => p.resume(1, done))?.ok).toBe(true);
    expect(VE1.map((vm) => w.world.cloud.vmState[vm])).toEqual([VM_RUNNING, VM_RUNNING, VM_RUNNING]);
  });

  it('a relocation that would break a VE constraint is refused before any migration (spread on hosts, fence to a PoP)', () => {
    const constraints: VeConfig['constraints'] = [
      { kind: 'spread', ve: 1, scope: 'host' },
      { kind: 'fence', ve: 3, sites: [1], countries: [] },
    ];
    const w = configured(10, { pops: 2, ve: { constraints } });
    const site = (h: number): number => w.world.network.hostPop[h];
    const from = thirdNode(w, 1, VE1);
    // Spread: VM 5 onto the host of VM 10.
    expect(w.run1(from, (p, done) => p.relocate(1, 5, 10, done))).toMatchObject({ ok: false, reason: 'constraint', acted: 0, failed: 1 });
    // Fence to PoP 1: VE 3's VMs 9 and 25 run on host 9, in PoP 1.
    w.arrive(3, [9, 25]);
    expect(w.run1(from, (p, done) => p.configure(3, [9, 25], done))?.ok).toBe(true);
    expect(site(9)).toBe(1);
    const hosts = Array.from({ length: N }, (_, h) => h);
    const outside = hosts.find((h) => site(h) === 0) as number;
    const inside = hosts.find((h) => site(h) === 1 && h !== 9) as number;
    expect(w.run1(from, (p, done) => p.relocate(3, 25, outside, done))).toMatchObject({ ok: false, reason: 'constraint', acted: 0 });
    expect(w.world.migrations).toHaveLength(0);
    expect(w.run1(from, (p, done) => p.relocate(3, 25, inside, done), 30_000)).toMatchObject({ ok: true, acted: 1 });
    expect(w.world.cloud.hostOf(25)).toBe(inside);
    // Spread judged again after the move: VM 0 onto VM 5's host is refused, onto a free host accepted.
    expect(w.run1(from, (p, done) => p.relocate(1, 0, 5, done))).toMatchObject({ ok: false, reason: 'constraint' });
    expect(w.run1(from, (p, done) => p.relocate(1, 0, inside, done), 30_000)).toMatchObject({ ok: true });
  });

  it('a relocation onto a host that another member is on its way to is refused: the target says what it receives (its record does not know that move yet)', () => {
    const w = configured(10, { pops: 2, ve: { constraints: [{ kind: 'spread', ve: 1, scope: 'host' }] } });
    for (const vm of VE1) w.world.cloud.vmVe[vm] = 1; // in the model, as a cloud section's VE: hypervisors list it
    const from = thirdNode(w, 1, VE1, [12]);
    // VM 5 of the spread VE leaves for host 12 by the hypervisor alone (as a move whose command timed out).
    let landed = false;
    w.world.hypervisors.of(5).migrate(5, 12, (outcome) => (landed = outcome.ok));
    expect(w.world.hypervisors.of(12).incomingVms().map((i) => i.vm)).toEqual([5]);
    const r = w.run1(from, (p, done) => p.relocate(1, 0, 12, done)) as VeResult;
    expect(landed).toBe(false); // judged while VM 5 was still on its way
    expect(r).toMatchObject({ ok: false, reason: 'constraint', acted: 0, failed: 1 });
    w.run(w.nowMs() + 30_000);
    expect(landed).toBe(true);
    expect(trueHosts(w, VE1)).toEqual([0, 12, 10]);
    expect(w.world.checkInvariants()).toEqual([]);
  });

  it('a spread relocation on a record rebuilt from reports is refused (host-unknown): it may lack a member, here VM 9 on the target (torture-dvms-small seeds 284, 361)', () => {
    const w = new VeWorld({ hosts: N, vmsPerHost: 2, seed: 12, ve: { constraints: [{ kind: 'spread', ve: 6, scope: 'host' }] } });
    w.run(20_000);
    expect(w.allJoined()).toBe(true);
    // VE 6 = VMs 3, 6, 9 on hosts 3, 6, 9, never configured: only the hosts of 3 and 6 reported to the owner so far.
    w.arrive(6, [3, 6]);
    w.run(w.nowMs() + 1000);
    const from = thirdNode(w, 6, [3, 6, 9]);
    expect(w.run1(from, (p, done) => p.find(6, done))).toMatchObject({ ok: true, version: 0, members: [3, 6] });
    w.world.cloud.vmVe[9] = 6; // VM 9's hypervisor lists it in VE 6, though no report of it reached the owner yet
    const r = w.run1(from, (p, done) => p.relocate(6, 3, 9, done), 30_000) as VeResult;
    expect(r).toMatchObject({ ok: false, reason: 'host-unknown', acted: 0, failed: 1 });
    expect(trueHosts(w, [3, 6, 9])).toEqual([3, 6, 9]);
    expect(w.world.migrations).toHaveLength(0);
    // Configured, the record lists every member: the same move is judged, and refused as a spread.
    expect(w.run1(from, (p, done) => p.configure(6, [3, 6, 9], done))?.ok).toBe(true);
    expect(w.run1(from, (p, done) => p.relocate(6, 3, 9, done), 30_000)).toMatchObject({ ok: false, reason: 'constraint', acted: 0, failed: 1 });
    expect(w.run1(from, (p, done) => p.relocate(6, 3, 12, done), 30_000)).toMatchObject({ ok: true, acted: 1 });
    expect(trueHosts(w, [3, 6, 9])).toEqual([12, 6, 9]);
  });

  it('refuses an operation issued before the node is in a ring, calling back from a later event only', () => {
    const w = new VeWorld({ hosts: N, vmsPerHost: 2, seed: 11 });
    let inside = true;
    let result: VeResult | undefined;
    w.ve(5).find(1, (r) => {
      expect(inside).toBe(false);
      result = r;
    });
    inside = false;
    expect(result).toBeUndefined();
    w.run(1);
    expect(result).toMatchObject({ ok: false, reason: 'not-in-ring', owner: -1 });
  });

  it('same seed, same outcomes: a workload of finds, suspends, relocations and departures over 4 VEs for 90 s', () => {
    const play = (seed: number): string[] => {
      const w = new VeWorld({ hosts: N, vmsPerHost: 2, seed, ve: { veCount: 4, workloadPeriodMs: 2000, workloadStartMs: 20_000, suspendDurationMs: 5000, departureDurationMs: 8000, findShare: 0.4, suspendShare: 0.2, relocateShare: 0.3, departureShare: 0.1 } });
      w.run(15_000);
      const ves = [VE1, VE2, [2, 18], [3, 19, 13]];
      ves.forEach((members, ve) => {
        w.arrive(ve, members);
        w.ve(0).configure(ve, members);
      });
      w.run(90_000);
      const logged = w.drain();
      expect(w.world.checkInvariants()).toEqual([]);
      for (const o of logged) {
        const bound = FAST_VE.operationTimeoutMs + (VE_OP_NAMES[o.kind] === 'relocate' ? FAST_VE.migrationTimeoutMs : 0);
        expect(o.endMs - o.startMs).toBeLessThanOrEqual(bound);
      }
      const kinds = new Set(logged.map((o) => VE_OP_NAMES[o.kind]));
      for (const kind of ['configure', 'find', 'suspend', 'resume', 'relocate', 'stop', 'start']) expect(kinds, kind).toContain(kind);
      expect(logged.filter((o) => o.ok).length).toBeGreaterThan(logged.length / 2);
      return logged.map((o) => JSON.stringify(o));
    };
    const a = play(12);
    expect(play(12)).toEqual(a);
    expect(play(13)).not.toEqual(a);
  });
});

describe('VE config', () => {
  it('accepts the defaults and the harness config, and names the field it rejects', () => {
    expect(() => validateVeConfig(defaultVeConfig)).not.toThrow();
    expect(() => validateVeConfig(FAST_VE)).not.toThrow();
    const bad: [Partial<VeConfig>, string][] = [
      [{ veCount: 0 }, 'VeConfig.veCount'],
      [{ entryTtlMs: 60_000 }, 'VeConfig.entryTtlMs'],
      [{ hostAnswerTimeoutMs: 15_000 }, 'VeConfig.hostAnswerTimeoutMs'],
      [{ findShare: 0.9 }, 'VeConfig.departureShare'],
      [{ vesMax: 1.5 }, 'VeConfig.vesMax'],
      [{ workloadPeriodMs: -1 }, 'VeConfig.workloadPeriodMs'],
      [{ constraints: [{ kind: 'gather', ve: 1, scope: 'rack' as 'host' }] }, 'VeConfig.constraints[0]'],
    ];
    for (const [override, field] of bad) expect(() => validateVeConfig({ ...defaultVeConfig, ...override }), field).toThrow(new RegExp(field.replace(/[[\]]/g, '\\$&')));
  });
});

import { describe, expect, it } from 'vitest';
import { SnapshotCatalogue, type CatalogueEntry, restartChoice, restartAdmits, type RestartView, type PlaceFacts, storeFor, recoveryMessageSchema } from '../../src/protocols/recovery/index.js';
import type { VeConstraint } from '../../src/placement/problem.js';
import type { MemberPlaces } from '../../src/protocols/ve/ve-constraints.js';
import type { Message } from '../../src/runtime/context.js';

// Three PoPs on a line A(0) - B(1) - C(2), 10 ms a hop; hosts 0, 1 in A, 2, 3, 4 in B, 5 in C.
const HOST_POP = [0, 0, 1, 1, 1, 2];
const LATENCY_US = [
  [0, 10_000, 20_000],
  [10_000, 0, 10_000],
  [20_000, 10_000, 0],
];
const FACTS: PlaceFacts = { hostCount: 6, hostPop: HOST_POP, hostCountry: ['FR', 'FR', 'FR', 'FR', 'FR', 'DE'], popCount: 3, popLatencyUs: (a, b) => LATENCY_US[a][b] };
const all = () => true;

describe('store choice: the PoP nearest the home host\'s, the host at key mod its usable hosts', () => {
  it('stores host 0 (PoP A) VE 7 on host 3: B is nearest, 7 mod 3 = 1, the second of hosts 2, 3, 4', () => {
    expect(storeFor(FACTS, 0, 7, all)).toBe(3);
  });

  it('stores host 3 (PoP B) key 4 on host 1: A and C are both 10 ms away, A has the lower index; 4 mod 2 = 0... of hosts 0, 1: host 0', () => {
    expect(storeFor(FACTS, 3, 4, all)).toBe(0);
    expect(storeFor(FACTS, 3, 5, all)).toBe(1);
  });

  it('skips suspect hosts: with host 3 suspect, key 7 of hosts 2 and 4 is 7 mod 2 = 1, host 4', () => {
    expect(storeFor(FACTS, 0, 7, (h) => h !== 3)).toBe(4);
  });

  it('goes further when a whole PoP is suspect: B out, host 0 stores on C (host 5)', () => {
    expect(storeFor(FACTS, 0, 7, (h) => HOST_POP[h] !== 1)).toBe(5);
  });

  it('never stores in the PoP the VM runs in now: home host 0 (A), running in B, stores on C (host 5)', () => {
    expect(storeFor(FACTS, 0, 7, all, 1)).toBe(5);
  });

  it('never stores in the home PoP nor across no path: -1 when the only other PoP is unreachable', () => {
    const cut: PlaceFacts = { ...FACTS, popLatencyUs: (a, b) => (a === b ? 0 : -1) };
    expect(storeFor(cut, 0, 0, all)).toBe(-1);
  });
});

describe('the snapshot catalogue of a store', () => {
  const entry = (vm: number, origin: number, stateMs: number): CatalogueEntry => ({ vm, origin, stateMs, bytes: 1, vcpus: 1, memoryMiB: 256, ve: -1, demandMilli: 0 });

  it('keeps the newest state of a VM and lists VMs by origin, by id', () => {
    const c = new SnapshotCatalogue();
    expect(c.put(entry(5, 2, 100))).toBe(true);
    expect(c.put(entry(1, 2, 50))).toBe(true);
    expect(c.put(entry(3, 0, 70))).toBe(true);
    expect(c.put(entry(5, 4, 90))).toBe(false); // older than the one held
    expect(c.get(5)?.origin).toBe(2);
    expect(c.put(entry(5, 4, 160))).toBe(true); // migrated to host 4, snapshotted there
    expect(c.ofOrigin(2)).toEqual([1]);
    expect(c.origins()).toEqual([0, 2, 4]);
    expect(c.moveTo(3, 4)).toBe(true); // claimed by host 4: its state and spec kept
    expect(c.get(3)).toEqual({ ...entry(3, 4, 70) });
    expect(c.moveTo(42, 4)).toBe(false);
    expect(c.origins()).toEqual([2, 4]);
    expect(c.forget(1)).toBe(true);
    expect(c.origins()).toEqual([4]);
    expect(c.size).toBe(2);
  });
});

describe('restart choice over a view of the hosts', () => {
  // Every host has 4096 MiB free and no load unless said; the VM needs 1024 MiB.
  const view = (over: Partial<RestartView> = {}): RestartView => ({
    hostCount: 6,
    hostPop: HOST_POP,
    hostCountry: FACTS.hostCountry,
    usable: () => true,
    freeMiB: () => 4096,
    demandMilli: () => 0,
    popLatencyUs: FACTS.popLatencyUs,
    ...over,
  });
  const none: MemberPlaces = { members: [], hosts: [], sites: [] };
  const request = (constraints: readonly VeConstraint[] = [], places = none) => ({ vm: 9, memoryMiB: 1024, fromPop: 0, constraints, places });

  it('restarts in the lost PoP on the least loaded host: host 1 (500 millicores) before host 0 (2000)', () => {
    expect(restartChoice(view({ demandMilli: (h) => (h === 0 ? 2000 : 500) }), request())).toBe(1);
  });

  it('takes the lowest id among equals, and the next PoP when the lost one has no room: host 2 of B', () => {
    expect(restartChoice(view(), request())).toBe(0);
    expect(restartChoice(view({ freeMiB: (h) => (HOST_POP[h] === 0 ? 1000 : 4096) }), request())).toBe(2);
  });

  it('leaves out hosts that did not answer (usable false)', () => {
    expect(restartChoice(view({ usable: (h) => h >= 4 }), request())).toBe(4);
  });

  it('keeps a spread over hosts: a member on host 0 sends the VM to host 1', () => {
    const spread: VeConstraint = { kind: 'spread', ve: 3, scope: 'host' };
    expect(restartChoice(view(), request([spread], { members: [8], hosts: [0], sites: [0] }))).toBe(1);
  });

  it('keeps a gather over sites: a member on host 3 (B) sends it to B, host 2 the lowest id there', () => {
    const gather: VeConstraint = { kind: 'gather', ve: 3, scope: 'site' };
    expect(restartChoice(view(), request([gather], { members: [8], hosts: [3], sites: [1] }))).toBe(2);
    expect(restartAdmits(view(), request([gather], { members: [8], hosts: [3], sites: [1] }), 0)).toBe(false);
  });

  it('keeps a fence to Germany: only host 5, far as it is', () => {
    const fence: VeConstraint = { kind: 'fence', ve: 3, sites: [], countries: ['DE'] };
    expect(restartChoice(view(), request([fence]))).toBe(5);
  });

  it('answers -1 when no host is admissible', () => {
    expect(restartChoice(view({ freeMiB: () => 1023 }), request())).toBe(-1);
  });
});

describe('the recovery wire schema', () => {
  const validator = recoveryMessageSchema(100, 5);
  const schema = (m: object) => validator(m as Message);
  it('accepts a catalogue entry and a state answer, and refuses a VM id out of range, an unknown field or a VE out of range', () => {
    expect(schema({ type: 'rec.entry', vm: 99, stateMs: 1000, bytes: 2 ** 30, vcpus: 1, memoryMiB: 256, ve: 4, demandMilli: 500 })).toBe('ok');
    expect(schema({ type: 'rec.state', round: 3, freeMiB: -10, demandMilli: 0, vms: [1, 2], ves: [0, -1] })).toBe('ok');
    expect(schema({ type: 'rec.forget', vm: 100 })).toBe('bad-message');
    expect(schema({ type: 'rec.forget', vm: 1, extra: 1 })).toBe('bad-message');
    expect(schema({ type: 'rec.restore', vm: 1, vcpus: 1, memoryMiB: 256, ve: 5 })).toBe('bad-message');
  });
});

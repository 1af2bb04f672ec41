import { describe, expect, it } from 'vitest';
import { Cloud } from '../../src/platform/cloud.js';
import type { VeConstraint } from '../../src/placement/problem.js';
import { backupHost, backupKeepsConstraints, type BackupHostInput } from '../../src/scenario/backup-host.js';

// Four PoPs in a line A - B - C - D (latency 1 ms a hop), two hosts each of 4 GiB: host h in PoP h >> 1.
// A and D hang on bridges (A-B, C-D): only B and C survive every single link cut.
const HOST_POP = [0, 0, 1, 1, 2, 2, 3, 3];
const latency = (pa: number, pb: number): number => Math.abs(pa - pb) * 1000;

function world(vms: readonly { host: number; ve: number }[]): Cloud {
  const cloud = new Cloud({ cores: HOST_POP.map(() => 8), memoryMiB: HOST_POP.map(() => 4096) }, vms.length);
  for (const { host, ve } of vms) cloud.addVm({ vcpus: 1, memoryMiB: 1024, dirtyShare: 0, ve }, host);
  return cloud;
}

function input(cloud: Cloud, vm: number, over: Partial<BackupHostInput> = {}): BackupHostInput {
  const members: number[] = [];
  for (let m = 0; m < cloud.vmCount; m++) if (m !== vm && cloud.vmVe[m] === cloud.vmVe[vm] && cloud.vmVe[vm] >= 0) members.push(m);
  return {
    cloud,
    vm,
    primary: cloud.vmHost[vm],
    constraints: [],
    members,
    backupOf: () => -1,
    incomingTo: () => -1,
    reservedMiB: () => 0,
    hostPop: HOST_POP,
    hostCountry: HOST_POP.map(() => 'FR'),
    popLatencyUs: latency,
    popSurvivesCuts: [0, 1, 1, 0],
    streamFits: () => true,
    needMiB: 1024,
    ...over,
  };
}

describe('backup host of a replicated VM', () => {
  it('goes to the nearest other PoP that survives every cut: B for a VM in A (across the bridge), C for a VM in B, not A', () => {
    const cloud = world([{ host: 0, ve: -1 }, { host: 2, ve: -1 }]);
    expect(backupHost(input(cloud, 0))).toBe(2);
    expect(backupHost(input(cloud, 1))).toBe(4);
  });

  it('takes the nearest PoP by latency when no PoP survives every cut (a tree-shaped backbone)', () => {
    const cloud = world([{ host: 2, ve: -1 }]);
    expect(backupHost(input(cloud, 0, { popSurvivesCuts: [0, 0, 0, 0] }))).toBe(0);
  });

  it('skips hosts without room for the memory (reservations counted) and spreads over the PoP by memory reserved', () => {
    const cloud = world([{ host: 2, ve: -1 }]);
    expect(backupHost(input(cloud, 0, { reservedMiB: (h) => (h === 4 ? 3584 : 0) }))).toBe(5);
    expect(backupHost(input(cloud, 0, { reservedMiB: (h) => (h === 4 ? 1024 : 0) }))).toBe(5);
    // C full: the PoPs that do not survive every cut come next, A (1 ms) before D (2 ms), its lowest id first.
    expect(backupHost(input(cloud, 0, { reservedMiB: (h) => (h === 4 || h === 5 ? 3584 : 0) }))).toBe(0);
  });

  it("keeps a spread's backups apart from every member's primary and backup", () => {
    // VE 0 spread over hosts: VM 0 on host 2 (B), VM 1 on host 4 (C), VM 1's backup on host 5 (C).
    const cloud = world([{ host: 2, ve: 0 }, { host: 4, ve: 0 }]);
    const spread: VeConstraint[] = [{ kind: 'spread', ve: 0, scope: 'host' }];
    const backupOf = (m: number): number => (m === 1 ? 5 : -1);
    // Nearest surviving PoP C: host 4 runs VM 1, host 5 holds its backup; next, A and D do not survive: A's host 0.
    expect(backupHost(input(cloud, 0, { constraints: spread, backupOf }))).toBe(0);
    expect(backupKeepsConstraints(input(cloud, 0, { constraints: spread, backupOf }), 4)).toBe(false);
    const bySite: VeConstraint[] = [{ kind: 'spread', ve: 0, scope: 'site' }];
    expect(backupHost(input(cloud, 0, { constraints: bySite, backupOf: () => -1 }))).toBe(0); // not C (VM 1's PoP)
  });

  it("counts a spread member migrating as standing at its target too: VM 1 (host 4) on its way to host 5 leaves C no host for VM 0's backup", () => {
    const cloud = world([{ host: 2, ve: 0 }, { host: 4, ve: 0 }]);
    const spread: VeConstraint[] = [{ kind: 'spread', ve: 0, scope: 'host' }];
    expect(backupHost(input(cloud, 0, { constraints: spread }))).toBe(5);
    const incomingTo = (m: number): number => (m === 1 ? 5 : -1);
    expect(backupHost(input(cloud, 0, { constraints: spread, incomingTo }))).toBe(0);
    expect(backupKeepsConstraints(input(cloud, 0, { constraints: spread, incomingTo }), 5)).toBe(false);
    expect(backupKeepsConstraints(input(cloud, 0, { constraints: spread }), 5)).toBe(true);
  });

  it('needs room for what it is asked (a whole gather at its first backup): 1 GiB fits host 4 (1.5 GiB free), 2 GiB go to A', () => {
    const cloud = world([{ host: 2, ve: -1 }]);
    const reservedMiB = (h: number): number => (h === 4 ? 2560 : h === 5 ? 3000 : 0);
    expect(backupHost(input(cloud, 0, { reservedMiB, needMiB: 1024 }))).toBe(4);
    expect(backupHost(input(cloud, 0, { reservedMiB, needMiB: 2048 }))).toBe(0);
  });

  it("gathers a gather's backups on one host", () => {
    const cloud = world([{ host: 2, ve: 0 }, { host: 2, ve: 0 }]);
    const gather: VeConstraint[] = [{ kind: 'gather', ve: 0, scope: 'host' }];
    expect(backupHost(input(cloud, 1, { constraints: gather, backupOf: (m) => (m === 0 ? 5 : -1) }))).toBe(5);
  });

  it("skips a host whose NIC in is full of other streams", () => {
    const cloud = world([{ host: 2, ve: -1 }]);
    expect(backupHost(input(cloud, 0, { streamFits: (h) => h !== 4 }))).toBe(5);
  });

  it('returns -1 when no other PoP is reachable', () => {
    const cloud = world([{ host: 0, ve: -1 }]);
    expect(backupHost(input(cloud, 0, { popLatencyUs: (pa, pb) => (pa === pb ? 0 : -1) }))).toBe(-1);
  });
});

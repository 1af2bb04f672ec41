import { describe, expect, it } from 'vitest';
import { type VeRecordData, VE_REASONS, VeLog, VeStore, HostedVes, nextVersion, relocationViolation, veKey, veReasonCode } from '../../src/protocols/ve/index.js';
import { vmKey } from '../../src/protocols/vm-index/index.js';

const at = (node: number, site = 0, country = 'FR') => ({ node, site, country });

describe('VE records at the owner (VeStore)', () => {
  it('keeps the hosts reported before a configure, and reads a placeholder as unknown', () => {
    const store = new VeStore(8, 16, 100);
    expect(store.report(1, at(4), [10, 11], 0, null, 0)).toMatchObject({ dropped: false, accepted: 2, pushRecord: null });
    expect(store.view(1, 1)).toBeNull();
    expect(store.configure(1, [10, 11, 12], 5)).toBe(true);
    expect(store.view(1, 6)).toMatchObject({ record: { state: 'configured', members: [10, 11, 12] }, hosts: [4, 4, -1] });
    // A host's report without a copy of the record gets it pushed back.
    expect(store.report(1, at(7), [12], 6, null, 6).pushRecord).toMatchObject({ members: [10, 11, 12] });
    expect(store.view(1, 7)?.hosts).toEqual([4, 4, 7]);
  });

  it('forgets a host ttlMs after its last report, and ignores a report observed before the host it holds', () => {
    const store = new VeStore(8, 16, 100);
    store.configure(1, [10], 0);
    store.report(1, at(4), [10], 50, null, 50);
    store.report(1, at(9), [10], 60, null, 61); // the VM migrated to 9 at 60
    expect(store.report(1, at(4), [10], 55, null, 62)).toMatchObject({ accepted: 0, ignored: 1 }); // 4's late report
    expect(store.view(1, 160)?.hosts).toEqual([9]);
    expect(store.view(1, 161)?.hosts).toEqual([-1]);
    expect(store.report(1, at(4), [10], 55, null, 170).accepted).toBe(1); // once forgotten, any report is taken
  });

  it("rebuilds a configured record from a host's copy, adopts a newer copy, and outranks older ones once configured anew", () => {
    const store = new VeStore(8, 16, 100);
    const copy: VeRecordData = { version: 40, state: 'suspended', members: [10, 11] };
    expect(store.report(1, at(4), [10], 1000, copy, 1000)).toMatchObject({ rebuilt: true, pushRecord: null });
    expect(store.view(1, 1000)).toMatchObject({ record: copy, hosts: [4, -1] });
    expect(store.report(1, at(5), [11], 1000, { ...copy, version: 41, state: 'running' }, 1000).rebuilt).toBe(true);
    expect(store.view(1, 1000)?.record.state).toBe('running');
    expect(store.report(1, at(4), [10], 1001, copy, 1001).pushRecord?.version).toBe(41);
    store.configure(1, [10], 2000);
    expect(store.view(1, 2000)?.record).toEqual({ version: 2000, state: 'configured', members: [10] });
    expect(store.report(1, at(5), [11], 2001, { ...copy, version: 41 }, 2001)).toMatchObject({ rebuilt: false, ignored: 1 });
    expect(nextVersion(2000, 2000.5)).toBe(2001);
  });

  it('rebuilds a lost record from reports alone when asked for it: the members reported, never pushed as a copy, replaced by any copy', () => {
    const store = new VeStore(8, 16, 100);
    expect(store.rebuildFromReports(1, 0)).toBe(false); // nothing reported
    store.report(1, at(7), [12], 0, null, 0);
    store.report(1, at(4), [11, 10], 0, null, 0);
    expect(store.rebuildFromReports(1, 200)).toBe(false); // every host expired: nothing to rebuild from
    store.report(1, at(7), [12], 300, null, 300);
    expect(store.rebuildFromReports(1, 301)).toBe(true);
    expect(store.rebuildFromReports(1, 301)).toBe(false); // a record already
    expect(store.view(1, 301)).toMatchObject({ record: { version: 0, state: 'configured', members: [10, 11, 12] }, hosts: [-1, -1, 7] });
    // Later reports add the members they name, and get no partial record pushed to them.
    expect(store.report(1, at(5), [9], 302, null, 302)).toMatchObject({ accepted: 1, pushRecord: null });
    expect(store.view(1, 302)?.record.members).toEqual([9, 10, 11, 12]);
    // A host's copy (a configure's version) replaces it, and the usual rules come back.
    const copy: VeRecordData = { version: 50, state: 'suspended', members: [10, 11, 12] };
    expect(store.report(1, at(4), [10], 303, copy, 303)).toMatchObject({ rebuilt: true });
    expect(store.view(1, 303)?.record).toEqual(copy);
    expect(store.report(1, at(5), [9], 304, null, 304)).toMatchObject({ ignored: 1, pushRecord: copy });
  });

  it('restores a record read from the store: newer replaces, older keeps the owner\'s, stored hosts fill only what the owner never knew since', () => {
    const store = new VeStore(8, 16, 100);
    const stored = { record: { version: 40, state: 'suspended' as const, members: [10, 11] }, hosts: [4, 5], sites: [1, 2], observedAtMs: [30, 35] };
    expect(store.restore(1, stored, 50)).toBe('loaded'); // a fresh owner: the store's word
    expect(store.view(1, 50)).toMatchObject({ record: { version: 40, state: 'suspended', members: [10, 11] }, hosts: [4, 5], sites: [1, 2] });
    expect(store.durableOf(1, 50)).toEqual({ ...stored, observedAtMs: [30, 35] });
    store.report(1, at(9), [10], 60, null, 60); // 10 moved to 9
    expect(store.restore(1, stored, 61)).toBe('current'); // same version: the owner keeps its record
    expect(store.view(1, 61)?.hosts).toEqual([9, 5]);
    expect(store.view(1, 151)?.hosts).toEqual([9, -1]); // 11 not reported for ttlMs: forgotten
    expect(store.restore(1, stored, 152)).toBe('current');
    expect(store.view(1, 152)?.hosts).toEqual([9, -1]); // and not brought back by the next read
    expect(store.durableOf(1, 152)?.hosts).toEqual([9, -1]);
    expect(store.restore(1, { ...stored, record: { version: 41, state: 'running', members: [10, 12] } }, 153)).toBe('loaded');
    expect(store.view(1, 153)).toMatchObject({ record: { version: 41, state: 'running', members: [10, 12] }, hosts: [9, 5] }); // 12's stored host: never known here
    expect(new VeStore(1, 16, 100).restore(2, stored, 0)).toBe('loaded');
  });

  it('holds at most vesMax records: placeholders are evicted first, configured records never', () => {
    const store = new VeStore(2, 4, 100);
    store.configure(1, [10], 0);
    store.report(2, at(3), [20], 0, null, 0);
    expect(store.configure(3, [30], 1)).toBe(true); // evicts placeholder 2
    expect(store.evicted).toBe(1);
    expect(store.configure(4, [40], 2)).toBe(false);
    expect(store.report(5, at(3), [50], 2, null, 2).dropped).toBe(true);
    expect(store.size).toBe(2);
    expect(() => store.configure(1, [1, 2, 3, 4, 5], 3)).toThrow(RangeError);
  });
});

describe('members hosted by a node (HostedVes)', () => {
  it('follows the hypervisor: members it no longer lists left, VMs it lists with a VE are hosted, within hostedMax', () => {
    const hosted = new HostedVes(3);
    expect(hosted.arrive(1, 7)).toBe(true);
    const info = (vm: number, ve: number) => ({ vm, ve, vcpus: 1, memoryMiB: 1, cpuDemand: 0, state: 'running' as const, migrating: false, incoming: false });
    expect(hosted.sync([info(1, -1), info(2, 8), info(3, 8), info(4, 9)])).toBe(1);
    expect(hosted.hostedVms()).toEqual([1, 2, 3]);
    expect(hosted.ves()).toEqual([7, 8]);
    hosted.learn(8, { version: 3, state: 'running', members: [2, 3] });
    hosted.learn(8, { version: 2, state: 'stopped', members: [2] });
    hosted.learn(9, { version: 1, state: 'running', members: [4] });
    expect(hosted.copyOf(8)?.version).toBe(3);
    expect(hosted.copyOf(9)).toBeNull();
    hosted.sync([info(1, -1)]);
    hosted.prune();
    expect(hosted.copyOf(8)).toBeNull();
    expect(hosted.membersOf(7)).toEqual([1]);
  });
});

describe('VE constraints on a relocation', () => {
  const places = { members: [10, 11, 12], hosts: [1, 2, 3], sites: [0, 0, 1] };
  it('judges gather, spread and fence against the other members', () => {
    expect(relocationViolation([{ kind: 'spread', ve: 1, scope: 'host' }], places, 10, at(2))).toBe('constraint');
    expect(relocationViolation([{ kind: 'spread', ve: 1, scope: 'host' }], places, 10, at(4))).toBe('');
    expect(relocationViolation([{ kind: 'spread', ve: 1, scope: 'site' }], places, 12, at(4, 0))).toBe('constraint');
    expect(relocationViolation([{ kind: 'gather', ve: 1, scope: 'host' }], { ...places, hosts: [1, 2, 2] }, 10, at(2))).toBe('');
    expect(relocationViolation([{ kind: 'gather', ve: 1, scope: 'site' }], places, 12, at(9, 1))).toBe('constraint');
    expect(relocationViolation([{ kind: 'fence', ve: 1, sites: [], countries: ['DE'] }], places, 10, at(9, 5, 'DE'))).toBe('');
    expect(relocationViolation([{ kind: 'fence', ve: 1, sites: [3], countries: [] }], places, 10, at(9, 5, 'DE'))).toBe('constraint');
    expect(relocationViolation([{ kind: 'spread', ve: 1, scope: 'host' }], { ...places, hosts: [1, -1, 3] }, 10, at(4))).toBe('host-unknown');
    expect(relocationViolation([], { ...places, hosts: [1, -1, 3] }, 10, at(4))).toBe('');
  });
});

describe('VE keys and outcome log', () => {
  it('hashes VE ids apart from VM ids and rejects bad ids', () => {
    let same = 0;
    for (let k = 0; k < 1000; k++) if (veKey(k, 32) === vmKey(k, 32)) same++;
    expect(same).toBe(0);
    expect(veKey(7, 16)).toBe(veKey(7, 32) >>> 16);
    expect(() => veKey(-1, 32)).toThrow(RangeError);
    expect(() => veKey(1.5, 32)).toThrow(RangeError);
  });

  it('codes reasons by their index, any unnamed migration reason as migration-failed', () => {
    expect(veReasonCode('')).toBe(0);
    expect(VE_REASONS[veReasonCode('host-silent')]).toBe('host-silent');
    expect(VE_REASONS[veReasonCode('no-room')]).toBe('no-room');
    expect(VE_REASONS[veReasonCode('disk-on-fire')]).toBe('migration-failed');
    const log = new VeLog(2);
    for (let k = 0; k < 3; k++) log.record({ node: 1, kind: 1, ve: k, vm: -1, target: -1, owner: 3, startMs: k, endMs: k + 0.5, ok: true, members: 2, failed: 0, reason: 0 });
    expect(log.drain().map((o) => o.ve)).toEqual([1, 2]);
    expect(log.dropped).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { VM_RUNNING, VM_SUSPENDED } from '../../src/platform/cloud.js';
import { STATE_SPACE_VE, stateKey } from '../../src/protocols/state-store.js';
import { STORE, type StoreProtocol } from '../../src/protocols/store/index.js';
import { decodeVeRecord, encodeVeRecord, veRecordWords, type VeResult, validateVeConfig, defaultVeConfig } from '../../src/protocols/ve/index.js';
import { VeWorld, type VeWorldOptions } from './ve-harness.js';

const N = 16;
const VE1 = [0, 5, 10];
/** No report after the start within the test's time: what the new owner knows comes from the store, or nowhere. */
const SLOW_REPORTS = { refreshPeriodMs: 10_000_000, entryTtlMs: 30_000_000 };

function configured(seed: number, registry: 'soft' | 'store'): VeWorld {
  const options: VeWorldOptions = { hosts: N, vmsPerHost: 2, seed, ve: { ...SLOW_REPORTS, registry }, ...(registry === 'store' ? { store: {} } : {}) };
  const w = new VeWorld(options);
  w.run(20_000);
  expect(w.allJoined()).toBe(true);
  w.arrive(1, VE1);
  w.run(w.nowMs() + 1000);
  expect(w.run1(2, (p, done) => p.configure(1, VE1, done))?.ok).toBe(true);
  return w;
}

function otherNode(w: VeWorld, avoid: readonly number[]): number {
  const busy = new Set([...avoid, w.ownerOf(1), ...VE1.map((vm) => w.world.cloud.hostOf(vm))]);
  for (let id = N - 1; id >= 0; id--) if (!busy.has(id)) return id;
  throw new Error('no other node');
}

const trueHosts = (w: VeWorld): number[] => VE1.map((vm) => w.world.cloud.hostOf(vm));

describe('the VE registry in the replicated store', () => {
  it('codes a record with its hosts and back, and refuses a malformed one', () => {
    const d = { record: { version: 12, state: 'suspended' as const, members: [3, 9] }, hosts: [4, -1], sites: [2, -1], observedAtMs: [1500.5, -1] };
    const data = encodeVeRecord(d);
    expect(data).toEqual([12, 2, 2, 3, 9, 4, 2, 1500.5, -1, -1, -1]);
    expect(data).toHaveLength(veRecordWords(2));
    expect(decodeVeRecord(data, 256)).toEqual(d);
    expect(decodeVeRecord(data.slice(0, -1), 256)).toBeNull();
    expect(decodeVeRecord([12, 2, 2, 9, 3, 4, 2, 0, 1, 1, 0], 256)).toBeNull(); // members out of order
    expect(decodeVeRecord([12, 7, 0], 256)).toBeNull(); // no such state
    expect(decodeVeRecord(data, 1)).toBeNull(); // more members than membersMax
  });

  it("writes the record at W on every change: the store's replicas hold the suspended state before the issuer hears of it", () => {
    const w = configured(3, 'store');
    const r = w.run1(2, (p, done) => p.suspend(1, done)) as VeResult;
    expect(r).toMatchObject({ ok: true, state: 'suspended' });
    const key = stateKey(STATE_SPACE_VE, 1);
    const held = [];
    for (let id = 0; id < N; id++) {
      const v = w.world.runtime.protocolOf<StoreProtocol>(id, STORE)?.held(key);
      if (v !== undefined) held.push(decodeVeRecord(v.data, 256));
    }
    expect(held.length).toBeGreaterThanOrEqual(2); // W = 2 of N = 3
    for (const d of held) expect(d).toMatchObject({ record: { version: r.version, state: 'suspended', members: VE1 }, hosts: trueHosts(w) });
    expect(w.world.counters.get('ve.registry_writes')).toBeGreaterThanOrEqual(2);
  });

  it("the owner crashes right after a suspend: the next owner reads the record from the store, and find and resume succeed before any report", () => {
    const w = configured(9, 'store');
    const owner = w.ownerOf(1);
    expect(trueHosts(w)).not.toContain(owner);
    const suspended = w.run1(2, (p, done) => p.suspend(1, done)) as VeResult;
    expect(suspended.ok).toBe(true);
    const reportsBefore = w.world.counters.get('ve.reports_received');
    w.world.runtime.crashNode(owner);
    w.run(w.nowMs() + 10_000); // Chord hands the key to the next node
    expect(w.ownerOf(1)).not.toBe(owner);
    const from = otherNode(w, [owner, 2]);
    const found = w.run1(from, (p, done) => p.find(1, done)) as VeResult;
    expect(found).toMatchObject({ ok: true, state: 'suspended', version: suspended.version, members: VE1, hosts: trueHosts(w), owner: w.ownerOf(1) });
    expect(w.world.counters.get('ve.records_loaded')).toBeGreaterThan(0);
    expect(w.run1(from, (p, done) => p.resume(1, done))?.ok).toBe(true);
    expect(VE1.map((vm) => w.world.cloud.vmState[vm])).toEqual([VM_RUNNING, VM_RUNNING, VM_RUNNING]);
    expect(w.world.counters.get('ve.reports_received')).toBe(reportsBefore); // no host reported meanwhile
  });

  it('with soft state alone, the same crash leaves the next owner without the record until the hosts report', () => {
    const w = configured(9, 'soft');
    const owner = w.ownerOf(1);
    expect(w.run1(2, (p, done) => p.suspend(1, done))?.ok).toBe(true);
    expect(VE1.map((vm) => w.world.cloud.vmState[vm])).toEqual([VM_SUSPENDED, VM_SUSPENDED, VM_SUSPENDED]);
    w.world.runtime.crashNode(owner);
    w.run(w.nowMs() + 10_000);
    const from = otherNode(w, [owner, 2]);
    expect(w.run1(from, (p, done) => p.find(1, done))).toMatchObject({ ok: false, reason: 'unknown-ve' });
    expect(w.run1(from, (p, done) => p.resume(1, done))).toMatchObject({ ok: false, reason: 'unknown-ve' });
  });

  it("refuses registry 'store' without a store, and a registry it does not know", () => {
    expect(() => new VeWorld({ hosts: 4, vmsPerHost: 1, seed: 1, ve: { registry: 'store' } })).toThrow(/registry 'store' needs the node's replicated store/);
    expect(() => validateVeConfig({ ...defaultVeConfig, registry: 'disk' as never })).toThrow(/VeConfig.registry: expected one of soft, store/);
  });
});

import { describe, expect, it } from 'vitest';
import { STATE_SPACE_VM, stateKey } from '../../src/protocols/state-store.js';
import { STORE, type StoreProtocol, StoreRing, storeKey } from '../../src/protocols/store/index.js';
import { decodeVmEntry, encodeVmEntry } from '../../src/protocols/vm-index/vm-entry-codec.js';
import { FAST_CHORD, FAST_INDEX, VmIndexRing } from './vm-index-harness.js';

const N = 32;
const VMS = 64;
const initialHost = (vm: number): number => (7 * vm) % N;
/** No refresh within the tests' time: an entry the Chord owner held would die with it. */
const IN_STORE = { ...FAST_INDEX, registry: 'store' as const, refreshPeriodMs: 10_000_000, entryTtlMs: 30_000_000 };

function published(seed: number): VmIndexRing {
  const ring = new VmIndexRing(N, seed, FAST_CHORD, IN_STORE, {});
  ring.run(30_000);
  for (let vm = 0; vm < VMS; vm++) expect(ring.index(initialHost(vm)).vmArrived(vm, 0)).toBe(true);
  ring.run(32_000);
  return ring;
}

function locateAll(ring: VmIndexRing, from: number): ReturnType<VmIndexRing['drain']> {
  ring.drain();
  for (let vm = 0; vm < VMS; vm++) {
    expect(ring.index(from).locate(vm)).toBe(true);
    if (vm % FAST_INDEX.locatesInFlightMax === FAST_INDEX.locatesInFlightMax - 1) ring.run(ring.nowMs() + 2500); // within locatesInFlightMax, failed reads included (2 s)
  }
  ring.run(ring.nowMs() + 3000);
  return ring.drain();
}

describe('the VM index in the replicated store (registry: store)', () => {
  it('codes an entry as [host, version] and refuses anything else', () => {
    expect(encodeVmEntry({ host: 5, version: 2 })).toEqual([5, 2]);
    expect(decodeVmEntry([5, 2])).toEqual({ host: 5, version: 2 });
    for (const bad of [[5], [5, 2, 0], [-1, 0], [5, 0.5]]) expect(decodeVmEntry(bad)).toBeNull();
  });

  it("keeps each VM's entry on the key's store replicas, none at Chord owners, and every locate returns the host in one round trip", () => {
    const ring = published(5);
    const key = stateKey(STATE_SPACE_VM, 9);
    const copies = [];
    for (let id = 0; id < N; id++) {
      expect(ring.index(id).entryCount).toBe(0);
      const held = ring.runtime.protocolOf<StoreProtocol>(id, STORE)?.held(key);
      if (held !== undefined) copies.push(decodeVmEntry(held.data));
    }
    expect(copies).toEqual([{ host: initialHost(9), version: 0 }, { host: initialHost(9), version: 0 }, { host: initialHost(9), version: 0 }]);
    const outcomes = locateAll(ring, 3);
    expect(outcomes).toHaveLength(VMS);
    for (const o of outcomes) expect(o).toMatchObject({ host: initialHost(o.vm), version: 0, owner: 3, hops: 1 });
  });

  it("loses nothing when the Chord owners of the VMs' keys crash, and names a moved VM's new host at once", () => {
    const ring = published(6);
    const owners = new Set(Array.from({ length: 8 }, (_, vm) => ring.ownerOf(vm)));
    owners.delete(0);
    for (const owner of owners) ring.runtime.crashNode(owner);
    ring.run(ring.nowMs() + 5000);
    const from = [...Array(N).keys()].find((id) => ring.runtime.isUp(id) && !owners.has(id)) as number;
    // Within the store's tolerance: the VM's host up, at most N - R = 1 of its key's home replicas down.
    const storeRing = new StoreRing(N, 0);
    const tolerated = (v: number): boolean => !owners.has(initialHost(v)) && storeRing.home(storeKey(stateKey(STATE_SPACE_VM, v)), 3).filter((r) => owners.has(r)).length <= 1;
    const outcomes = locateAll(ring, from).filter((o) => tolerated(o.vm));
    expect(outcomes.length).toBeGreaterThan(VMS / 2);
    const vm = [...Array(VMS).keys()].find((v) => tolerated(v) && !owners.has(initialHost(v) + 1) && initialHost(v) + 1 < N) as number;
    for (const o of outcomes) expect(o.host, `vm ${o.vm}`).toBe(initialHost(o.vm));
    ring.index(initialHost(vm)).vmDeparted(vm);
    ring.index(initialHost(vm) + 1).vmArrived(vm, 1);
    ring.run(ring.nowMs() + 1000);
    expect(ring.index(from).locate(vm)).toBe(true);
    ring.run(ring.nowMs() + 1000);
    expect(ring.drain()).toMatchObject([{ vm, host: initialHost(vm) + 1, version: 1 }]);
    expect(ring.counters.get('vmindex.publishes_failed')).toBe(0);
  });

  it('is deterministic: same seed, same locate outcomes and store traffic', () => {
    const once = (): unknown[] => {
      const ring = published(7);
      return [locateAll(ring, 4), ring.counters.get('store.messages.sent'), ring.counters.get('store.bytes.sent')];
    };
    const first = once();
    expect(first[1]).toBeGreaterThan(0);
    expect(once()).toEqual(first);
  });

  it("refuses registry 'store' without the node's store", () => {
    expect(() => new VmIndexRing(4, 1, FAST_CHORD, IN_STORE)).toThrow(/registry 'store' needs the node's replicated store/);
  });
});

import { describe, expect, it } from 'vitest';
import { chordRingId } from '../../src/protocols/chord/index.js';
import { IndexStore, LOCATE_UNKNOWN, LocateLog, type LocateOutcome, defaultVmIndexConfig, validateVmIndexConfig, vmKey } from '../../src/protocols/vm-index/index.js';

describe('vm keys', () => {
  it('hash 100,000 VM ids to distinct 32-bit keys, unrelated to the node ids of the ring', () => {
    const keys = new Set<number>();
    let onItsNode = 0;
    for (let vm = 0; vm < 100_000; vm++) {
      const key = vmKey(vm, 32);
      expect(Number.isInteger(key) && key >= 0 && key < 2 ** 32).toBe(true);
      keys.add(key);
      if (key === chordRingId(vm, 32)) onItsNode++;
    }
    expect(keys.size).toBe(100_000);
    expect(onItsNode).toBe(0);
  });

  it('keep the top bits for narrower rings, and reject ids that are not integers in [0, 2^31)', () => {
    expect(vmKey(42, 8)).toBe(vmKey(42, 32) >>> 24);
    expect(() => vmKey(-1, 32)).toThrow(RangeError);
    expect(() => vmKey(1.5, 32)).toThrow(RangeError);
    expect(() => vmKey(2 ** 31, 32)).toThrow(RangeError);
  });
});

describe('the owner store', () => {
  it('never lets an older put overwrite a newer one, whatever the arrival order', () => {
    const store = new IndexStore(16, 10_000);
    expect(store.put(7, 3, 2, 0)).toBe('stored');
    expect(store.put(7, 5, 1, 10)).toBe('older'); // the previous host's late put
    expect(store.get(7, 20)).toEqual({ host: 3, version: 2 });
    expect(store.put(7, 9, 3, 30)).toBe('stored'); // the next move
    expect(store.put(7, 3, 2, 40)).toBe('older'); // a refresh from the host it left
    expect(store.get(7, 50)).toEqual({ host: 9, version: 3 });
  });

  it('refreshes an entry of the same version and host, and keeps the first host on a conflicting equal version', () => {
    const store = new IndexStore(16, 1000);
    store.put(1, 4, 0, 0);
    expect(store.put(1, 4, 0, 900)).toBe('refreshed');
    expect(store.get(1, 1800)).toEqual({ host: 4, version: 0 }); // alive 1000 ms after the refresh, not the first put
    expect(store.put(1, 6, 0, 1850)).toBe('conflict');
    expect(store.get(1, 1850)).toEqual({ host: 4, version: 0 });
  });

  it('forgets an entry ttlMs after its last refresh; an expired entry no longer guards its version', () => {
    const store = new IndexStore(16, 1000);
    store.put(1, 4, 5, 0);
    expect(store.get(1, 999)).not.toBeNull();
    expect(store.get(1, 1000)).toBeNull();
    expect(store.expired).toBe(1);
    store.put(2, 4, 5, 2000);
    expect(store.put(2, 8, 1, 3500)).toBe('stored'); // expired at 3000: any put is taken
    expect(store.get(2, 3500)).toEqual({ host: 8, version: 1 });
  });

  it('holds at most entriesMax entries: expired ones go first, then the least recently refreshed is evicted and counted', () => {
    const store = new IndexStore(3, 1000);
    store.put(1, 0, 0, 0);
    store.put(2, 0, 0, 100);
    store.put(3, 0, 0, 200);
    store.put(1, 0, 0, 300); // refreshed: VM 2 is now the least recently refreshed
    store.put(4, 0, 0, 400);
    expect(store.size).toBe(3);
    expect(store.evicted).toBe(1);
    expect(store.get(2, 400)).toBeNull();
    expect(store.get(1, 400)).not.toBeNull();
    // At 1250, VM 3 (refreshed at 200) has expired: a new VM takes its place without an eviction.
    store.put(5, 0, 0, 1250);
    expect(store.size).toBe(3);
    expect(store.evicted).toBe(1);
    expect(store.expired).toBe(1);
    for (let vm = 10; vm < 1000; vm++) store.put(vm, 0, 0, 1290); // none expired yet (VM 1 expires at 1300)
    expect(store.size).toBe(3);
    expect(store.evicted).toBe(1 + 990); // every new VM beyond the bound evicted one
  });

  it('sweeps the expired entries from the front only', () => {
    const store = new IndexStore(10, 1000);
    for (let vm = 0; vm < 5; vm++) store.put(vm, 0, 0, vm * 100);
    expect(store.sweep(1250)).toBe(3); // expiring at 1000, 1100, 1200
    expect(store.size).toBe(2);
  });
});

describe('the locate log', () => {
  const outcome = (vm: number): LocateOutcome => ({ locator: 0, vm, host: LOCATE_UNKNOWN, version: -1, owner: 1, hops: 2, startedAtMs: vm, answeredAtMs: vm + 1, finishedAtMs: vm + 2 });

  it('keeps the newest outcomes up to its bound, counts the dropped ones, and empties on drain', () => {
    const log = new LocateLog(3);
    for (let vm = 0; vm < 5; vm++) log.record(outcome(vm));
    expect(log.dropped).toBe(2);
    expect(log.drain().map((o) => o.vm)).toEqual([2, 3, 4]);
    expect(log.drain()).toEqual([]);
    log.record(outcome(9));
    expect(log.drain().map((o) => o.vm)).toEqual([9]);
  });
});

describe('vm index config', () => {
  it('accepts the defaults and rejects a ttl not above the refresh period', () => {
    expect(() => validateVmIndexConfig(defaultVmIndexConfig)).not.toThrow();
    expect(() => validateVmIndexConfig({ ...defaultVmIndexConfig, entryTtlMs: defaultVmIndexConfig.refreshPeriodMs })).toThrow(/entryTtlMs/);
    expect(() => validateVmIndexConfig({ ...defaultVmIndexConfig, entriesMax: 0 })).toThrow(/entriesMax/);
  });
});

import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import { chordRingId } from '../../src/protocols/chord/index.js';
import { type VmIndexPut, vmKey } from '../../src/protocols/vm-index/index.js';
import { FAST_CHORD, FAST_INDEX, VmIndexRing } from './vm-index-harness.js';

const N = 64;
const VMS = 200;
/** The largest one-way delay of the plane matrices (RTT = 2 x distance + 1 ms, distance <= 100 sqrt 2). */
const ONE_WAY_MAX_MS = (2 * 100 * Math.SQRT2 + 1) / 2;

/** VM v starts on host (7 v) mod N: every host runs 3 or 4 VMs. */
const initialHost = (vm: number): number => (7 * vm) % N;

/** A settled ring of N nodes with VMS VMs published (60 s to settle, then 5 s to publish). */
function settledRing(seed: number, style: 'iterative' | 'recursive' = 'iterative'): VmIndexRing {
  const ring = new VmIndexRing(N, seed, { ...FAST_CHORD, lookupStyle: style });
  ring.run(60_000);
  expect(ring.allJoined()).toBe(true);
  for (let vm = 0; vm < VMS; vm++) expect(ring.index(initialHost(vm)).vmArrived(vm, 0)).toBe(true);
  ring.run(65_000);
  return ring;
}

/** Every node locates `perNode` VMs (node i: VMs i x perNode ...), then runs `forMs`; returns the outcomes. */
function locateRound(ring: VmIndexRing, perNode: number, forMs = 5000): ReturnType<VmIndexRing['drain']> {
  ring.drain();
  for (let node = 0; node < N; node++) {
    if (!ring.runtime.isUp(node)) continue;
    for (let j = 0; j < perNode; j++) expect(ring.index(node).locate((node * perNode + j) % VMS)).toBe(true);
  }
  ring.run(ring.nowMs() + forMs);
  return ring.drain();
}

describe('chord lookups for services of the same node', () => {
  for (const style of ['iterative', 'recursive'] as const) {
    it(`refuses before the node is in a ring, then resolves keys to their true successor, calling back only from later handlers (${style})`, () => {
      const ring = new VmIndexRing(N, 5, { ...FAST_CHORD, lookupStyle: style });
      expect(ring.chord(5)!.lookup(0, () => undefined)).toBe(false);
      ring.run(60_000);
      const rng = randomStream(5, 'service-keys');
      const results: { node: number; key: number; owner: number; hops: number; inside: boolean }[] = [];
      let inside = false;
      for (let k = 0; k < 300; k++) {
        const node = k % N;
        // One key in three is the node's own identifier: it owns it, and must still answer later.
        const key = k % 3 === 0 ? chordRingId(node, 32) : rng.int(2 ** 32);
        inside = true;
        const accepted = ring.chord(node)!.lookup(key, (owner, hops) => results.push({ node, key, owner, hops, inside }));
        inside = false;
        expect(accepted).toBe(true);
      }
      ring.run(70_000);
      expect(results.length).toBe(300);
      for (const r of results) {
        expect(r.inside).toBe(false);
        const members = Array.from({ length: N }, (_, id) => ({ id, ringId: chordRingId(id, 32) })).sort((a, b) => a.ringId - b.ringId);
        const owner = (members.find((m) => m.ringId >= r.key) ?? members[0]).id;
        expect(r.owner, `key ${r.key} from ${r.node}`).toBe(owner);
        if (owner === r.node) expect(r.hops).toBe(0);
      }
    });
  }

  it('refuses beyond lookupsInFlightMax service lookups in flight, a budget apart from the workload', () => {
    const ring = new VmIndexRing(N, 6, { ...FAST_CHORD, lookupPeriodMs: 100 });
    ring.run(60_000);
    const chord = ring.chord(3)!;
    let done = 0;
    const far = (chordRingId(3, 32) + 2 ** 31) % 2 ** 32; // owned by a node across the ring
    for (let k = 0; k < FAST_CHORD.lookupsInFlightMax; k++) expect(chord.lookup(far, () => done++)).toBe(true);
    expect(chord.lookup(far, () => done++)).toBe(false);
    ring.run(62_000);
    expect(done).toBe(FAST_CHORD.lookupsInFlightMax);
    expect(ring.counters.get('chord.lookups_skipped')).toBe(0);
    expect(chord.lookup(far, () => done++)).toBe(true);
  });
});

describe('the VM index on a static ring of 64 nodes', () => {
  for (const style of ['iterative', 'recursive'] as const) {
    it(`after settling, the owner of each VM's key holds its host, and every locate of a VM that did not move returns it (${style})`, () => {
      const ring = settledRing(11, style);
      for (let vm = 0; vm < VMS; vm++) expect(ring.index(ring.ownerOf(vm)).entryOf(vm), `vm ${vm}`).toEqual({ host: initialHost(vm), version: 0 });
      const first = locateRound(ring, 10);
      // Four refresh periods later (the TTL is three), the soft state still holds every VM.
      ring.run(ring.nowMs() + 4 * FAST_INDEX.refreshPeriodMs);
      const later = locateRound(ring, 10);
      for (const outcomes of [first, later]) {
        expect(outcomes.length).toBe(N * 10);
        for (const o of outcomes) {
          expect(o.host, `vm ${o.vm} located from ${o.node}`).toBe(initialHost(o.vm));
          expect(o.owner).toBe(ring.ownerOf(o.vm));
          expect(o.answeredAtMs).toBeGreaterThanOrEqual(o.startedAtMs);
          expect(o.finishedAtMs).toBeGreaterThanOrEqual(o.answeredAtMs);
        }
        const meanHops = outcomes.reduce((s, o) => s + o.hops, 0) / outcomes.length;
        expect(meanHops).toBeLessThan(Math.log2(N) + 1);
      }
      expect(ring.counters.get('vmindex.puts_older')).toBe(0);
    });
  }

  it('after a move, the owner holds the new host within one lookup and put round, and a late put of the old host is rejected', () => {
    const ring = settledRing(12);
    const vm = 17;
    const from = initialHost(vm);
    const to = (from + 1) % N;
    const owner = ring.ownerOf(vm);
    const movedAtMs = ring.nowMs();
    ring.index(from).vmDeparted(vm);
    expect(ring.index(to).vmArrived(vm, 1)).toBe(true);
    // The same lookup, from the same node at the same instant: the put lands one message after it answers.
    let lookupDoneMs = NaN;
    ring.chord(to)!.lookup(vmKey(vm, 32), () => (lookupDoneMs = ring.nowMs()));
    let updatedMs = NaN;
    for (let t = movedAtMs + 1; t <= movedAtMs + 5000 && Number.isNaN(updatedMs); t++) {
      ring.run(t);
      if (ring.index(owner).entryOf(vm)?.version === 1) updatedMs = ring.nowMs();
    }
    expect(ring.index(owner).entryOf(vm)).toEqual({ host: to, version: 1 });
    expect(updatedMs - lookupDoneMs).toBeLessThanOrEqual(ONE_WAY_MAX_MS + 1);
    for (let node = 0; node < N; node++) ring.index(node).locate(vm);
    ring.run(ring.nowMs() + 5000);
    const answers = ring.drain();
    expect(answers.length).toBe(N);
    for (const o of answers) expect(o.host).toBe(to);
    // A put of the old location arriving late (version 0) changes nothing.
    const late: VmIndexPut = { type: 'vmindex.put', vm, host: from, version: 0 };
    ring.index(owner).onMessage(from, late);
    expect(ring.index(owner).entryOf(vm)).toEqual({ host: to, version: 1 });
    expect(ring.counters.get('vmindex.puts_older')).toBe(1);
    // The host it left no longer re-publishes it: three refresh periods on, no other older put.
    ring.run(ring.nowMs() + 3 * FAST_INDEX.refreshPeriodMs);
    expect(ring.counters.get('vmindex.puts_older')).toBe(1);
    expect(ring.index(from).hostedVms()).not.toContain(vm);
  });

  it("re-publishes every refresh period, so entries survive their owner's crash", () => {
    const ring = settledRing(13);
    const vm = 23;
    const owner = ring.ownerOf(vm);
    expect(owner).not.toBe(initialHost(vm));
    expect(owner).not.toBe(0); // the ring creator stays
    ring.runtime.crashNode(owner);
    ring.run(ring.nowMs() + 3 * FAST_CHORD.rpcTimeoutMs + FAST_INDEX.refreshPeriodMs + 2000);
    const heir = ring.ownerOf(vm);
    expect(heir).not.toBe(owner);
    expect(ring.index(heir).entryOf(vm)).toEqual({ host: initialHost(vm), version: 0 });
    const outcomes = locateRound(ring, 10).filter((o) => initialHost(o.vm) !== owner); // VMs of the crashed host are gone with it
    expect(outcomes.length).toBeGreaterThan(500);
    for (const o of outcomes) expect(o.host, `vm ${o.vm}`).toBe(initialHost(o.vm));
  });

  it('hands the keys of a joining node over within one refresh period, without any handoff message', () => {
    const joiner = 9;
    const ring = new VmIndexRing(N, 14);
    ring.runtime.crashNode(joiner);
    ring.run(60_000);
    for (let vm = 0; vm < VMS; vm++) if (initialHost(vm) !== joiner) ring.index(initialHost(vm)).vmArrived(vm, 0);
    ring.run(65_000);
    ring.runtime.recoverNode(joiner);
    const recoveredMs = ring.nowMs();
    for (let t = recoveredMs + 100; !ring.chord(joiner)!.isJoined() && t < recoveredMs + 30_000; t += 100) ring.run(t);
    expect(ring.chord(joiner)!.isJoined()).toBe(true);
    ring.run(ring.nowMs() + FAST_INDEX.refreshPeriodMs + 3000); // one refresh period, and a lookup + put round
    const taken = Array.from({ length: VMS }, (_, vm) => vm).filter((vm) => initialHost(vm) !== joiner && ring.ownerOf(vm) === joiner);
    expect(taken.length).toBeGreaterThan(0);
    for (const vm of taken) expect(ring.index(joiner).entryOf(vm), `vm ${vm}`).toEqual({ host: initialHost(vm), version: 0 });
    const outcomes = locateRound(ring, 10).filter((o) => initialHost(o.vm) !== joiner);
    for (const o of outcomes) expect(o.host, `vm ${o.vm}`).toBe(initialHost(o.vm));
  });

  it('keeps at most entriesMax entries per owner, evicting and counting beyond it', () => {
    const ring = new VmIndexRing(N, 16, FAST_CHORD, { ...FAST_INDEX, entriesMax: 2 });
    ring.run(60_000);
    for (let vm = 0; vm < VMS; vm++) ring.index(initialHost(vm)).vmArrived(vm, 0);
    ring.run(62_000);
    const perOwner = new Map<number, number>();
    for (let vm = 0; vm < VMS; vm++) perOwner.set(ring.ownerOf(vm), (perOwner.get(ring.ownerOf(vm)) ?? 0) + 1);
    const beyond = [...perOwner.values()].reduce((s, count) => s + Math.max(0, count - 2), 0);
    expect(beyond).toBeGreaterThan(0);
    for (let node = 0; node < N; node++) expect(ring.index(node).entryCount).toBeLessThanOrEqual(2);
    // At least one eviction per VM beyond the bound; more as refreshes of evicted VMs evict others in turn.
    expect(ring.counters.get('vmindex.entries_evicted')).toBeGreaterThanOrEqual(beyond);
  });

  it('is deterministic: same seed, same locate outcomes under the periodic workload and moves', () => {
    const run = (): string => {
      const ring = new VmIndexRing(N, 15, FAST_CHORD, { ...FAST_INDEX, locatePeriodMs: 500, locateStartMs: 30_000 });
      ring.run(30_000);
      for (let vm = 0; vm < VMS; vm++) ring.index(initialHost(vm)).vmArrived(vm, 0);
      const rng = randomStream(15, 'moves');
      const hostOf = Array.from({ length: VMS }, (_, vm) => initialHost(vm));
      const version = new Array<number>(VMS).fill(0);
      for (let t = 31_000; t < 60_000; t += 250) {
        ring.run(t);
        const vm = rng.int(VMS);
        const to = rng.int(N);
        if (to === hostOf[vm]) continue;
        ring.index(hostOf[vm]).vmDeparted(vm);
        ring.index(to).vmArrived(vm, ++version[vm]);
        hostOf[vm] = to;
      }
      ring.run(60_000);
      ring.drain();
      expect(ring.outcomes.length).toBeGreaterThan(N * 50);
      return JSON.stringify(ring.outcomes);
    };
    expect(run()).toBe(run());
  });
});

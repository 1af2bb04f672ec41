import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCATE_FAILED, LOCATE_UNKNOWN, type LocateOutcome } from '../../src/protocols/vm-index/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { judgeLocate, type PlacementTruth } from '../../src/scenario/probes/vm-index-probe.js';
import type { VmPlacement } from '../../src/scenario/vm-placement.js';
import type { CloudVmHistory } from '../../src/scenario/probes/cloud-vm-history.js';
import type { Cloud } from '../../src/platform/cloud.js';
import { ROOT } from '../support/dist-build.js';
import { VmIndexRing } from '../protocols/vm-index-harness.js';

describe('judging a locate against the true placement', () => {
  // VM 1: on host 3 from 0 ms, on host 5 from 1000 ms, on host 8 from 2000 ms.
  const moves = [
    { atMs: 0, host: 3 },
    { atMs: 1000, host: 5 },
    { atMs: 2000, host: 8 },
  ];
  const hostAt = (_vm: number, t: number): number => moves.filter((m) => m.atMs <= t).at(-1)?.host ?? -1;
  const truth: PlacementTruth = {
    hostAt,
    wasOnDuring: (vm, host, from, to) => hostAt(vm, from) === host || moves.some((m) => m.atMs > from && m.atMs <= to && m.host === host),
  };
  const locate = (host: number, startedAtMs: number, answeredAtMs: number): LocateOutcome => ({ locator: 0, vm: 1, host, version: 0, owner: 2, hops: 3, startedAtMs, answeredAtMs, finishedAtMs: answeredAtMs + 10 });

  it('is a success when the answer is the host at the owner answer time, even if the VM moved before the answer came back', () => {
    expect(judgeLocate(locate(5, 1500, 1990), truth)).toBe('success');
    expect(judgeLocate({ ...locate(5, 1500, 1990), finishedAtMs: 2050 }, truth)).toBe('success');
  });

  it('is stale when the VM left the answered host while the locate was in flight, and wrong when it had left before', () => {
    expect(judgeLocate(locate(3, 900, 1100), truth)).toBe('stale');
    expect(judgeLocate(locate(3, 1100, 1200), truth)).toBe('wrong');
    expect(judgeLocate(locate(9, 100, 200), truth)).toBe('wrong');
  });

  it('tells unknown from failed', () => {
    expect(judgeLocate(locate(LOCATE_UNKNOWN, 100, 200), truth)).toBe('unknown');
    expect(judgeLocate({ ...locate(LOCATE_FAILED, 100, NaN) }, truth)).toBe('failed');
  });

  it('is a success when the VM exists nowhere (lost with its host) and the owner answers unknown; its last host is stale in flight, wrong after', () => {
    // VM 1 on host 3 from 0 ms, lost with it at 1000 ms.
    const lostAt = (_vm: number, t: number): number => (t < 0 ? -1 : t < 1000 ? 3 : -1);
    const lost: PlacementTruth = { hostAt: lostAt, wasOnDuring: (vm, host, from, to) => host === 3 && from < 1000 && to >= 0 };
    expect(judgeLocate(locate(LOCATE_UNKNOWN, 1100, 1200), lost)).toBe('success');
    expect(judgeLocate(locate(LOCATE_UNKNOWN, 900, 990), lost)).toBe('unknown');
    expect(judgeLocate(locate(3, 900, 1100), lost)).toBe('stale');
    expect(judgeLocate(locate(3, 1100, 1200), lost)).toBe('wrong');
    expect(judgeLocate({ ...locate(LOCATE_FAILED, 1100, NaN) }, lost)).toBe('failed');
  });
});

describe('the VM index\'s VMs in the cloud model', () => {
  const setUp = (seed: number, movesPerS: number): { ring: VmIndexRing; placement: VmPlacement; truth: CloudVmHistory; cloud: Cloud } => {
    const ring = new VmIndexRing(32, seed);
    ring.runtime.crashNode(4);
    const placed = ring.placeVms({ seed, vmCount: 300, movesPerS });
    placed.placement.start();
    return { ring, ...placed };
  };

  /** No VM on two hosts, none lost: each VM is hosted by exactly the node the cloud model says. */
  const checkAgents = (ring: VmIndexRing, placement: VmPlacement): void => {
    const seen = new Map<number, number>();
    for (let h = 0; h < ring.n; h++) {
      if (!ring.runtime.isUp(h)) continue;
      for (const vm of ring.index(h).hostedVms()) {
        expect(seen.has(vm), `vm ${vm} on ${seen.get(vm)} and ${h}`).toBe(false);
        seen.set(vm, h);
      }
    }
    for (let vm = 0; vm < placement.vmCount; vm++) expect(seen.get(vm), `vm ${vm}`).toBe(placement.hostNow(vm));
  };

  it('creates every VM on an up host, moves them as a Poisson process, and keeps each hosting agent told', () => {
    const { ring, placement, truth, cloud } = setUp(21, 2);
    expect(cloud.vmCount).toBe(300);
    for (let vm = 0; vm < 300; vm++) expect(truth.hostAt(vm, 0)).not.toBe(4);
    checkAgents(ring, placement);
    ring.run(100_000);
    checkAgents(ring, placement);
    expect(cloud.checkInvariants()).toEqual([]);
    const moves = ring.counters.get('vms.moves');
    expect(moves).toBeGreaterThan(200 - 3 * Math.sqrt(200));
    expect(moves).toBeLessThan(200 + 3 * Math.sqrt(200));
    let changed = 0;
    for (let vm = 0; vm < 300; vm++) if (truth.hostAt(vm, 0) !== truth.hostAt(vm, 100_000)) changed++;
    expect(changed).toBeGreaterThan(100);
    for (let vm = 0; vm < 300; vm++) expect(truth.hostAt(vm, 100_000)).toBe(cloud.vmHost[vm]);
    expect(truth.hostAt(0, -1)).toBe(-1);
  });

  it('loses the VMs of a crashed host with it, and restarts them on live hosts within its check period', () => {
    const { ring, placement, truth, cloud } = setUp(22, 0);
    ring.run(10_000);
    const victim = placement.hostNow(0);
    const onVictim = Array.from({ length: 300 }, (_, vm) => vm).filter((vm) => placement.hostNow(vm) === victim);
    ring.runtime.crashNode(victim);
    expect(cloud.vmsLost).toBe(onVictim.length);
    for (const vm of onVictim) expect(truth.hostAt(vm, 10_000)).toBe(-1);
    ring.run(11_000);
    for (const vm of onVictim) {
      expect(placement.hostNow(vm)).not.toBe(victim);
      expect(ring.runtime.isUp(placement.hostNow(vm))).toBe(true);
      expect(truth.wasOnDuring(vm, victim, 9_999, 11_000)).toBe(true);
    }
    expect(cloud.vmsLost).toBe(0);
    expect(ring.counters.get('vms.lost')).toBe(onVictim.length);
    expect(ring.counters.get('vms.restored')).toBe(onVictim.length);
    checkAgents(ring, placement);
  });

  it('keeps the VMs of a host whose agent restarted (the machine ran on), and tells its fresh index of them within its check period', () => {
    const { ring, placement } = setUp(24, 0);
    ring.run(10_000);
    const host = placement.hostNow(0);
    const held = [...ring.index(host).hostedVms()].sort((a, b) => a - b);
    expect(held.length).toBeGreaterThan(0);
    ring.runtime.crashNode(host, false);
    ring.runtime.recoverNode(host);
    expect([...ring.index(host).hostedVms()]).toEqual([]);
    ring.run(11_000);
    expect([...ring.index(host).hostedVms()].sort((a, b) => a - b)).toEqual(held);
    expect(ring.counters.get('vms.lost')).toBe(0);
    checkAgents(ring, placement);
  });

  it('is deterministic: same seed, same history', () => {
    const history = (): number[] => {
      const { ring, truth } = setUp(23, 5);
      ring.run(20_000);
      return Array.from({ length: 300 }, (_, vm) => [truth.hostAt(vm, 5000), truth.hostAt(vm, 20_000)]).flat();
    };
    expect(history()).toEqual(history());
  });
});

describe('renater-vm-index, end to end', () => {
  const finals = (overrides: string[]): Record<string, number> => {
    const file = join(ROOT, 'scenarios', 'renater-vm-index.yaml');
    return runScenario(loadScenario(file, overrides), file).series.finalValues();
  };

  it('on a static network, >= 99% of locates return the true host, in a few hops and tens of ms', () => {
    const f = finals(['durationS=400']);
    expect(f['vmindex.locates']).toBeGreaterThan(10_000);
    expect(f['vms.moves']).toBeGreaterThan(20);
    expect(f['vmindex.success_share']).toBeGreaterThanOrEqual(0.99);
    expect(f['vmindex.success_share_total']).toBeGreaterThanOrEqual(0.99);
    for (const share of ['stale', 'unknown', 'wrong', 'failed']) expect(f[`vmindex.${share}_share`]).toBeLessThanOrEqual(0.01);
    expect(f['vmindex.median_latency_ms']).toBeGreaterThan(0);
    expect(f['vmindex.median_latency_ms']).toBeLessThan(200);
    expect(f['vmindex.mean_hops']).toBeGreaterThan(1);
    expect(f['vmindex.mean_hops']).toBeLessThan(2 * Math.log2(224));
    expect(f['vmindex.entries']).toBe(2240);
  });

  it('with a PoP down for 2 minutes, the VMs of its hosts are lost with them and restarted elsewhere, and the index answers right again once re-published', () => {
    const f = finals(['durationS=600', 'faults=[{kind: pop-crash, atS: 300, pop: 0, durationS: 120}]']);
    expect(f['vms.lost']).toBeGreaterThan(0);
    expect(f['vms.restored']).toBe(f['vms.lost']);
    expect(f['vmindex.success_share_total']).toBeGreaterThan(0.95);
    expect(f['vmindex.success_share']).toBeGreaterThanOrEqual(0.99);
  });
});

describe('a VM index in a scenario with a cloud section', () => {
  it("puts the index's VMs in the scenario's cloud model after its own VMs, checked at every sample, and locates them there", () => {
    const file = join(ROOT, 'scenarios', 'renater-dvms.yaml');
    const overrides = ['durationS=200', 'protocols.vmIndex={"vmCount": 300, "movesPerS": 1, "locateStartMs": 60000}', 'cloud.checkInvariants=true'];
    const scenario = loadScenario(file, overrides);
    let cloud: Cloud | null = null;
    const f = runScenario(scenario, file, { instrument: (run) => (cloud = run.cloud?.cloud ?? null) }).series.finalValues();
    const model = cloud as Cloud | null;
    const own = (scenario.cloud?.vm.perHost ?? 0) * (model?.hostCount ?? 0);
    expect(model?.vmCount).toBe(own + 300);
    expect(f['vms.moves']).toBeGreaterThan(100);
    expect(f['vmindex.locates']).toBeGreaterThan(1000);
    expect(f['vmindex.success_share_total']).toBeGreaterThanOrEqual(0.99);
  });
});

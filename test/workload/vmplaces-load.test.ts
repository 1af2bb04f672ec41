import { describe, expect, it } from 'vitest';
import { randomStream, type Random } from '../../src/kernel/index.js';
import {
  LoadDistribution,
  VM_LOAD_DEFAULTS,
  VmLoadChanges,
  normaliseVmLoadConfig,
  quantiseLoadPercent,
  type LoadChange,
} from '../../src/workload/index.js';

const US_PER_S = 1_000_000;

function take(source: VmLoadChanges, count: number): LoadChange[] {
  const out: LoadChange[] = [];
  for (let i = 0; i < count; i++) out.push(source.next());
  return out;
}

function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

describe('VMPlaceS load changes', () => {
  it('uses the VMPlaceS defaults: 300 s per VM, N(60, 20) %, 10 slots, VMs starting at 0%', () => {
    expect(VM_LOAD_DEFAULTS).toEqual({ changePeriodS: 300, loadPercentMean: 60, loadPercentSd: 20, slots: 10, initialLoad: 'zero' });
  });

  it('makes 1,000 VMs change 100,000 times (within 4 sd = 1,265) in 30,000 s at 300 s per VM, with exponential gaps', () => {
    const source = VmLoadChanges.fromSeed(1, 1000);
    const horizonUs = 30_000 * US_PER_S;
    const gapsUs: number[] = [];
    let count = 0;
    let previousUs = 0;
    for (let change = source.next(); change.timeUs < horizonUs; change = source.next()) {
      gapsUs.push(change.timeUs - previousUs);
      previousUs = change.timeUs;
      count++;
    }
    const expected = (1000 / 300) * 30_000;
    expect(Math.abs(count - expected)).toBeLessThan(4 * Math.sqrt(expected));
    // Exponential gaps: sd equal to the mean (a regular or uniform-gap process would fail this).
    const { mean, sd } = meanAndSd(gapsUs);
    expect(mean).toBeCloseTo(300_000, -4); // 0.3 s between changes of any VM
    expect(sd / mean).toBeGreaterThan(0.97);
    expect(sd / mean).toBeLessThan(1.03);
  });

  it('gives integer, non-decreasing times in microseconds and VMs in [0, vmCount)', () => {
    const changes = take(VmLoadChanges.fromSeed(2, 7, { changePeriodS: 0.000_01 }), 5000); // gaps of ~1.4 us: many ties
    let previousUs = 0;
    for (const { timeUs, vm } of changes) {
      expect(Number.isInteger(timeUs)).toBe(true);
      expect(timeUs).toBeGreaterThanOrEqual(previousUs);
      expect(vm >= 0 && vm < 7 && Number.isInteger(vm)).toBe(true);
      previousUs = timeUs;
    }
    expect(changes.some((c, i) => i > 0 && c.timeUs === changes[i - 1].timeUs)).toBe(true);
  });

  it('picks VMs uniformly: chi-square of 200,000 changes over 40 VMs between 10 and 90 (39 degrees of freedom)', () => {
    const vmCount = 40;
    const counts = new Array<number>(vmCount).fill(0);
    const source = VmLoadChanges.fromSeed(3, vmCount);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[source.next().vm]++;
    const expected = n / vmCount;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(90);
    expect(chiSquare).toBeGreaterThan(10); // not suspiciously even (round robin gives 0)
  });

  it('draws unquantised loads with mean 60 +- 0.25 and sd 20 +- 0.2 before clipping (200,000 draws)', () => {
    const loads = new LoadDistribution(VM_LOAD_DEFAULTS, randomStream(4, 'workload.load'));
    const raw: number[] = [];
    for (let i = 0; i < 200_000; i++) raw.push(loads.drawRawPercent());
    const { mean, sd } = meanAndSd(raw);
    expect(Math.abs(mean - 60)).toBeLessThan(0.25);
    expect(Math.abs(sd - 20)).toBeLessThan(0.2);
    expect(raw.some((x) => x < 0)).toBe(true); // not clipped yet
  });

  it('uses both values of each Box-Muller pair: 1,000 normal draws take 1,000 uniforms', () => {
    const inner = randomStream(5, 'workload.load');
    let uniforms = 0;
    const counting: Random = { ...inner, next: () => (uniforms++, inner.next()) };
    const loads = new LoadDistribution(VM_LOAD_DEFAULTS, counting);
    for (let i = 0; i < 1000; i++) loads.drawRawPercent();
    expect(uniforms).toBe(1000);
  });

  it('sets loads to multiples of 10% in [0, 100], with 0% about P(N(60, 20) < 5) = 0.298% and 100% about P(N > 95) = 4.01%', () => {
    const n = 200_000;
    const source = VmLoadChanges.fromSeed(6, 100);
    const levels = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const { loadPercent } = source.next();
      levels.set(loadPercent, (levels.get(loadPercent) ?? 0) + 1);
    }
    expect([...levels.keys()].sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const withinSd = (observed: number, p: number): number => Math.abs(observed - n * p) / Math.sqrt(n * p * (1 - p));
    expect(withinSd(levels.get(0) ?? 0, 0.0029798)).toBeLessThan(5); // Phi(-2.75)
    expect(withinSd(levels.get(100) ?? 0, 0.0400592)).toBeLessThan(5); // Phi(-1.75)
    expect(withinSd(levels.get(60) ?? 0, 0.1974127)).toBeLessThan(5); // Phi(0.25) - Phi(-0.25)
  });

  it('quantises to the nearest slot, ties up, after clipping to [0, 100]', () => {
    expect(quantiseLoadPercent(44.9, 10)).toBe(40);
    expect(quantiseLoadPercent(45, 10)).toBe(50);
    expect(quantiseLoadPercent(4.99, 10)).toBe(0);
    expect(quantiseLoadPercent(-30, 10)).toBe(0);
    expect(quantiseLoadPercent(130, 10)).toBe(100);
    expect(quantiseLoadPercent(37.5, 4)).toBe(50);
    expect(quantiseLoadPercent(37.4, 4)).toBe(25);
    expect(quantiseLoadPercent(99, 1)).toBe(100);
    expect(quantiseLoadPercent(49, 1)).toBe(0);
  });

  it('with 4 slots sets loads to 0, 25, 50, 75 or 100%', () => {
    const values = new Set(take(VmLoadChanges.fromSeed(7, 10, { slots: 4 }), 20_000).map((c) => c.loadPercent));
    expect([...values].sort((a, b) => a - b)).toEqual([0, 25, 50, 75, 100]);
  });

  it('gives the same first 10,000 changes for the same seed, and others for another stream or seed', () => {
    const a = take(VmLoadChanges.fromSeed(42, 500), 10_000);
    const b = take(VmLoadChanges.fromSeed(42, 500), 10_000);
    expect(b).toEqual(a);
    const otherStream = take(new VmLoadChanges(500, {}, randomStream(42, 'workload.other')), 10_000);
    const otherSeed = take(VmLoadChanges.fromSeed(43, 500), 10_000);
    expect(otherStream).not.toEqual(a);
    expect(otherSeed).not.toEqual(a);
    expect(otherStream.filter((c, i) => c.vm === a[i].vm).length).toBeLessThan(100); // ~20 by chance
  });

  it('keeps its first changes for seed 42 and 500 VMs (golden)', () => {
    expect(take(VmLoadChanges.fromSeed(42, 500), 3)).toEqual(GOLDEN_SEED_42);
  });

  it('starts VMs at 0% by default, or at loads drawn from the change distribution', () => {
    expect([...VmLoadChanges.fromSeed(8, 5).initialLoads()]).toEqual([0, 0, 0, 0, 0]);
    const drawn = VmLoadChanges.fromSeed(8, 10_000, { initialLoad: 'drawn' });
    const loads = [...drawn.initialLoads()];
    expect(loads.every((x) => x % 10 === 0 && x >= 0 && x <= 100)).toBe(true);
    expect(Math.abs(meanAndSd(loads).mean - 60)).toBeLessThan(1);
    drawn.initialLoads()[0] = -1; // a copy
    expect(drawn.initialLoads()[0]).toBe(loads[0]);
  });

  it('rejects each invalid parameter with a RangeError naming it', () => {
    expect(() => normaliseVmLoadConfig({ changePeriodS: 0 })).toThrow(/changePeriodS: expected a finite number > 0, found 0/);
    expect(() => normaliseVmLoadConfig({ changePeriodS: Infinity })).toThrow(/changePeriodS/);
    expect(() => normaliseVmLoadConfig({ loadPercentMean: NaN })).toThrow(/loadPercentMean: expected a finite number, found NaN/);
    expect(() => normaliseVmLoadConfig({ loadPercentSd: -1 })).toThrow(/loadPercentSd: expected a finite number >= 0, found -1/);
    expect(() => normaliseVmLoadConfig({ slots: 2.5 })).toThrow(/slots: expected an integer >= 1, found 2.5/);
    expect(() => normaliseVmLoadConfig({ slots: 0 })).toThrow(RangeError);
    expect(() => normaliseVmLoadConfig({ initialLoad: 'mean' as 'zero' })).toThrow(/initialLoad: expected 'zero' or 'drawn', found mean/);
    expect(() => VmLoadChanges.fromSeed(1, 0)).toThrow(/vmCount: expected an integer >= 1, found 0/);
    expect(() => VmLoadChanges.fromSeed(1, 1.5)).toThrow(RangeError);
  });
});

/** Recorded from this implementation: a change here means every seeded workload run changes. */
const GOLDEN_SEED_42: LoadChange[] = [
  { timeUs: 724282, vm: 173, loadPercent: 70 },
  { timeUs: 752202, vm: 452, loadPercent: 60 },
  { timeUs: 3926321, vm: 186, loadPercent: 30 },
];

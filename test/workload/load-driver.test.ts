import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/kernel/simulator.js';
import { LoadDriver, type LoadChange } from '../../src/workload/index.js';

function source(changes: LoadChange[]): { next(): LoadChange | undefined } {
  let k = 0;
  return { next: () => changes[k++] };
}

describe('load driver', () => {
  it('applies each change at its time, one pending event at a time, and stops before the end', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    const changes = [
      { timeUs: 10, vm: 1, loadPercent: 50 },
      { timeUs: 10, vm: 2, loadPercent: 60 },
      { timeUs: 30, vm: 1, loadPercent: 0 },
      { timeUs: 100, vm: 3, loadPercent: 90 },
    ];
    const driver = new LoadDriver(sim, source(changes), (vm, load) => seen.push(`${sim.nowUs()}:${vm}=${load}`), 100);
    driver.start();
    expect(sim.pendingEvents).toBe(1);
    sim.run({ endUs: 1000, eventsMax: 100 });
    expect(seen).toEqual(['10:1=50', '10:2=60', '30:1=0']);
    expect(driver.applied).toBe(3);
  });

  it('rejects a source that goes back in time', () => {
    const sim = new Simulator();
    const driver = new LoadDriver(sim, source([{ timeUs: 20, vm: 0, loadPercent: 1 }, { timeUs: 5, vm: 0, loadPercent: 2 }]), () => {}, 100);
    driver.start();
    expect(() => sim.run({ endUs: 100, eventsMax: 10 })).toThrow(/before now/);
  });
});

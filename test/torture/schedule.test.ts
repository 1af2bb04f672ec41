import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { drawSchedule, type ScheduleShape } from '../../src/torture/schedule.js';
import { shrink } from '../../src/torture/shrink.js';
import { loadScenario } from '../../src/scenario/load.js';
import { buildWorld } from '../../src/scenario/build-world.js';

const SMALL = fileURLToPath(new URL('../../scenarios/torture-dvms-small.yaml', import.meta.url));
const shape: ScheduleShape = { hostCount: 32, popCount: 16, links: [[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]], hostFaults: true, faultsStartS: 1, faultsEndS: 570, drawsMax: 8 };

describe('drawSchedule', () => {
  it('draws the same schedule from the same seed and another from the next seed', () => {
    expect(drawSchedule(7, shape)).toEqual(drawSchedule(7, shape));
    expect(drawSchedule(7, shape)).not.toEqual(drawSchedule(8, shape));
  });

  it('heals every fault of 200 schedules between 1 s and 570 s, and draws every kind', () => {
    const kinds = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      for (const fault of drawSchedule(seed, shape)) {
        kinds.add(fault.kind);
        expect(fault.atS).toBeGreaterThanOrEqual(1);
        expect(fault.durationS).toBeGreaterThan(0);
        expect(fault.atS + fault.durationS).toBeLessThanOrEqual(570 + 1e-9);
        if ('pops' in fault) expect(fault.pops.length).toBeLessThan(16);
      }
    }
    expect([...kinds].sort()).toEqual(['host-crash', 'link-down', 'message-loss', 'partition', 'pop-crash']);
  });

  it('takes no host down when the scenario churns on its own', () => {
    for (let seed = 0; seed < 50; seed++) for (const f of drawSchedule(seed, { ...shape, hostFaults: false })) expect(['link-down', 'partition', 'message-loss']).toContain(f.kind);
  });

  it('draws schedules the scenario accepts and resolves, on torture-dvms-small', () => {
    const scenario = loadScenario(SMALL);
    const world = buildWorld(scenario, SMALL);
    const backbone = world.backbone!.backbone;
    const real = { ...shape, hostCount: world.network.hostCount, popCount: backbone.pops.length, links: backbone.links.map((l) => [l.a, l.b] as const) };
    for (let seed = 0; seed < 20; seed++) {
      const faults = drawSchedule(seed, real);
      const loaded = loadScenario(SMALL, [`faults=${JSON.stringify(faults)}`]);
      expect(buildWorld(loaded, SMALL).faults.length).toBe(faults.length);
    }
  });
});

describe('shrink', () => {
  it('keeps only the two faults that together fail, out of 12, within the budget', () => {
    const items = Array.from({ length: 12 }, (_, k) => k);
    let runs = 0;
    const result = shrink(items, (c) => (runs++, c.includes(3) && c.includes(9)), 100);
    expect(result.items).toEqual([3, 9]);
    expect(result.attempts).toBe(runs);
    expect(runs).toBeLessThan(40);
  });

  it('stops at its budget of attempts', () => {
    const result = shrink([1, 2, 3, 4, 5, 6, 7, 8], () => false, 3);
    expect(result.attempts).toBe(3);
    expect(result.items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

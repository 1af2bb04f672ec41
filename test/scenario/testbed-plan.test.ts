import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { planTestbedFaults, twinFaults } from '../../src/scenario/testbed-plan.js';

const FILE = join(__dirname, '../runtime/live/fixtures/testbed-partition.yaml');

describe('testbed fault plan', () => {
  const scenario = loadScenario(FILE, []);

  it('splits the agents by reachability in the cut backbone while the partition lasts, and rejoins them at 8 s', () => {
    const plan = planTestbedFaults(scenario, FILE, [0, 1, 2, 3, 4, 5, 6, 7], 12);
    expect(plan.steps.map((s) => s.atMs)).toEqual([4_000, 5_000, 8_000]);
    const during = plan.steps[0].groups;
    // PoPs 0-2 never share a group with PoPs 3-7.
    for (const inside of [0, 1, 2]) for (const outside of [3, 4, 5, 6, 7]) expect(during[inside]).not.toBe(during[outside]);
    expect(new Set(during.slice(3)).size).toBe(1);
    expect(plan.steps[1].groups[5]).toBe(-1);
    expect(plan.steps[2].groups).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(plan.downs).toEqual([{ id: 5, fromMs: 5_000, untilMs: 8_000 }]);
    expect(plan.applied).toEqual([0, 1]);
  });

  it('leaves a crash of a host no agent stands for, and faults after the run, unapplied and says so', () => {
    const plan = planTestbedFaults(scenario, FILE, [0, 2, 4, 6], 4.5);
    expect(plan.applied).toEqual([0]);
    expect(plan.notApplied).toEqual(['faults[1]: at 5 s, after the run\'s 4.5 s']);
    const short = planTestbedFaults(scenario, FILE, [0, 2, 4, 6], 12);
    expect(short.notApplied).toEqual(['faults[1]: host 5 has no agent']);
    expect(short.downs).toEqual([]);
  });

  it("gives the twin the faults with host crashes renumbered to the agents' ids", () => {
    expect(twinFaults(scenario.faults, [0, 1, 3, 5])).toEqual([
      { kind: 'partition', atS: 4, pops: [0, 1, 2], durationS: 4 },
      { kind: 'host-crash', atS: 5, host: 3, durationS: 3 },
    ]);
    expect(twinFaults(scenario.faults, [0, 1])).toHaveLength(1);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { ROOT } from '../support/dist-build.js';

function finals(name: string, overrides: string[]): Record<string, number> {
  const file = join(ROOT, 'scenarios', `${name}.yaml`);
  return runScenario(loadScenario(file, overrides), file).series.finalValues();
}

describe('overlay scenarios, scored against ground truth', () => {
  it('chord on 120 generated PoPs: every node joins and, once settled, every lookup reaches the true owner', () => {
    const f = finals('chord-simgrid-1k', ['topology.pops=120', 'durationS=400', 'protocols.chord.fixFingersPeriodMs=20000']);
    expect(f['chord.joined']).toBe(120);
    expect(f['chord.lookups']).toBeGreaterThan(3000);
    expect(f['chord.interval_lookup_success']).toBe(1);
    expect(f['chord.mean_hops']).toBeLessThan(Math.log2(120) * 2);
  });

  it('spiral on planetlab-490: searches find close nodes, scored with the measured RTTs', () => {
    const f = finals('planetlab-spiral', ['durationS=400', 'protocols.spiral.searchPeriodMs=100000']);
    expect(f['spiral.searches']).toBeGreaterThan(1000);
    expect(f['spiral.completed_share']).toBe(1);
    expect(f['spiral.median_excess_ms']).toBeLessThanOrEqual(5);
    expect(f['spiral.recall_at_10']).toBeGreaterThan(0.6);
  });

  it('can on the 224 hosts of RENATER: every host joins and lookups reach the owner of the point', () => {
    const f = finals('renater-can', ['durationS=300']);
    expect(f['can.joined']).toBe(224);
    expect(f['can.lookups']).toBeGreaterThan(3000);
    expect(f['can.lookup_success']).toBeGreaterThan(0.95);
    expect(f['can.mean_hops']).toBeLessThan(2 * (2 / 4) * Math.sqrt(224));
  });
});

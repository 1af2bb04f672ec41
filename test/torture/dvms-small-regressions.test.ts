import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { type CheckCounts, installMonitor } from '../../src/torture/monitor.js';

/** Replays a shrunk schedule of torture-dvms-small under the campaign's monitor; what it threw and the check counts. */
function replay(name: string): { thrown: unknown; counts: CheckCounts } {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  let counts: CheckCounts = {};
  let thrown: unknown = null;
  try {
    runScenario(loadScenario(file, []), file, { instrument: (run) => (counts = installMonitor(run, { livenessS: 300, scanS: 1 })) });
  } catch (error) {
    thrown = error;
  }
  return { thrown, counts };
}

describe('torture-dvms-small schedules shrunk to one partition, each a bug fixed', () => {
  it('seed 284: VE 3 stays spread by site though an owner rebuilt its record from reports without VM 23', () => {
    const { thrown, counts } = replay('dvms-small-seed-284.yaml');
    expect(thrown).toBeNull(); // before: cloud.ve at 86.863415 s, vms 3 and 23 both on site 1
    expect(counts['cloud.ve']).toBeGreaterThan(800);
  });

  it('seed 361: VE 2 stays spread by host though a second owner rebuilt its record from reports without VM 22', () => {
    const { thrown, counts } = replay('dvms-small-seed-361.yaml');
    expect(thrown).toBeNull(); // before: cloud.ve at 166.170054 s, vms 2 and 22 both on host 2
    expect(counts['cloud.ve']).toBeGreaterThan(800);
  });

  it('seed 445: the ring {0, 1} a partition left merges with the other 30 nodes, the ring right from 782.7 s to the end', () => {
    const { thrown, counts } = replay('dvms-small-seed-445.yaml');
    expect(thrown).toBeNull(); // before: chord.ring at 870.003571 s, node 12's successor 27 instead of 0
    expect(counts['chord.ring']).toBeGreaterThan(100); // checked every second from the heal (482.7 s) + 300 s to 900 s
  });
});

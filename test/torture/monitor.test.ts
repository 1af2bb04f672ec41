import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { VM_RUNNING } from '../../src/platform/cloud.js';
import { installMonitor } from '../../src/torture/monitor.js';
import { InvariantBroken } from '../../src/torture/invariant.js';
import { runSchedule } from '../../src/torture/run-schedule.js';

const SMALL = fileURLToPath(new URL('../../scenarios/torture-dvms-small.yaml', import.meta.url));
const SHORT = ['durationS=200', 'cloud.lifecycle.workloadStartMs=20000', 'cloud.lifecycle.workloadPeriodMs=20000'];

describe('the torture monitor', () => {
  it("stops the run at the event that corrupts the cloud model (a host's memory sum changed behind its back at 50 s)", () => {
    const scenario = loadScenario(SMALL, SHORT);
    let caught: unknown = null;
    try {
      runScenario(scenario, SMALL, {
        instrument: (run) => {
          installMonitor(run, { livenessS: 100, scanS: 1 });
          const cloud = run.cloud!.cloud;
          // Corrupt a host's sums as a buggy model would, then tell the listeners a host changed.
          run.sim.at(50_000_000, () => {
            (cloud as unknown as { hostMemoryUsedMiB: Float64Array }).hostMemoryUsedMiB[3] += 1;
            // A running VM's load change is a host change (a suspended one's demand stays 0 and changes nothing).
            const vm = cloud.vmState.findIndex((state) => state === VM_RUNNING);
            cloud.setLoad(vm, cloud.vmLoadPercent[vm] === 50 ? 60 : 50);
          });
        },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvariantBroken);
    expect((caught as InvariantBroken).invariant).toBe('cloud.model');
    expect((caught as InvariantBroken).timeUs).toBe(50_000_000);
  });

  it('passes a quiet 200 s run of torture-dvms-small, checking the model at every host change and the liveness scans after time 0', () => {
    const result = runSchedule({ scenarioFile: SMALL, overrides: SHORT, seed: 1, faults: [], monitor: { livenessS: 150, scanS: 1 } });
    expect(result.failure).toBeNull();
    expect(result.checks['cloud.model']).toBeGreaterThan(100);
    expect(result.checks['chord.ring']).toBeGreaterThanOrEqual(50);
    expect(result.checks['dvms.partitions-released']).toBeGreaterThanOrEqual(200);
    expect(result.checks['runtime.incarnation']).toBeGreaterThan(1000);
  });

  it('reports the Chord ring as broken 1 s after a 5 s host crash heals (too early for a 20 s stabilisation), with its time', () => {
    const faults = [{ kind: 'host-crash' as const, atS: 10, host: 5, durationS: 5 }];
    const result = runSchedule({ scenarioFile: SMALL, overrides: SHORT, seed: 1, faults, monitor: { livenessS: 1, scanS: 1 } });
    expect(result.failure?.invariant).toBe('chord.ring');
    expect(result.failure?.timeS).toBeGreaterThanOrEqual(16);
    expect(result.failure?.timeS).toBeLessThan(17.01);
  });
});

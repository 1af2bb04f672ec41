import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { type Cloud, VM_RUNNING } from '../../src/platform/cloud.js';
import { installMonitor } from '../../src/torture/monitor.js';
import { InvariantBroken } from '../../src/torture/invariant.js';
import { runSchedule } from '../../src/torture/run-schedule.js';

const SMALL = fileURLToPath(new URL('../../scenarios/torture-dvms-small.yaml', import.meta.url));
const SHORT = ['durationS=200', 'cloud.lifecycle.workloadStartMs=20000', 'cloud.lifecycle.workloadPeriodMs=20000'];

describe('the torture monitor', () => {
  /** Runs torture-dvms-small under the monitor with `corrupt` called at `atUs`; returns what it threw. */
  const corrupted = (atUs: number, corrupt: (cloud: Cloud) => void): InvariantBroken => {
    const scenario = loadScenario(SMALL, SHORT);
    let caught: unknown = null;
    try {
      runScenario(scenario, SMALL, {
        instrument: (run) => {
          installMonitor(run, { livenessS: 100, scanS: 1 });
          run.sim.at(atUs, () => corrupt(run.cloud!.cloud));
        },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvariantBroken);
    return caught as InvariantBroken;
  };
  /** A host's memory sum changed behind the model's back, as a buggy model would. */
  const corruptMemory = (cloud: Cloud, host: number): void => {
    (cloud as unknown as { hostMemoryUsedMiB: Float64Array }).hostMemoryUsedMiB[host] += 1;
  };

  it("stops the run at the event that corrupts the cloud model (a host's memory sum changed behind its back at 50 s, then its VM's load)", () => {
    const broken = corrupted(50_000_000, (cloud) => {
      // A running VM's load change is a host change (a suspended one's demand stays 0 and changes nothing).
      const vm = cloud.vmState.findIndex((state) => state === VM_RUNNING);
      corruptMemory(cloud, cloud.hostOf(vm));
      cloud.setLoad(vm, cloud.vmLoadPercent[vm] === 50 ? 60 : 50);
    });
    expect(broken.invariant).toBe('cloud.model');
    expect(broken.timeUs).toBe(50_000_000);
  });

  it('finds a corruption of a host no event changed (at 50.5 s) at the next scan of the whole model, at 51 s', () => {
    const broken = corrupted(50_500_000, (cloud) => corruptMemory(cloud, 3));
    expect(broken.invariant).toBe('cloud.model');
    expect(broken.detail).toContain('host 3: memory');
    expect(broken.timeUs).toBeGreaterThanOrEqual(51_000_000);
    expect(broken.timeUs).toBeLessThan(51_100_000);
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

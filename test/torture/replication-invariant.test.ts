import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { type RunInstruments, runScenario } from '../../src/scenario/run-scenario.js';
import { InvariantBroken } from '../../src/torture/invariant.js';
import { type CheckCounts, installMonitor } from '../../src/torture/monitor.js';
import { fixture } from '../scenario/fixtures.js';

// The tiny world of replication.yaml: VM 0 on host 0 (West) replicated to host 2 (East), synced
// at 2.147484 s; host 0 crashes at 100 s and the watcher fails VM 0 over 1 s later.
const TINY = fixture('good/replication.yaml');
const PRIMARY_DOWN = '{"kind":"host-crash","atS":100,"host":0}';

/** Runs the tiny world under the torture monitor, `plant` called once it is installed; what it threw and the check counts. */
function monitored(overrides: readonly string[], plant?: (run: RunInstruments) => void): { thrown: unknown; counts: CheckCounts } {
  let counts: CheckCounts = {};
  let thrown: unknown = null;
  try {
    runScenario(loadScenario(TINY, overrides), TINY, {
      instrument: (run) => {
        counts = installMonitor(run, { livenessS: 100, scanS: 1 });
        plant?.(run);
      },
    });
  } catch (error) {
    thrown = error;
  }
  return { thrown, counts };
}

describe('the torture invariants of replication', () => {
  it('hold through the crash of the primary: VM 0 failed over at 101 s, checked once due', () => {
    const { thrown, counts } = monitored([]);
    expect(thrown).toBeNull();
    expect(counts['replication.failover']).toBe(1);
    expect(counts['replication.apart']).toBeGreaterThan(200); // every scan, and every event that moved a VM
  });

  it('catch a backup dropped by hand between the crash and the failover: VM 0 still lost after 101 s', () => {
    const { thrown } = monitored([], ({ sim, replication }) => sim.after(100_500_000, () => replication?.backup.fill(-1, 0, 1)));
    expect(thrown).toBeInstanceOf(InvariantBroken);
    const broken = thrown as InvariantBroken;
    expect(broken.invariant).toBe('replication.failover');
    expect(broken.timeUs).toBeGreaterThan(101_000_000);
    expect(broken.timeUs).toBeLessThanOrEqual(102_000_000); // the first event after it fell due
    expect(broken.detail).toMatch(/^VM 0 \(VE 0\) lost with host 0 \(PoP West\) at 100 s still lost at .* past the watcher's 1 s: its backup on host 2 \(PoP East\) held a complete checkpoint/);
  });

  it("catch a backup moved by hand into its primary's PoP (host 1, West) at the next scan", () => {
    const { thrown } = monitored([], ({ sim, replication }) => sim.after(50_000_000, () => replication?.backup.fill(1, 0, 1)));
    expect(thrown).toBeInstanceOf(InvariantBroken);
    const broken = thrown as InvariantBroken;
    expect(broken.invariant).toBe('replication.apart');
    expect(broken.timeUs).toBeGreaterThanOrEqual(50_000_000);
    expect(broken.timeUs).toBeLessThanOrEqual(51_000_000);
    expect(broken.detail).toContain('VM 0 (VE 0) runs on host 0 (PoP West) and its backup is on host 1 (PoP West), in the same PoP');
  });

  it('promise nothing when the backup goes too: hosts 0 and 2 down at 100 s, VM 0 lost for good, no failure', () => {
    const { thrown, counts } = monitored([`faults=[${PRIMARY_DOWN},{"kind":"host-crash","atS":100.5,"host":2}]`]);
    expect(thrown).toBeNull();
    expect(counts['replication.failover']).toBe(0);
  });

  it('fail over nowhere once the backup crashed after the loss, even back by the failover (its replica went with it): host 2 down 100.2-100.4 s', () => {
    const { thrown, counts } = monitored([`faults=[${PRIMARY_DOWN},{"kind":"host-crash","atS":100.2,"host":2,"durationS":0.2}]`]);
    expect(thrown).toBeNull(); // the watcher declines; before, it failed VM 0 over onto the emptied host 2 at 101 s
    expect(counts['replication.failover']).toBe(0);
  });
});

describe('a relocation after a failover (torture-replication-small seed 773, shrunk)', () => {
  it('keeps VE 3 spread by site: the owner learns at once where VM 23 failed over, and relocates VM 3 elsewhere', () => {
    const file = fileURLToPath(new URL('./fixtures/replication-seed-773.yaml', import.meta.url));
    let thrown: unknown = null;
    try {
      runScenario(loadScenario(file, []), file, { instrument: (run) => installMonitor(run, { livenessS: 300, scanS: 1 }) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeNull(); // before: cloud.ve at 234.114476 s, vms 3 and 23 both on site 10
  });
});

import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { veViolations } from '../../src/scenario/probes/ve-check.js';
import type { MetricRow } from '../../src/metrics/series.js';
import { fixture } from './fixtures.js';
import type { FailureDetector } from '../../src/actors/failure-detector.js';
import { RECOVERY_DETECTOR } from '../../src/protocols/recovery/index.js';

const TINY = fixture('good/snapshots.yaml');
const MIB = 1024 * 1024;

function run(file: string, overrides: readonly string[] = []) {
  return runScenario(loadScenario(file, overrides), file);
}

function at(rows: readonly MetricRow[], timeS: number, metric: string): number | undefined {
  return rows.find((row) => row.timeS === timeS && row.metric === metric && row.node === '')?.value;
}

function last(rows: readonly MetricRow[], metric: string): number | undefined {
  return rows.filter((row) => row.metric === metric && row.node === '').at(-1)?.value;
}

// The tiny world: hosts 0 and 1 in West, 2 in East, VM v on host v, links and NICs of 1 Gb/s, 5 ms
// on the link and 50 us of access: 5.05 ms one way between the PoPs (a message of 48-56 bytes
// adds under 0.5 us at 1 Gb/s, rounded away). A snapshot is 256 + 64 MiB = 2,684,354,560 bits: 2.684355 s at 1 Gb/s
// (rounded up to the us). VM 0 snapshots at 20, 80, 140 s... to host 2 (East, the only other PoP),
// whose recovery agent watches host 0 by heartbeats (every 1 s, timeout 5 s).
const SNAPSHOT_S = Math.ceil(((320 * MIB * 8) / 1e9) * 1e6) / 1e6;
// After the detector's leave at host 2: its query to host 1 and the answer (2 x 5.05 ms; host 0 is
// gone, not asked), the reservation at host 1 (West, the lost VM's PoP) and its answer (2 x 5.05
// ms), the fetch there, the restore request (5.05 ms).
const AFTER_LEAVE_S = 5 * 0.00505;

/** The run, and when host 2's recovery detector declared host 0 gone (s). */
function runWatched(overrides: readonly string[] = []) {
  const scenario = loadScenario(TINY, overrides);
  let leftAtS = NaN;
  const rows = runScenario(scenario, TINY, {
    instrument: ({ sim, runtime }) => {
      sim.after(1, () => runtime.protocolOf<FailureDetector>(2, RECOVERY_DETECTOR)?.subscribe((e) => {
        if (e.kind === 'leave' && e.peer === 0 && Number.isNaN(leftAtS)) leftAtS = sim.nowUs() / 1e6;
      }));
    },
  }).series.all();
  return { rows, leftAtS };
}

describe('VM snapshots and restarts from them by the recovery agents', () => {
  it('restart VM 0 crashed at 141 s from its 80 s snapshot (the 140 s one is cut by the crash): RPO 61 s, RTO the heartbeat detection + 25.25 ms + one fetch', () => {
    const { rows, leftAtS } = runWatched();
    expect(at(rows, 130, 'cloud.snapshots_done')).toBe(6); // VMs 0, 1, 2 at 20, 40, 60 s and again 60 s later
    expect(at(rows, 130, 'cloud.snapshot_bytes')).toBe(6 * 320 * MIB);
    expect(at(rows, 150, 'cloud.vms_lost')).toBe(1);
    expect(at(rows, 150, 'cloud.vms_restored')).toBe(1);
    expect(at(rows, 150, 'cloud.rpo_s_max')).toBe(61);
    // The last ping host 0 answered left host 2 at most 1 s (one period) and 5.05 ms (its way) before the crash: a leave 4-5 s after it.
    const detectionS = leftAtS - 141;
    expect(detectionS).toBeGreaterThan(4 - 0.00505);
    expect(detectionS).toBeLessThanOrEqual(5);
    // Restarted on host 1 (West, its own PoP), fetched from host 2 over the link alone.
    expect(at(rows, 150, 'cloud.rto_s_max')).toBeCloseTo(detectionS + AFTER_LEAVE_S + SNAPSHOT_S, 6);
    expect(last(rows, 'cloud.vms_unrecovered')).toBe(0);
  });

  it('lose only the work since the last stored snapshot: a crash at 143 s, after the 140 s snapshot landed (142.68 s), loses 3 s', () => {
    const { rows, leftAtS } = runWatched(['faults[0].atS=143']);
    expect(at(rows, 160, 'cloud.rpo_s_max')).toBe(3);
    expect(at(rows, 160, 'cloud.rto_s_max')).toBeCloseTo(leftAtS - 143 + AFTER_LEAVE_S + SNAPSHOT_S, 6);
  });

  it('a slower disk makes the snapshot in flight at the crash count for nothing: 100 Mb/s (26.84 s a snapshot), crash at 105 s while the 80 s one is sent: RPO 85 s', () => {
    // Each transfer is capped at the disk's 100 Mb/s; at most three share a 1 Gb/s link or NIC, so none slows another.
    const { rows, leftAtS } = runWatched(['cloud.diskBandwidthBps=1e8', 'faults[0].atS=105']);
    expect(at(rows, 110, 'cloud.vms_restored')).toBe(0); // detection 4-5 s, then a fetch of 26.84 s
    expect(last(rows, 'cloud.rpo_s_max')).toBe(85);
    expect(last(rows, 'cloud.rto_s_max')).toBeCloseTo(leftAtS - 105 + AFTER_LEAVE_S + Math.ceil(((320 * MIB * 8) / 1e8) * 1e6) / 1e6, 6);
  });

  it('leave a VM lost without a stored snapshot: a crash at 10 s, before the first one', () => {
    const rows = run(TINY, ['faults[0].atS=10']).series.all();
    expect(last(rows, 'cloud.vms_lost')).toBe(1);
    expect(last(rows, 'cloud.vms_restored')).toBe(0);
    expect(last(rows, 'cloud.vms_unrecovered')).toBe(1);
  });

  it('restore nothing with snapshots off: the same crash loses the VM for good, and no snapshot metric is written', () => {
    const rows = run(TINY, ['cloud.snapshots=null']).series.all();
    expect(last(rows, 'cloud.vms_lost')).toBe(1);
    expect(last(rows, 'cloud.vms_unrecovered')).toBe(1);
    expect(last(rows, 'cloud.vms_restored')).toBeUndefined();
    expect(last(rows, 'cloud.snapshot_bytes')).toBeUndefined();
  });

  it('end the RTO when the restored VM runs, with images: its boot set (26 chunks of 4 MiB) read from West at 100 MB/s after the restore, 1.090520 s more', () => {
    const images = 'cloud.images={"count":4,"sizeGiB":1,"chunkMiB":4,"bootShare":0.1,"diskMBps":100}';
    const bootS = Math.ceil(((26 * 4 * MIB * 8) / 8e8) * 1e6) / 1e6;
    const { rows, leftAtS } = runWatched([images]);
    expect(at(rows, 150, 'cloud.vms_restored')).toBe(1);
    expect(at(rows, 150, 'images.boots')).toBe(1);
    expect(at(rows, 150, 'cloud.rpo_s_max')).toBe(61);
    expect(at(rows, 150, 'cloud.rto_s_max')).toBeCloseTo(leftAtS - 141 + AFTER_LEAVE_S + SNAPSHOT_S + bootS, 6);
    // Restored but not yet running at the last whole second before it runs: no restart counted, whatever the restore did.
    const restoredS = leftAtS + AFTER_LEAVE_S + SNAPSHOT_S;
    const beforeS = Math.floor(restoredS + bootS);
    expect(restoredS).toBeLessThan(beforeS); // the sample below falls between the restore and the end of the boot
    const early = runWatched([images, 'metrics.intervalS=1']).rows;
    expect(at(early, beforeS, 'cloud.vms_unrecovered')).toBe(0);
    expect(at(early, beforeS, 'cloud.vms_restored')).toBe(0);
    expect(at(early, beforeS + 1, 'cloud.vms_restored')).toBe(1);
  });

  it('are deterministic, row for row', () => {
    const a = run(TINY, ['faults[0].atS=100']).series.all();
    const b = run(TINY, ['faults[0].atS=100']).series.all();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('restarts under VE constraints (property, 3 seeds)', () => {
  const file = fixture('good/cloud.yaml');
  const overrides = (seed: number) => [
    `seed=${seed}`,
    'durationS=900',
    'cloud.snapshots={"periodS":120,"memoryMiB":128,"diskDeltaMiB":16}',
    'cloud.ves=[{"constraint":"spread","count":6,"size":3,"scope":"host"},{"constraint":"spread","count":4,"size":3,"scope":"site"},{"constraint":"gather","count":6,"size":2,"scope":"host"},{"constraint":"gather","count":3,"size":3,"scope":"site"}]',
    `faults=${JSON.stringify([
      { kind: 'pop-crash', atS: 300, pop: 2, durationS: 200 },
      ...[0, 5, 10, 17, 22, 31, 40, 47].map((host) => ({ kind: 'host-crash', atS: 400 + host, host })),
    ])}`,
  ];

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: after every restart every VE constraint holds, and VE members were restarted`, () => {
      const scenario = loadScenario(file, overrides(seed));
      let restarts = 0;
      let memberRestarts = 0;
      const broken: string[] = [];
      const rows = runScenario(scenario, file, {
        instrument: ({ cloud, world }) => {
          if (cloud === null || world.backbone === null) throw new Error('expected a cloud on a backbone');
          const { hypervisors, constraints, hostCountry } = cloud;
          const hostPop = world.backbone.hostPop;
          hypervisors.onVmPlaced((vm, from) => {
            if (from >= 0) return; // the VMs were created before the instruments: a placement from nowhere is a restart
            restarts++;
            if (cloud.cloud.vmVe[vm] >= 0) memberRestarts++;
            broken.push(...veViolations({ cloud: cloud.cloud, constraints, hostPop, hostCountry, isMigrating: () => false }));
          });
        },
      }).series.all();
      expect(broken).toEqual([]);
      expect(restarts).toBe(last(rows, 'cloud.vms_restored'));
      expect(restarts).toBeGreaterThan(50);
      expect(memberRestarts).toBeGreaterThan(5);
    });
  }
});

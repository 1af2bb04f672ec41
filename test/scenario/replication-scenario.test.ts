import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { veViolations } from '../../src/scenario/probes/ve-check.js';
import type { MetricRow } from '../../src/metrics/series.js';
import { fixture } from './fixtures.js';

const TINY = fixture('good/replication.yaml');
const MIB = 1024 * 1024;

function run(file: string, overrides: readonly string[] = []) {
  return runScenario(loadScenario(file, overrides), file);
}

function at(rows: readonly MetricRow[], timeS: number, metric: string): number | undefined {
  return rows.find((row) => row.timeS === timeS && row.metric === metric && row.node === '')?.value;
}

// The tiny world: VM 0 (256 MiB) on host 0 (West), its backup on host 2 (East), 1 Gb/s everywhere.
// Sync: 256 MiB at 1 Gb/s = 2.147484 s (rounded up to the us) = t0. The stream's flow starts at
// t0 + 25 ms at 10 MiB/s; checkpoint k (captured at t0 + k x 25 ms) is complete once k x 10 MiB x
// 25 ms are delivered, i.e. at t0 + (k + 1) x 25 ms. Crash at 100 s: (100 - t0 - 0.025) / 0.025 =
// 3913.1 checkpoints, the last captured at t0 + 97.825 s = 99.972484 s: 27.516 ms of work lost.
const T0_S = Math.ceil(((256 * MIB * 8) / 1e9) * 1e6) / 1e6;

describe('VM replication with a watcher (Remus-style)', () => {
  it('fails VM 0 over 1 s after its host crashed at 100 s, losing 27.516 ms of work, with the checkpoint bytes of 10 MiB/s since t0 + 25 ms', () => {
    const rows = run(TINY).series.all();
    expect(at(rows, 50, 'replication.sync_bytes')).toBe(256 * MIB);
    expect(at(rows, 50, 'replication.checkpoint_bytes')).toBeCloseTo(10 * MIB * (50 - T0_S - 0.025), 0);
    expect(at(rows, 50, 'replication.wan_bytes')).toBeCloseTo(256 * MIB + 10 * MIB * (50 - T0_S - 0.025), 0);
    expect(at(rows, 100, 'replication.vms_lost')).toBe(1);
    expect(at(rows, 110, 'replication.failovers')).toBe(1);
    expect(at(rows, 110, 'replication.vms_lost')).toBe(0);
    expect(at(rows, 110, 'replication.failover_s_max')).toBe(1);
    expect(at(rows, 110, 'replication.work_lost_s_max')).toBeCloseTo(100 - (T0_S + 3913 * 0.025), 9);
    // After the failover VM 0 runs on host 2 and gets a new backup in West (host 1): a second full sync.
    expect(at(rows, 110, 'replication.sync_bytes')).toBe(2 * 256 * MIB);
    // Polled at whole seconds, the replica's state is 27.516 ms old (t0's phase against the period).
    expect(at(rows, 50, 'replication.lag_ms_p95')).toBeCloseTo(27.516, 6);
  });

  it('falls behind on a link slower than the dirty rate: 50 Mb/s for 10 MiB/s (83.9 Mb/s) ages the replica by seconds', () => {
    const rows = run(TINY, ['topology.bandwidthBps=5e7']).series.all();
    expect(at(rows, 90, 'replication.lag_ms_p95')).toBeGreaterThan(1000);
    expect(at(rows, 110, 'replication.work_lost_s_max')).toBeGreaterThan(1);
  });

  it('loses the VM when the crash comes during the first sync (no complete state at the backup)', () => {
    const rows = run(TINY, ['faults[0].atS=1']).series.all();
    expect(at(rows, 10, 'replication.failovers')).toBe(0);
    expect(at(rows, 10, 'replication.vms_lost')).toBe(1);
  });

  it("replaces a crashed backup: East's host 2 down at 50 s, a full sync to host 3 (52.147484 s), then the same 27.516 ms lost at 100 s", () => {
    const rows = run(TINY, [
      'hosts.perPop={"rule":"list","counts":{"West":2,"East":2}}',
      'faults=[{"kind":"host-crash","atS":50,"host":2},{"kind":"host-crash","atS":100,"host":0}]',
    ]).series.all();
    expect(at(rows, 60, 'replication.sync_bytes')).toBe(2 * 256 * MIB);
    expect(at(rows, 110, 'replication.failovers')).toBe(1);
    expect(at(rows, 110, 'replication.work_lost_s_max')).toBeCloseTo(100 - (50 + T0_S + 1913 * 0.025), 9);
  });

  it('loses the VM when its backup host went down first with no other PoP to replace it (East has one host)', () => {
    const rows = run(TINY, ['faults=[{"kind":"host-crash","atS":50,"host":2},{"kind":"host-crash","atS":100,"host":0}]']).series.all();
    expect(at(rows, 60, 'replication.sync_bytes')).toBe(256 * MIB);
    expect(at(rows, 110, 'replication.failovers')).toBe(0);
    expect(at(rows, 110, 'replication.vms_lost')).toBe(1);
  });

  it("holds the replica's memory on the backup's host as that host reports it, and releases it when primary and backup are both gone", () => {
    const reported = (overrides: readonly string[]) => {
      let memoryMiB: (host: number) => number = () => NaN;
      runScenario(loadScenario(TINY, overrides), TINY, {
        instrument: ({ cloud }) => {
          if (cloud === null) throw new Error('expected a cloud');
          memoryMiB = (host) => cloud.hypervisors.of(host).host().memoryMiB;
        },
      });
      return [0, 1, 2].map((h) => memoryMiB(h));
    };
    // Failed over to host 2 at 101 s, then backed up on host 1 (West, least memory held).
    expect(reported([])).toEqual([32768, 32768 - 256, 32768]);
    // Host 2 down at 100.5 s, before the watcher acts: no failover, nothing held anywhere.
    expect(reported(['faults=[{"kind":"host-crash","atS":100,"host":0},{"kind":"host-crash","atS":100.5,"host":2}]'])).toEqual([32768, 32768, 32768]);
  });

  describe('a primary that migrates at 40 s', () => {
    const migrated = (to: number, overrides: readonly string[]) =>
      runScenario(loadScenario(TINY, overrides), TINY, {
        instrument: ({ sim, cloud }) => {
          if (cloud === null) throw new Error('expected a cloud');
          sim.after(40e6, () => cloud.hypervisors.of(0).migrate(0, to, (outcome) => expect(outcome.ok).toBe(true)));
        },
      }).series.all();

    it('within its PoP keeps its stream and backup: host 1 crashed at 100 s fails it over with 27.516 ms lost, one sync only', () => {
      const rows = migrated(1, ['faults[0].host=1']);
      expect(at(rows, 110, 'replication.failovers')).toBe(1);
      expect(at(rows, 110, 'replication.work_lost_s_max')).toBeCloseTo(100 - (T0_S + 3913 * 0.025), 9);
      expect(at(rows, 90, 'replication.sync_bytes')).toBe(256 * MIB);
    });

    it("onto its backup's host gets a new backup in another PoP, fully synced", () => {
      const rows = migrated(2, ['faults=[]']);
      expect(at(rows, 90, 'replication.sync_bytes')).toBe(2 * 256 * MIB);
      expect(at(rows, 90, 'replication.vms_lost')).toBe(0);
    });
  });

  it('are deterministic, row for row', () => {
    const a = run(TINY, ['topology.bandwidthBps=5e7']).series.all();
    const b = run(TINY, ['topology.bandwidthBps=5e7']).series.all();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('a single PoP crash loses no VM of a replicated VE, and VE constraints hold after failover (property, 3 seeds)', () => {
  const file = fixture('good/cloud.yaml');
  const ves = 'cloud.ves=[{"constraint":"spread","count":6,"size":3,"scope":"host"},{"constraint":"spread","count":4,"size":3,"scope":"site"},{"constraint":"gather","count":6,"size":2,"scope":"host"}]';
  /** The PoP where VE `ve`'s first member starts (the initial placement depends on the seed and the VEs only). */
  const popOfVe = (seed: number, ve: number): number => {
    let pop = -1;
    runScenario(loadScenario(file, [`seed=${seed}`, 'durationS=1', 'metrics.intervalS=1', ves]), file, {
      instrument: ({ cloud, world }) => {
        if (cloud === null || world.backbone === null) throw new Error('expected a cloud on a backbone');
        for (let vm = 0; vm < cloud.cloud.vmCount && pop < 0; vm++) if (cloud.cloud.vmVe[vm] === ve) pop = world.backbone.hostPop[cloud.cloud.vmHost[vm]];
      },
    });
    return pop;
  };
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the PoP of VE ${seed}'s first member down at 300 s for 200 s`, () => {
      const overrides = [`seed=${seed}`, 'durationS=600', ves, 'cloud.replication={"dirtyMiBps":20}', `faults=[{"kind":"pop-crash","atS":300,"pop":${popOfVe(seed, seed)},"durationS":200}]`];
      const broken: string[] = [];
      let membersLost = 0;
      const rows = runScenario(loadScenario(file, overrides), file, {
        instrument: ({ cloud, world }) => {
          if (cloud === null || world.backbone === null) throw new Error('expected a cloud on a backbone');
          const hostPop = world.backbone.hostPop;
          cloud.hypervisors.onVmPlaced((vm, from, to) => {
            if (to < 0 && cloud.cloud.vmVe[vm] >= 0) membersLost++;
            if (from < 0) broken.push(...veViolations({ cloud: cloud.cloud, constraints: cloud.constraints, hostPop, hostCountry: cloud.hostCountry, isMigrating: () => false }));
          });
        },
      }).series.all();
      expect(broken).toEqual([]);
      expect(membersLost).toBeGreaterThan(0);
      expect(at(rows, 600, 'replication.failovers')).toBe(membersLost);
      expect(at(rows, 600, 'replication.vms_lost')).toBe(0);
      expect(at(rows, 600, 'cloud.ve_violations')).toBe(0);
    });
  }
});

// Replication and images together: two VMs a host (VM 0, replicated, and VM 1, not, on host 0),
// images of 1 GiB in 4 MiB chunks on both PoPs' stores (100 MB/s disks), no snapshots. Host 0
// crashes at 100 s: VM 0 fails over to East from its replica, VM 1 (no replica, no snapshot)
// boots afresh from its image on host 1 once the recovery service sees the loss (5 s), reading
// its boot set (26 chunks, 104 MiB) from West's disk alone: 1.090520 s.
describe('VM replication beside cloud.images', () => {
  const IMAGES = 'cloud.images={"count":4,"sizeGiB":1,"chunkMiB":4,"bootShare":0.1,"diskMBps":100,"detectionS":5}';
  const BOOT_S = Math.ceil(((26 * 4 * MIB * 8) / 8e8) * 1e6) / 1e6;

  for (const watcherS of [1, 10]) {
    it(`fails the replicated VM over ${watcherS} s after the crash (27.516 ms lost, no boot) and reboots the other from its image in 5 + ${BOOT_S} s, RPO 100 s${watcherS > 5 ? ': the recovery service, first to see the loss, leaves VM 0 to the watcher' : ''}`, () => {
      const rows = run(TINY, ['cloud.vm.perHost=2', IMAGES, `cloud.replication.watcher.detectionS=${watcherS}`]).series.all();
      expect(at(rows, 100, 'cloud.vms_lost')).toBe(2);
      expect(at(rows, 110, 'cloud.vms_unrecovered')).toBe(0);
      expect(at(rows, 110, 'replication.failovers')).toBe(1);
      expect(at(rows, 110, 'replication.failover_s_max')).toBe(watcherS);
      expect(at(rows, 110, 'replication.work_lost_s_max')).toBeCloseTo(100 - (T0_S + 3913 * 0.025), 9);
      // One reboot (VM 1); the failed-over VM runs from its replica, neither rebooted nor booted (East holds its image).
      expect(at(rows, 200, 'cloud.vms_rebooted')).toBe(1);
      expect(at(rows, 200, 'images.boots')).toBe(1);
      expect(at(rows, 200, 'images.boot_s_max')).toBeCloseTo(BOOT_S, 6);
      expect(at(rows, 200, 'cloud.reboot_rto_s_max')).toBeCloseTo(5 + BOOT_S, 6);
      expect(at(rows, 200, 'cloud.reboot_rpo_s_max')).toBe(100);
      expect(at(rows, 200, 'replication.failovers')).toBe(1);
    });
  }

  it('gives byte-identical series on two runs of the same seed', () => {
    const series = () => JSON.stringify(run(TINY, ['cloud.vm.perHost=2', IMAGES, 'cloud.replication.watcher.detectionS=10']).series.all());
    expect(series()).toBe(series());
  });
});

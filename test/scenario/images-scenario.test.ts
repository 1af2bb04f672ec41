import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { type RunInstruments, runScenario } from '../../src/scenario/run-scenario.js';
import { VM_RUNNING } from '../../src/platform/cloud.js';
import type { MetricRow } from '../../src/metrics/series.js';
import { fixture } from './fixtures.js';

const TINY = fixture('good/images.yaml');
const MIB = 1024 * 1024;
// A boot set: the first ceil(0.1 x 256) = 26 chunks of 4 MiB, all distinct (no zero chunks).
const BOOT_BYTES = 26 * 4 * MIB;
const DISK_BPS = 100 * 8e6;

function run(overrides: readonly string[] = []) {
  return runScenario(loadScenario(TINY, overrides), TINY).series.all();
}

function last(rows: readonly MetricRow[], metric: string): number | undefined {
  return rows.filter((row) => row.metric === metric && row.node === '').at(-1)?.value;
}

/** n boot sets read at once from one disk, max-min shared: all end together (rounded up to the us). */
const together = (n: number): number => Math.ceil(((n * BOOT_BYTES * 8) / DISK_BPS) * 1e6) / 1e6;

describe('image boots under I/O contention', () => {
  for (const [label, overrides, concurrent] of [
    ['1 boot', [], 1],
    ['8 boots on 8 hosts', ['hosts.perPop.counts.West=8'], 8],
    ['64 boots, 8 on each of 8 hosts', ['hosts.perPop.counts.West=8', 'cloud.vm.perHost=8'], 64],
  ] as const) {
    it(`${label} from West's store at 100 MB/s take ${together(concurrent).toFixed(3)} s each (n x 104 MiB / disk)`, () => {
      const rows = run(overrides);
      const vms = concurrent + (concurrent === 64 ? 8 : 1); // East's VMs boot from East's store alone
      expect(last(rows, 'images.boots')).toBe(vms);
      expect(last(rows, 'images.boot_s_max')).toBeCloseTo(together(concurrent), 6);
      expect(last(rows, 'images.wan_bytes')).toBe(0); // every chunk is on both stores
    });
  }

  it('fetch across the backbone what the PoP lacks: with one replica, West boots with the chunks East holds, 1000 km away (5 ms at 5 us/km)', () => {
    const rows = run(['cloud.images.replicas=1']);
    const wanBytes = last(rows, 'images.wan_bytes') as number;
    expect(wanBytes).toBeGreaterThan(0);
    expect(wanBytes % (4 * MIB)).toBe(0);
    expect(last(rows, 'images.cache_bytes')).toBe(wanBytes);
    expect(last(rows, 'images.wan_byte_km')).toBeCloseTo(wanBytes * 1000, 0);
    expect(last(rows, 'images.boots')).toBe(2);
    // Slower than a local read: the fetch goes through both disks and the link first.
    expect(last(rows, 'images.boot_s_max') as number).toBeGreaterThan(together(1));
  });

  it('measure the deduplication saving the generator defines: 4 images of 256 chunks, 77 shared, so 1 - (77 + 4 x 179) / 1024', () => {
    const rows = run();
    expect(last(rows, 'images.storage_bytes')).toBe(2 * (77 + 4 * 179) * 4 * MIB);
    expect(last(rows, 'images.storage_bytes_nodedup')).toBe(2 * 4 * 256 * 4 * MIB);
    expect(last(rows, 'images.dedup_saving')).toBeCloseTo(1 - 793 / 1024, 12);
  });

  it('count zero chunks as saved: 10% zero chunks, 1 - (77 + 4 x (256 - 77 - 26)) / 1024', () => {
    const rows = run(['cloud.images.zeroShare=0.1']);
    expect(last(rows, 'images.dedup_saving')).toBeCloseTo(1 - (77 + 4 * 153) / 1024, 12);
  });

  it('lose the images of a crashed PoP while it is down and get them back with it: one replica, East down 30-60 s', () => {
    const faults = ['cloud.images.replicas=1', 'faults=[{"kind":"pop-crash","atS":30,"pop":"East","durationS":30}]'];
    const rows = run(faults);
    const at = (t: number): number | undefined => rows.find((r) => r.timeS === t && r.metric === 'images.recoverable_share')?.value;
    expect(at(20)).toBe(1);
    expect(at(40)).toBe(0); // every image has chunks only East holds (their boot sets were fetched, the rest not)
    expect(at(70)).toBe(1);
    const kept = run(['faults=[{"kind":"pop-crash","atS":30,"pop":"East","durationS":30}]']);
    expect(kept.find((r) => r.timeS === 40 && r.metric === 'images.recoverable_share')?.value).toBe(1); // 2 replicas: West has all
  });

  it('are deterministic, row for row', () => {
    const overrides = ['cloud.images.replicas=1', 'hosts.perPop.counts.West=4'];
    expect(JSON.stringify(run(overrides))).toBe(JSON.stringify(run(overrides)));
  });
});

function at(rows: readonly MetricRow[], timeS: number, metric: string): number | undefined {
  return rows.find((row) => row.timeS === timeS && row.metric === metric && row.node === '')?.value;
}

describe('fresh boots of lost VMs from their images (snapshots off)', () => {
  // West hosts 0 and 1, East hosts 2 and 3, VM v on host v; all four boot at 0 s, two per store.
  const FOUR = ['hosts.perPop.counts.West=2', 'hosts.perPop.counts.East=2'];
  const POP_CRASH = 'faults=[{"kind":"pop-crash","atS":30,"pop":"East","durationS":60}]';

  it('reboot VM 0 crashed at 30 s on host 1: RTO 5 s detection + its boot set read alone (1.090520 s), RPO the 27.818961 s since its boot at start ended', () => {
    const rows = run([...FOUR, 'faults=[{"kind":"host-crash","atS":30,"host":0}]']);
    expect(at(rows, 40, 'cloud.vms_lost')).toBe(1);
    expect(at(rows, 40, 'cloud.vms_unrecovered')).toBe(0);
    expect(at(rows, 40, 'cloud.vms_rebooted')).toBe(1);
    expect(at(rows, 40, 'cloud.reboot_rto_s_max')).toBeCloseTo(5 + together(1), 6);
    expect(at(rows, 40, 'cloud.reboot_rpo_s_max')).toBeCloseTo(30 - together(2), 6);
    expect(at(rows, 40, 'images.boots')).toBe(5);
    expect(last(rows, 'cloud.vms_restored')).toBeUndefined(); // no snapshot section, no snapshot metric
  });

  it('reboot every VM of a crashed PoP whose image is still recoverable: with 2 replicas both of East go to West at 35 s, booting together (2.181039 s)', () => {
    const rows = run([...FOUR, POP_CRASH]);
    expect(at(rows, 40, 'images.recoverable_share')).toBe(1);
    expect(at(rows, 40, 'cloud.vms_unrecovered')).toBe(0);
    expect(at(rows, 40, 'cloud.vms_rebooted')).toBe(2);
    expect(at(rows, 40, 'cloud.reboot_rto_s_max')).toBeCloseTo(5 + together(2), 6);
  });

  it('leave them lost while their images are not: with 1 replica every image has chunks only East held, rebooted once East is back (90 s) at the next try (95 s)', () => {
    const rows = run([...FOUR, POP_CRASH, 'cloud.images.replicas=1']);
    expect(at(rows, 80, 'images.recoverable_share')).toBe(0);
    expect(at(rows, 80, 'cloud.vms_unrecovered')).toBe(2);
    expect(at(rows, 90, 'cloud.vms_rebooted')).toBe(0);
    expect(last(rows, 'cloud.vms_unrecovered')).toBe(0);
    expect(last(rows, 'cloud.vms_rebooted')).toBe(2);
    // 95 s - 30 s, then both boot sets (fetched to East at start, kept there) read together from East's disk.
    expect(last(rows, 'cloud.reboot_rto_s_max')).toBeCloseTo(65 + together(2), 6);
  });

  it('leave them lost for good with images off: nothing to restart them from', () => {
    const rows = run([...FOUR, POP_CRASH, 'cloud.images=null']);
    expect(last(rows, 'cloud.vms_unrecovered')).toBe(2);
    expect(last(rows, 'cloud.vms_rebooted')).toBeUndefined();
  });

  it('take the detection delay from cloud.images.detectionS without snapshots: 12 s', () => {
    const rows = run([...FOUR, 'faults=[{"kind":"host-crash","atS":30,"host":0}]', 'cloud.images.detectionS=12']);
    expect(last(rows, 'cloud.reboot_rto_s_max')).toBeCloseTo(12 + together(1), 6);
  });

  it('reboot deterministically, row for row', () => {
    const overrides = [...FOUR, POP_CRASH, 'cloud.images.replicas=1'];
    expect(JSON.stringify(run(overrides))).toBe(JSON.stringify(run(overrides)));
  });
});

// The tiny world: VM 0 boots on host 0 (West), VM 1 on host 1 (East), each from its own PoP's
// disk alone in 1.090520 s. VM 0 is moved at 0.5 s, mid-boot.
describe('a VM moved while it boots', () => {
  function moved(move: (run: RunInstruments) => void) {
    let vmState: number[] = [];
    let vmHost: number[] = [];
    const rows = runScenario(loadScenario(TINY, []), TINY, {
      instrument: (run) => {
        run.sim.after(500_000, () => move(run));
        run.sim.after(100_000_000, () => {
          vmState = [...run.cloud!.cloud.vmState.slice(0, 2)];
          vmHost = [...run.cloud!.cloud.vmHost.slice(0, 2)];
        });
      },
    }).series.all();
    return { rows, vmState, vmHost };
  }

  it("relocated to host 1 (East) boots on there: its boot set read from East beside the rest of VM 1's, running at 2.181039 s (2 x 104 MiB / disk)", () => {
    const { rows, vmState, vmHost } = moved((run) => expect(run.cloud!.hypervisors.relocateVm(0, 1)).toBe(true));
    expect(vmHost).toEqual([1, 1]);
    expect(vmState).toEqual([VM_RUNNING, VM_RUNNING]); // before the fix VM 0 stayed stopped for good
    expect(last(rows, 'images.boots')).toBe(2);
    // East's disk: VM 1 alone to 0.5 s, both at half rate to 1.681038 s, VM 0 alone after: 2 boot sets in all.
    expect(last(rows, 'images.boot_s_max')).toBeCloseTo(together(2), 5);
  });

  it('is not live-migrated: the hypervisor refuses a stopped VM (not-running), and it boots where it is in 1.090520 s', () => {
    const reasons: string[] = [];
    const { rows, vmState, vmHost } = moved((run) => run.cloud!.hypervisors.of(0).migrate(0, 1, (outcome) => reasons.push(outcome.reason)));
    expect(reasons).toEqual(['not-running']);
    expect(vmHost).toEqual([0, 1]);
    expect(vmState).toEqual([VM_RUNNING, VM_RUNNING]);
    expect(last(rows, 'images.boot_s_max')).toBeCloseTo(together(1), 6);
  });

  it('moved away and back before its boot set is read boots once, at host 0, not twice', () => {
    const { rows, vmState } = moved((run) => {
      run.cloud!.hypervisors.relocateVm(0, 1);
      run.sim.after(100_000, () => run.cloud!.hypervisors.relocateVm(0, 0));
    });
    expect(vmState).toEqual([VM_RUNNING, VM_RUNNING]);
    expect(last(rows, 'images.boots')).toBe(2);
  });
});

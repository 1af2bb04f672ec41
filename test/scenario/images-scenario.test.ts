import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
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

import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/kernel/simulator.js';
import { BulkTransfers } from '../../src/platform/bulk-transfers.js';
import { PreCopyMigration, preCopyPlan, type PreCopyMigrationParams, type PreCopyResult } from '../../src/platform/pre-copy.js';

const GB = 1e9;
const MB = 1e6;
/** m1.small of VMPlaceS: 1 GB of memory, 125 MB/s of migration bandwidth (1e9 bits/s). */
const LINK_BPS = 125 * MB * 8;
const vm = (dirtyRateBytesPerS: number, roundsMax = 30): PreCopyMigrationParams => ({ memoryBytes: GB, dirtyRateBytesPerS, stopCopyBytes: 10 * MB, roundsMax });

describe('pre-copy in closed form', () => {
  it('with nothing dirtied copies the memory once and pauses the VM for a stop-and-copy of 0 bytes: 1 round, 8 s, downtime 0', () => {
    expect(preCopyPlan({ ...vm(0), bandwidthBps: LINK_BPS })).toEqual({ rounds: 1, durationS: 8, downtimeS: 0, bytesSent: GB });
  });

  it('converges geometrically: 1 GB at 125 MB/s dirtied at 25 MB/s takes 3 rounds, 9.984 s, 64 ms of downtime', () => {
    // round 1: 1000 MB in 8 s, 200 MB dirtied; round 2: 200 MB in 1.6 s, 40 MB dirtied;
    // round 3: 40 MB in 0.32 s, 8 MB dirtied <= 10 MB: stop-and-copy of 8 MB in 0.064 s.
    // 8 + 1.6 + 0.32 + 0.064 = 9.984 s; 1000 + 200 + 40 + 8 = 1248 MB sent.
    const plan = preCopyPlan({ ...vm(25 * MB), bandwidthBps: LINK_BPS });
    expect(plan.rounds).toBe(3);
    expect(plan.durationS).toBeCloseTo(9.984, 9);
    expect(plan.downtimeS).toBeCloseTo(0.064, 9);
    expect(plan.bytesSent).toBeCloseTo(1248 * MB, 0);
  });

  it('never converges when the dirty rate reaches the bandwidth: roundsMax rounds of the whole memory, then 8 s of downtime', () => {
    for (const dirty of [125 * MB, 150 * MB]) {
      // Each 8 s round dirties >= 1 GB, capped at the memory: 5 rounds + a stop-and-copy of 1 GB.
      expect(preCopyPlan({ ...vm(dirty, 5), bandwidthBps: LINK_BPS })).toEqual({ rounds: 5, durationS: 48, downtimeS: 8, bytesSent: 6 * GB });
    }
  });

  it("with Xen's rule (sentFactorMax 3) a migration that never converges stops once it has sent 3 memories: 3 rounds, 32 s", () => {
    // 3 rounds of 1 GB (3 GB sent), then the stop-and-copy of 1 GB: 4 GB in 32 s, 8 s of downtime.
    expect(preCopyPlan({ ...vm(150 * MB, 30), sentFactorMax: 3, bandwidthBps: LINK_BPS })).toEqual({ rounds: 3, durationS: 32, downtimeS: 8, bytesSent: 4 * GB });
    // A converging one is untouched by the rule.
    expect(preCopyPlan({ ...vm(25 * MB), sentFactorMax: 3, bandwidthBps: LINK_BPS }).rounds).toBe(3);
    expect(() => preCopyPlan({ ...vm(0), sentFactorMax: 0.5, bandwidthBps: LINK_BPS })).toThrow(/sentFactorMax must be a number >= 1/);
  });

  it('stops at roundsMax when converging too slowly: 100 MB/s dirtied, 3 rounds, 512 MB copied in 4.096 s of downtime', () => {
    // 1000 MB (8 s), 800 MB (6.4 s), 640 MB (5.12 s), then 512 MB > 10 MB stop-copied anyway.
    const plan = preCopyPlan({ ...vm(100 * MB, 3), bandwidthBps: LINK_BPS });
    expect(plan.rounds).toBe(3);
    expect(plan.downtimeS).toBeCloseTo(4.096, 9);
    expect(plan.durationS).toBeCloseTo(8 + 6.4 + 5.12 + 4.096, 9);
  });

  it('rejects invalid inputs by field name', () => {
    const ok = { ...vm(25 * MB), bandwidthBps: LINK_BPS };
    expect(() => preCopyPlan({ ...ok, memoryBytes: 0 })).toThrow(/memoryBytes/);
    expect(() => preCopyPlan({ ...ok, dirtyRateBytesPerS: -1 })).toThrow(/dirtyRateBytesPerS/);
    expect(() => preCopyPlan({ ...ok, bandwidthBps: 0 })).toThrow(/bandwidthBps/);
    expect(() => preCopyPlan({ ...ok, stopCopyBytes: Number.NaN })).toThrow(/stopCopyBytes/);
    expect(() => preCopyPlan({ ...ok, roundsMax: 1.5 })).toThrow(/roundsMax/);
    expect(() => preCopyPlan({ ...ok, roundsMax: 0 })).toThrow(RangeError);
  });
});

describe('pre-copy migration over bulk transfers', () => {
  const world = () => {
    const sim = new Simulator();
    const transfers = new BulkTransfers({ sim, capacityBps: [LINK_BPS], transfersMax: 10 });
    const results: PreCopyResult[] = [];
    const migrate = (params: PreCopyMigrationParams): void => {
      new PreCopyMigration(transfers, sim, [0], params, (r) => results.push(r));
    };
    return { sim, transfers, results, migrate };
  };

  /** Within the rounding of each copy's end up to the next microsecond. */
  const expectMatches = (r: PreCopyResult, bandwidthBps: number, params: PreCopyMigrationParams): void => {
    const plan = preCopyPlan({ ...params, bandwidthBps });
    expect(r.rounds).toBe(plan.rounds);
    expect(Math.abs(r.durationUs - plan.durationS * 1e6)).toBeLessThanOrEqual(r.rounds + 1);
    expect(Math.abs(r.downtimeUs - plan.downtimeS * 1e6)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.bytesSent - plan.bytesSent)).toBeLessThan(1000);
  };

  it('alone on a link equals the closed form to the microsecond, for dirty rates of 0 to 50% of the bandwidth', () => {
    for (const dirty of [0, 12.5 * MB, 25 * MB, 62.5 * MB]) {
      const { sim, results, migrate } = world();
      migrate(vm(dirty));
      sim.run({ endUs: 100e6, eventsMax: 1000 });
      expect(results).toHaveLength(1);
      expectMatches(results[0], LINK_BPS, vm(dirty));
    }
    const { sim, results, migrate } = world();
    migrate(vm(25 * MB));
    sim.run({ endUs: 100e6, eventsMax: 1000 });
    expect(results[0].copyDurationsUs).toEqual([8_000_000, 1_600_000, 320_000, 64_000]);
  });

  it('two equal migrations started together each take longer than alone, as long as the closed form at half the bandwidth', () => {
    const { sim, results, migrate } = world();
    migrate(vm(25 * MB));
    migrate(vm(25 * MB));
    sim.run({ endUs: 100e6, eventsMax: 1000 });
    expect(results).toHaveLength(2);
    const alone = preCopyPlan({ ...vm(25 * MB), bandwidthBps: LINK_BPS });
    for (const r of results) {
      expect(r.durationUs).toBeGreaterThan(alone.durationS * 1e6);
      expectMatches(r, LINK_BPS / 2, vm(25 * MB));
    }
    // At 62.5 MB/s, 25 MB/s dirtied is 40%: 6 rounds (1000, 400, 160, 64, 25.6, 10.24 MB), 4.096 MB stop-copied.
    expect(results[0].rounds).toBe(6);
  });

  it('speeds up once a transfer sharing its link ends: 9.6 s for round 1, 11.9808 s in all, between the two closed forms', () => {
    const { sim, transfers, results, migrate } = world();
    transfers.start([0], 200 * MB, () => {}); // at 62.5 MB/s beside the migration: ends at 3.2 s
    migrate(vm(25 * MB));
    sim.run({ endUs: 100e6, eventsMax: 1000 });
    // round 1: 200 MB in 3.2 s at half the link, the other 800 MB in 6.4 s alone = 9.6 s, 240 MB dirtied;
    // round 2: 240 MB in 1.92 s, 48 MB dirtied; round 3: 48 MB in 0.384 s, 9.6 MB dirtied <= 10 MB;
    // stop-and-copy: 9.6 MB in 0.0768 s. In all 11.9808 s.
    expect(results).toHaveLength(1);
    const r = results[0];
    r.copyDurationsUs.forEach((us, k) => expect(Math.abs(us - [9_600_000, 1_920_000, 384_000, 76_800][k]), `copy ${k}`).toBeLessThanOrEqual(1));
    expect(Math.abs(r.durationUs - 11_980_800)).toBeLessThanOrEqual(4);
    const alone = preCopyPlan({ ...vm(25 * MB), bandwidthBps: LINK_BPS }).durationS * 1e6;
    const halved = preCopyPlan({ ...vm(25 * MB), bandwidthBps: LINK_BPS / 2 }).durationS * 1e6;
    expect(r.durationUs).toBeGreaterThan(alone);
    expect(r.durationUs).toBeLessThan(halved);
  });

  it("under a bandwidth below the dirty rate ends by Xen's rule (sentFactorMax 3): 3 rounds of 1 GB at 62.5 MB/s, 4 GB in 64 s, 16 s of downtime", () => {
    // A transfer of 100 GB holds half of the 125 MB/s link all along: the migration gets 62.5 MB/s
    // and dirties 100 MB/s, so every round dirties more than the memory and copies all of it again.
    const capped = world();
    capped.transfers.start([0], 100 * GB, () => {});
    capped.migrate({ ...vm(100 * MB), sentFactorMax: 3 });
    capped.sim.run({ endUs: 1000e6, eventsMax: 1000 });
    expect(capped.results).toHaveLength(1);
    const r = capped.results[0];
    expect(r.rounds).toBe(3);
    expect(r.bytesSent).toBe(4 * GB);
    r.copyDurationsUs.forEach((us, k) => expect(Math.abs(us - 16_000_000), `copy ${k}`).toBeLessThanOrEqual(1));
    expect(r.copyDurationsUs).toHaveLength(4);
    expect(Math.abs(r.downtimeUs - 16_000_000)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.durationUs - 64_000_000)).toBeLessThanOrEqual(4);
    // Without the rule it copies the whole memory roundsMax (30) times before the same stop-and-copy: 31 GB in 496 s.
    const uncapped = world();
    uncapped.transfers.start([0], 100 * GB, () => {});
    uncapped.migrate(vm(100 * MB));
    uncapped.sim.run({ endUs: 1000e6, eventsMax: 1000 });
    expect(uncapped.results[0].rounds).toBe(30);
    expect(uncapped.results[0].bytesSent).toBe(31 * GB);
    expect(Math.abs(uncapped.results[0].durationUs - 496_000_000)).toBeLessThanOrEqual(31);
  });

  it('rejects a migration over no link without a cap, and invalid parameters by name', () => {
    const { sim, transfers } = world();
    expect(() => new PreCopyMigration(transfers, sim, [], vm(0), () => {})).toThrow('needs a finite capBps');
    expect(() => new PreCopyMigration(transfers, sim, [0], { ...vm(0), roundsMax: 0 }, () => {})).toThrow(/roundsMax/);
  });
});

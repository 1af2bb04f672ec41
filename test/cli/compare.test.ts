/**
 * `luc compare`: a scenario run live on the testbed (16 network namespaces) and simulated on the
 * same agents (3 seeds), compared metric by metric, with the targets of issue 12 asserted on
 * measured PlanetLab RTTs; bad input refused with exit 2 before anything runs. The live run needs
 * root and `ip netns` (skipped otherwise, with the reason); the bad-input cases run anywhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRuns, relativeDifference, targetVerdict } from '../../src/check/live-compare.js';
import { comparisonCsv } from '../../src/check/live-compare-table.js';
import { luc, ROOT } from './run-cli.js';

const SCENARIO = join(ROOT, 'test/cli/fixtures/compare-planetlab.yaml');
const dir = mkdtempSync(join(tmpdir(), 'luc-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const hasNetns = spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
const SKIP_REASON = !isRoot ? 'not root' : !hasNetns ? "'ip netns' unavailable" : null;
if (SKIP_REASON !== null) console.warn(`luc compare on the testbed skipped: ${SKIP_REASON} (the testbed creates network namespaces)`);

describe('the comparison of live and simulated final values', () => {
  it('takes the relative difference against |simulated|, 0 when both are 0, none when only the simulated one is', () => {
    expect(relativeDifference(0.1, 0.12)).toBeCloseTo(0.2, 12);
    expect(relativeDifference(-2, -1)).toBeCloseTo(0.5, 12);
    expect(relativeDifference(0, 0)).toBe(0);
    expect(relativeDifference(0, 1)).toBeNull();
    expect(relativeDifference(NaN, 1)).toBeNull();
  });

  it('passes a relative target within its share of the simulated value and an absolute one within its amount', () => {
    expect(targetVerdict({ relative: 0.2 }, 0.1, 0.119)).toBe('pass');
    expect(targetVerdict({ relative: 0.2 }, 0.1, 0.121)).toBe('miss');
    expect(targetVerdict({ absolute: 0.01 }, 0.98, 0.97)).toBe('pass');
    expect(targetVerdict({ absolute: 0.01 }, 0.98, 0.969)).toBe('miss');
    expect(targetVerdict({ absolute: 0.05 }, NaN, 0.9)).toBe('miss');
  });

  it('compares the metrics both runs have, targets first, against the mean of the twins, within their min-max', () => {
    const rows = compareRuns({ 'messages.sent': 100, 'chord.lookup_success': 0.99, 'vivaldi.median_rel_error': 0.11, 'live.only': 1 }, [
      { 'messages.sent': 90, 'chord.lookup_success': 1, 'vivaldi.median_rel_error': 0.1 },
      { 'messages.sent': 110, 'chord.lookup_success': 0.98, 'vivaldi.median_rel_error': 0.08 },
    ]);
    expect(rows.map((r) => r.metric)).toEqual(['vivaldi.median_rel_error', 'chord.lookup_success', 'messages.sent']);
    expect(rows[0]).toMatchObject({ simMean: 0.09, simSameSeed: 0.1, simMin: 0.08, simMax: 0.1, simSeeds: 2, live: 0.11, withinSpread: false, verdict: 'miss' });
    expect(rows[1]).toMatchObject({ withinSpread: true, verdict: 'pass' });
    expect(rows[2]).toMatchObject({ simMean: 100, relativeDiff: 0, withinSpread: true, target: null, verdict: null });
    // A target's metric the live run lacks (no agent sampled) is a miss, live NaN.
    const lacking = compareRuns({ 'messages.sent': 1 }, [{ 'messages.sent': 1, 'spiral.recall_at_4': 0.9 }]);
    expect(lacking.map((r) => [r.metric, r.verdict])).toEqual([['spiral.recall_at_4', 'miss'], ['messages.sent', null]]);
    expect(comparisonCsv(rows).split('\n')[0]).toBe('metric,sim_mean,sim_same_seed,sim_min,sim_max,sim_seeds,live,relative_diff,within_spread,target,verdict');
  });
});

describe('luc compare with bad input', () => {
  it('refuses an unknown --live with exit 2, naming the option and the choices', () => {
    const result = luc(['compare', SCENARIO, '--live', 'cloud', '--out', join(dir, 'bad-live')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--live: expected one of testbed, loopback, deploy, got 'cloud'/);
    expect(existsSync(join(dir, 'bad-live'))).toBe(false);
  });

  it('refuses --live deploy without machines, and machines without --live deploy (exit 2)', () => {
    const bare = luc(['compare', SCENARIO, '--live', 'deploy', '--out', join(dir, 'no-nodes')]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/--nodes \/ --oar.*exactly one of --nodes FILE and --oar/);
    const missing = luc(['compare', SCENARIO, '--live', 'deploy', '--nodes', join(dir, 'no-such-nodes'), '--out', join(dir, 'no-nodes')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no-such-nodes.*a readable nodes file/);
    const stray = luc(['compare', SCENARIO, '--live', 'loopback', '--nodes', join(dir, 'no-such-nodes'), '--out', join(dir, 'no-nodes')]);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toMatch(/--nodes: machines are for --live deploy, not --live loopback/);
    expect(existsSync(join(dir, 'no-nodes'))).toBe(false);
  });

  it('refuses --seeds that is not a positive integer with exit 2', () => {
    for (const seeds of ['0', '2.5', '101']) {
      const result = luc(['compare', SCENARIO, '--live', 'loopback', '--seeds', seeds]);
      expect(result.status, seeds).toBe(2);
      expect(result.stderr).toMatch(/--seeds: expected an integer from 1 to 100/);
    }
  });

  it('refuses a scenario with nothing to compare (gossip only) with exit 2, naming the file and the field', () => {
    const file = join(dir, 'gossip-only.yaml');
    writeFileSync(file, 'name: gossip-only\nseed: 1\ndurationS: 10\ntopology: { kind: generate, pops: 8 }\nprotocols:\n  gossip: {}\n');
    const result = luc(['compare', file, '--live', 'loopback']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}: protocols: expected a protocol the live launch scores`);
  });

  it('refuses an out folder holding files that are not an earlier comparison, with exit 2', () => {
    const out = join(dir, 'occupied');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const result = luc(['compare', SCENARIO, '--live', 'loopback', '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/occupied: holds files that are not an earlier comparison/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });

  it('refuses a scenario field that is wrong with exit 2, as luc run does', () => {
    const result = luc(['compare', SCENARIO, '--live', 'loopback', '--set', 'protocols.vivaldi.dimensions=0']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/protocols\.vivaldi\.dimensions/);
  });
});

describe.skipIf(SKIP_REASON !== null)('luc compare on the testbed', () => {
  // The targets themselves are asserted by .ci/run's "compare" step (luc compare --assert, 40 s,
  // 3 twins), which runs alone: beside other test files on 2 cores the agents run late by as much
  // as the RTTs they measure (README, Comparing simulation and live). Here: the whole command on
  // a shorter run, every file it writes and every target judged.
  it('runs 16 namespaces live and 2 simulated twins on PlanetLab RTTs, and judges the four targets in compare.csv, compare.md, compare.json and one chart each', () => {
    const out = join(dir, 'planetlab-16');
    const result = luc(['compare', SCENARIO, '--live', 'testbed', '--agents', '16', '--seeds', '2', '--duration-s', '24', '--out', out], ROOT, 150_000);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.status, result.stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(record).toMatchObject({ live: 'testbed', agents: 16, seeds: 2, seed: 11, durationS: 24 });
    expect(record.folders.sim).toEqual(['live/twin', 'sim/seed-12']);
    const targets = ['vivaldi.median_rel_error', 'chord.lookup_success', 'chord.median_lookup_latency_ms', 'spiral.recall_at_4'];
    expect(record.targets.map((t: { metric: string }) => t.metric)).toEqual(targets);
    for (const target of record.targets) {
      expect(Number.isFinite(target.sim), target.metric).toBe(true);
      expect(Number.isFinite(target.live), target.metric).toBe(true);
      expect(['pass', 'miss']).toContain(target.verdict);
    }
    // stdout says each verdict; compare.json lists the misses.
    for (const t of record.targets) expect(result.stdout).toContain(`${t.metric}: simulated`);
    expect(record.missed).toEqual(record.targets.filter((t: { verdict: string }) => t.verdict === 'miss').map((t: { metric: string }) => t.metric));
    // The files: the table in CSV and Markdown, a chart per target overlaying both runs.
    const csv = readFileSync(join(out, 'compare.csv'), 'utf8');
    expect(csv).toMatch(/^vivaldi\.median_rel_error,[^,]+,[^,]+,[^,]+,[^,]+,2,[^,]+,[^,]*,(yes|no),±20%,(pass|miss)$/m);
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toMatch(/\| `chord\.lookup_success` \| .* \| ±0\.01 \| (pass|\*\*miss\*\*) \|/);
    for (const metric of targets) expect(readFileSync(join(out, `compare-${metric}.svg`), 'utf8')).toContain('simulated twin (mean of 2 seeds)');
    // The agents measured their own lateness (the explanation of a miss).
    expect(record.timing.agents).toBe(16);
    expect(record.timing.eventLoopMs.p50).toBeGreaterThanOrEqual(0);
    expect(record.loadAverage.start).toHaveLength(3);
    console.info(`luc compare (24 s, load ${record.loadAverage.start.join(' ')}): ${record.targets.map((t: { metric: string; sim: number; live: number; verdict: string }) => `${t.metric} ${t.sim.toFixed(3)} / ${t.live.toFixed(3)} ${t.verdict}`).join('; ')}`);
  }, 160_000);
});

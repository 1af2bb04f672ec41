import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsCsv } from '../../src/metrics/write-results.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario, type RunOutcome } from '../../src/scenario/run-scenario.js';
import { luc } from '../cli/run-cli.js';
import { ROOT } from '../support/dist-build.js';

const FILE = join(ROOT, 'scenarios/renater-store.yaml');

function run(overrides: string[] = []): RunOutcome {
  return runScenario(loadScenario(FILE, overrides), FILE);
}

const quorums = (r: number, w: number): string[] => [`protocols.store.readQuorum=${r}`, `protocols.store.writeQuorum=${w}`];

describe('the bundled renater-store scenario (N = 3, host crashes, a PoP crash, a partition)', () => {
  const strict = run();
  const final = strict.series.finalValues();

  it('loses no acknowledged write within its tolerance and reads no version nobody wrote', () => {
    expect(final['store.writes']).toBeGreaterThan(4000);
    expect(final['store.reads']).toBeGreaterThan(4000);
    expect(final['store.write_success']).toBeGreaterThan(0.95);
    expect(final['store.read_success']).toBeGreaterThan(0.95);
    expect(final['store.acked_writes_lost']).toBe(0);
    expect(final['store.phantom_reads']).toBe(0);
    expect(final['nodes.crashes']).toBeGreaterThan(0);
  });

  it('hands hints back, repairs by anti-entropy, and ends with every key on its three replicas again', () => {
    expect(final['store.hints_delivered']).toBeGreaterThan(0);
    expect(final['store.anti_entropy_repairs']).toBeGreaterThan(0);
    expect(final['store.hints_held']).toBe(0);
    expect(final['store.keys_held']).toBe(500 * 3);
  });

  it('reads stale values less often at R = W = 2 than at R = W = 1 (same seed)', () => {
    const loose = run(quorums(1, 1)).series.finalValues();
    expect(loose['store.stale_read_share']).toBeGreaterThan(0);
    expect(final['store.stale_read_share']).toBeLessThan(loose['store.stale_read_share']);
    expect(loose['store.stale_age_ms_p50']).toBeGreaterThan(0);
  });

  it('gives byte-identical metrics twice', () => {
    expect(metricsCsv(run().series.all())).toBe(metricsCsv(strict.series.all()));
  });
});

describe('store settings that cannot hold', () => {
  it('refuses a read quorum above the replicas, naming the field (exit 2)', () => {
    const r = luc(['validate', 'scenarios/renater-store.yaml', '--set', 'protocols.store.readQuorum=4']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('protocols.store.readQuorum: expected an integer <= replicas (3)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses more replicas than the run has hosts, naming the field (exit 2)', () => {
    const r = luc(['validate', 'scenarios/renater-store.yaml', '--set', 'protocols.store.replicas=300', '--set', 'protocols.store.readQuorum=1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('protocols.store.replicas: expected an integer <= the hosts of the run (224), found 300');
  });
});

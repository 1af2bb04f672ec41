import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsCsv } from '../../src/metrics/write-results.js';
import type { MetricRow } from '../../src/metrics/series.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario, type RunOutcome } from '../../src/scenario/run-scenario.js';
import { luc } from '../cli/run-cli.js';
import { ROOT } from '../support/dist-build.js';

const FILE = join(ROOT, 'scenarios/renater-ve-registry.yaml');
const OPS = ['find', 'suspend', 'resume', 'stop', 'start', 'relocate'];

function run(overrides: string[] = []): RunOutcome {
  return runScenario(loadScenario(FILE, overrides), FILE);
}

/** The value of a cumulative metric at `timeS` (its last sample at or before it). */
function at(rows: readonly MetricRow[], metric: string, timeS: number): number {
  let value = 0;
  for (const r of rows) if (r.metric === metric && r.node === '' && r.timeS <= timeS) value = r.value;
  return value;
}

/** VE operations finished in (fromS, toS], and those judged right against the cloud model. */
function window(rows: readonly MetricRow[], fromS: number, toS: number): { ops: number; right: number; unknownVe: number } {
  let ops = 0;
  let right = 0;
  for (const op of OPS) {
    const [n0, n1] = [at(rows, `ve.${op}.ops`, fromS), at(rows, `ve.${op}.ops`, toS)];
    ops += n1 - n0;
    right += n1 * at(rows, `ve.${op}.ok_share`, toS) - n0 * at(rows, `ve.${op}.ok_share`, fromS);
  }
  return { ops, right: Math.round(right), unknownVe: at(rows, 've.failed.unknown-ve', toS) - at(rows, 've.failed.unknown-ve', fromS) };
}

describe('the bundled renater-ve-registry scenario (the 8 hosts owning 50 of 250 VE records crash at 600 s)', () => {
  const store = run();
  const soft = run(['cloud.lifecycle.registry=soft']);
  const rows = store.series.all();
  const softRows = soft.series.all();

  it('right after the crash, the VE operations succeed against the cloud model with the records in the store, and wait for the reports without it', () => {
    const before = window(rows, 120, 600);
    expect(window(softRows, 120, 600)).toEqual(before); // same run until the crash
    const withStore = window(rows, 600, 630);
    const withSoft = window(softRows, 600, 630);
    expect(withStore.unknownVe).toBe(0);
    expect(withSoft.unknownVe).toBeGreaterThan(20);
    expect(withStore.right / withStore.ops).toBeGreaterThan(withSoft.right / withSoft.ops + 0.08);
    expect(store.series.finalValues()['ve.records_loaded']).toBeGreaterThanOrEqual(50);
  });

  it("keeps the store's history checks with the VE records' traffic on it: no acknowledged write lost, no phantom read", () => {
    const final = store.series.finalValues();
    expect(final['ve.registry_writes']).toBeGreaterThan(1000);
    expect(final['store.writes']).toBeGreaterThan(final['ve.registry_writes']);
    expect(final['store.acked_writes_lost']).toBe(0);
    expect(final['store.phantom_reads']).toBe(0);
    expect(final['store.reads_beyond_tolerance']).toBe(0);
    expect(final['store.write_success']).toBe(1);
  });

  it('gives byte-identical metrics twice', () => {
    expect(metricsCsv(run().series.all())).toBe(metricsCsv(rows));
  });
});

describe('registry settings that cannot hold', () => {
  it("refuses registry 'store' for the VE records without a store section, naming the field (exit 2)", () => {
    const r = luc(['validate', 'scenarios/renater-ve-registry.yaml', '--set', 'protocols.store=null']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("cloud.lifecycle.registry: expected 'soft' when protocols.store is absent");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses registry 'store' for the VM index without a store section, a registry it does not know, and a store too small for a record (exit 2)", () => {
    const index = luc(['validate', 'scenarios/renater-vm-index.yaml', '--set', 'protocols.vmIndex.registry=store']);
    expect(index.status).toBe(2);
    expect(index.stderr).toContain("protocols.vmIndex.registry: expected 'soft' when protocols.store is absent");
    const unknown = luc(['validate', 'scenarios/renater-ve-registry.yaml', '--set', 'cloud.lifecycle.registry=disk']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("cloud.lifecycle.registry: expected 'soft' or 'store'");
    const small = luc(['validate', 'scenarios/renater-ve-registry.yaml', '--set', 'protocols.store.dataWordsMax=100']);
    expect(small.status).toBe(2);
    expect(small.stderr).toContain('protocols.store.dataWordsMax: expected an integer >= 1027: the VE records take up to 1027 words');
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { ROOT } from '../support/dist-build.js';
import { fixture } from './fixtures.js';

/** chord-churn-1k cut down: 80 hosts, churn from 150 s to 500 s, exponential sessions of mean 20 min. */
const SMALL_CHORD_CHURN = [
  'topology.pops=80',
  'durationS=500',
  'churn.startS=150',
  'churn.session.meanS=1200',
  'churn.joinRatePerS=0.06', // about 72 of the 79 churning hosts up
  'metrics.intervalS=50',
];

function run(file: string, overrides: readonly string[]) {
  return runScenario(loadScenario(file, overrides), file);
}

describe('scenarios with churn', () => {
  it('are deterministic: two runs of the same churn scenario give identical series, row for row', () => {
    const file = fixture('good/churn.yaml');
    const a = run(file, ['durationS=300']).series.all();
    const b = run(file, ['durationS=300']).series.all();
    expect(a.length).toBeGreaterThan(100);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const joins = a.filter((row) => row.metric === 'churn.joins').at(-1)?.value ?? 0;
    expect(joins).toBeGreaterThan(0);
  });

  it('start the hosts that are not initially up down: nodes.up at 0 s counts only the others', () => {
    const file = fixture('good/churn.yaml');
    const rows = run(file, ['durationS=30', 'churn.startS=20']).series.all();
    const upAt0 = rows.find((row) => row.metric === 'nodes.up' && row.timeS === 0)?.value;
    expect(upAt0).toBe(12 - (11 - Math.round(0.5 * 11)));
  });

  it('chord-churn-1k on 80 hosts: hosts join and leave, chord keeps answering, and its success under churn is reported', () => {
    const file = join(ROOT, 'scenarios', 'chord-churn-1k.yaml');
    const outcome = run(file, SMALL_CHORD_CHURN);
    const f = outcome.series.finalValues();
    expect(f['churn.joins']).toBeGreaterThan(10);
    expect(f['churn.leaves']).toBeGreaterThan(10);
    expect(f['nodes.up']).toBeLessThan(80);
    expect(f['chord.joined']).toBeGreaterThan(50);
    expect(f['chord.lookups']).toBeGreaterThan(2000);
    expect(f['chord.lookup_success']).toBeGreaterThan(0.9);
    expect(f['chord.lookup_success_under_churn']).toBeGreaterThan(0.9);
    expect(f['chord.lookup_success_under_churn']).toBeLessThanOrEqual(1);
    // reported from the first sample once churn has begun (150 s), empty (NaN) before
    const rows = outcome.series.all().filter((row) => row.metric === 'chord.lookup_success_under_churn');
    const first = rows.find((row) => !Number.isNaN(row.value));
    expect(first?.timeS).toBe(200);
    expect(rows.filter((row) => row.timeS < 200).every((row) => Number.isNaN(row.value))).toBe(true);
  });
});

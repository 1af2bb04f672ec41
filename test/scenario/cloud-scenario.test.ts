import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import type { MetricRow } from '../../src/metrics/series.js';
import { TraceError } from '../../src/workload/load-trace.js';
import { fixture, scenarioErrorOf } from './fixtures.js';

function run(overrides: readonly string[] = []) {
  const file = fixture('good/cloud.yaml');
  return runScenario(loadScenario(file, overrides), file);
}

function last(rows: readonly MetricRow[], metric: string): number | undefined {
  return rows.filter((row) => row.metric === metric && row.node === '').at(-1)?.value;
}

describe('scenarios with a cloud section', () => {
  it("migrate by Xen's pre-copy rules unless told otherwise: 30 live rounds at most, 3 times the memory sent at most", () => {
    const migration = loadScenario(fixture('good/cloud.yaml')).cloud?.migration;
    expect(migration?.roundsMax).toBe(30);
    expect(migration?.sentFactorMax).toBe(3);
  });

  it('are deterministic, row for row', () => {
    const a = run(['durationS=600']).series.all();
    const b = run(['durationS=600']).series.all();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('score violations from the model: 48 hosts of 6 cores under the VMPlaceS load overload now and then, and no scheduler resolves them by migration', () => {
    const rows = run().series.all();
    const violations = last(rows, 'cloud.violations') ?? 0;
    expect(violations).toBeGreaterThan(0);
    expect(last(rows, 'cloud.migrations')).toBe(0);
    // Cumulated time is at least what the resolved ones took, and each resolved one took > 0 s.
    const resolved = last(rows, 'cloud.violations_resolved') ?? 0;
    expect(resolved).toBeLessThanOrEqual(violations);
    expect(last(rows, 'cloud.violation_time_s')).toBeGreaterThanOrEqual((last(rows, 'cloud.resolve_s_mean') ?? 0) * resolved - 1e-6);
    // 48 hosts drawing between 100 and 200 W for 30 min: between 2.4 and 4.8 kWh.
    const kwh = last(rows, 'cloud.energy_kwh') ?? 0;
    expect(kwh).toBeGreaterThan(2.4);
    expect(kwh).toBeLessThan(4.8);
  });

  it('play a load trace: nine VMs of host 0 at 100% from 10 s overload it (9 cores > 6) until VM 0 drops at 500 s', () => {
    const rows = run(['cloud.workload={"kind":"trace","file":"../traces/overload.csv"}', 'cloud.vm.perHost=9']).series.all();
    expect(last(rows, 'cloud.violations')).toBe(1);
    // 9 -> 8 cores at 500 s is still above 6: the violation is open to the end.
    expect(last(rows, 'cloud.hosts_overloaded')).toBe(1);
    expect(last(rows, 'cloud.violation_time_s')).toBeCloseTo(1790, 6);
  });

  it('reject a missing trace with the field, and a malformed one with the file, line and field', () => {
    const missing = scenarioErrorOf(() => loadScenario(fixture('good/cloud.yaml'), ['cloud.workload={"kind":"trace","file":"nope.csv"}']));
    expect(missing.message).toContain('cloud.workload.file: expected an existing file');
    const file = fixture('good/cloud.yaml');
    const scenario = loadScenario(file, ['cloud.workload={"kind":"trace","file":"../bad/trace-bad.csv"}']);
    expect(() => runScenario(scenario, file)).toThrow(TraceError);
    expect(() => runScenario(scenario, file)).toThrow(/trace-bad\.csv:3: load_percent/);
  });

  it('reject impossible settings with the field and what was expected', () => {
    const error = scenarioErrorOf(() => loadScenario(fixture('good/cloud.yaml'), ['cloud.vm.perHost=40']));
    expect(error.message).toContain('cloud.vm.perHost: expected at most 32 VMs of 1024 MiB per host of 32768 MiB');
  });
});

/**
 * metrics.csv has the same columns, of the same types, whatever the scenario: a Vivaldi run on a
 * GraphML backbone (per-node rows), one on an RTT matrix, and a DVMS run (no per-node rows).
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { metricsCsv } from '../../src/metrics/write-results.js';
import type { MetricRow } from '../../src/metrics/series.js';
import { ROOT } from '../support/dist-build.js';
import { fixture } from './fixtures.js';

const RUNS = [
  { name: 'vivaldi on a backbone', file: `${ROOT}/scenarios/renater-vivaldi.yaml`, overrides: ['durationS=60', 'faults=[]'] },
  { name: 'vivaldi on a matrix', file: fixture('good/matrix.yml'), overrides: ['durationS=60'] },
  { name: 'dvms', file: fixture('good/scheduler.yaml'), overrides: ['durationS=600'] },
];

const NUMBER = /^-?(\d+(\.\d+)?(e[-+]?\d+)?|Infinity)$/;

const rowsOf = new Map<string, readonly MetricRow[]>();
function rows(file: string, overrides: readonly string[]): readonly MetricRow[] {
  const key = [file, ...overrides].join(' ');
  if (!rowsOf.has(key)) rowsOf.set(key, runScenario(loadScenario(file, overrides), file).series.all());
  return rowsOf.get(key) as readonly MetricRow[];
}

describe('metrics.csv columns', () => {
  for (const { name, file, overrides } of RUNS) {
    it(`${name}: time_s a number, metric a name, value a number or empty, node empty or a host index on every row`, () => {
      const records = parse(metricsCsv(rows(file, overrides))) as string[][];
      expect(records[0]).toEqual(['time_s', 'metric', 'value', 'node']);
      for (const [timeS, metric, value, node] of records.slice(1)) {
        expect(timeS).toMatch(NUMBER);
        expect(metric).toMatch(/^[a-z][\w.]*$/);
        expect(value === '' || NUMBER.test(value), `${metric} at ${timeS} s: '${value}'`).toBe(true);
        expect(node).toMatch(/^(|0|[1-9]\d*)$/);
      }
    });

    it(`${name}: every global metric at every sample from 0 s, counters 0 before they first move`, () => {
      const global = rows(file, overrides).filter((r) => r.node === '');
      const byTime = new Map<number, string[]>();
      for (const r of global) byTime.set(r.timeS, [...(byTime.get(r.timeS) ?? []), r.metric]);
      const [first, ...others] = [...byTime.entries()];
      expect(first[0]).toBe(0);
      for (const [timeS, metrics] of others) expect(metrics, `${timeS} s`).toEqual(first[1]);
      expect(global.find((r) => r.timeS === 0 && r.metric === 'nodes.crashes')?.value).toBe(0);
    });
  }
});

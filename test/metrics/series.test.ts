import { describe, expect, it } from 'vitest';
import { MetricSeries } from '../../src/metrics/series.js';
import { metricsCsv } from '../../src/metrics/write-results.js';

/** The rows of `metric` as [time, value] pairs, values NaN where the cell is empty. */
function pointsOf(series: MetricSeries, metric: string): [number, number][] {
  return series
    .all()
    .filter((r) => r.metric === metric && r.node === '')
    .map((r) => [r.timeS, r.value]);
}

describe('MetricSeries (dense rows)', () => {
  it('writes a count first recorded at 20 s as 0 at 0 s and 10 s, and at every later sample', () => {
    const series = new MetricSeries();
    series.record(0, 'nodes.up', 4);
    series.record(10, 'nodes.up', 4);
    series.count(20, 'nodes.crashes', 1);
    series.record(20, 'nodes.up', 3);
    series.record(30, 'nodes.up', 3);
    expect(pointsOf(series, 'nodes.crashes')).toEqual([
      [0, 0],
      [10, 0],
      [20, 1],
      [30, 0], // not recorded at 30 s: a count not recorded is 0 (a caller records it at every sample once it exists)
    ]);
  });

  it('leaves a gauge empty (NaN, an empty cell) at the samples that have no value for it, never 0', () => {
    const series = new MetricSeries();
    series.count(0, 'cloud.violations', 0);
    series.count(60, 'cloud.violations', 1);
    series.record(60, 'cloud.resolve_s_mean', 12.5);
    series.count(120, 'cloud.violations', 1);
    expect(pointsOf(series, 'cloud.resolve_s_mean')).toEqual([
      [0, NaN],
      [60, 12.5],
      [120, NaN],
    ]);
    const lines = metricsCsv(series.all()).trim().split('\n');
    expect(lines).toEqual([
      'time_s,metric,value,node',
      '0,cloud.violations,0,',
      '0,cloud.resolve_s_mean,,',
      '60,cloud.violations,1,',
      '60,cloud.resolve_s_mean,12.5,',
      '120,cloud.violations,1,',
      '120,cloud.resolve_s_mean,,',
    ]);
  });

  it('writes every global metric once at every sample time, in the order metrics were first recorded, per-node rows after them', () => {
    const series = new MetricSeries();
    series.record(0, 'b', 1);
    series.record(0, 'a', 2);
    series.record(5, 'c', 3);
    series.record(5, 'b', 4);
    series.record(5, 'node_error', 0.5, 7);
    expect(series.all().map((r) => `${r.timeS} ${r.metric} ${r.node}`)).toEqual(['0 b ', '0 a ', '0 c ', '5 b ', '5 a ', '5 c ', '5 node_error 7']);
  });

  it('keeps the last recorded value of each global metric for the summary, not the empty cells after it', () => {
    const series = new MetricSeries();
    series.record(0, 'chord.mean_hops', 3);
    series.record(10, 'nodes.up', 1);
    expect(series.finalValues()).toEqual({ 'chord.mean_hops': 3, 'nodes.up': 1 });
  });

  it('refuses a metric recorded both as a count and as a gauge, twice at one time, or back in time', () => {
    const series = new MetricSeries();
    series.count(0, 'x', 1);
    expect(() => series.record(1, 'x', 1)).toThrow(/recorded as a gauge at 1 s, earlier as a count/);
    expect(() => series.count(0, 'x', 2)).toThrow(/recorded twice at 0 s/);
    series.count(5, 'x', 1);
    expect(() => series.count(4, 'x', 1)).toThrow(/out of time order/);
    expect(() => series.record(5, 'e', 1, -1)).toThrow(/host index/);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plotFiles } from '../../src/plot/plot-set.js';
import { readRunFolder } from '../../src/plot/run-folder.js';
import { PlotInputError } from '../../src/plot/errors.js';
import { legendLabels, linePaths, makeGeometricSweep, makeRun, makeSweep, vertexCount, xTicks } from './fixtures.js';

describe('plot charts', () => {
  let dir = '';
  let seed1 = '';
  let seed2 = '';
  let dims3 = '';
  let sweep = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-plot-'));
    seed1 = makeRun(join(dir, 'seed-1'), 1);
    seed2 = makeRun(join(dir, 'seed-2'), 2);
    dims3 = makeRun(join(dir, 'dims-3'), 1, ['protocols.vivaldi.dimensions=3']);
    sweep = makeSweep(join(dir, 'sweep'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const svgOf = (inputs: string[], name: string, metrics: string[] = []): string => {
    const file = plotFiles(inputs, metrics).find((f) => f.name === name);
    if (file === undefined) throw new Error(`no ${name} among ${plotFiles(inputs, metrics).map((f) => f.name).join(', ')}`);
    return file.svg;
  };

  it('draws the default charts of runs: convergence of the median and p90 errors, and the per-node CDF', () => {
    expect(plotFiles([seed1], []).map((f) => f.name)).toEqual([
      'convergence-vivaldi.median_rel_error.svg',
      'convergence-vivaldi.p90_rel_error.svg',
      'cdf-vivaldi.node_median_rel_error.svg',
    ]);
  });

  it('draws one convergence line per run of different scenarios, with axis labels and a legend naming what differs', () => {
    const svg = svgOf([seed1, dims3], 'convergence-vivaldi.median_rel_error.svg');
    const lines = linePaths(svg);
    expect(lines).toHaveLength(2);
    // 60 s sampled every 10 s: 7 points per run.
    for (const d of lines) expect(vertexCount(d)).toBe(7);
    expect(svg).toContain('virtual time (s)');
    expect(svg).toContain('vivaldi.median_rel_error');
    // Both runs have seed 1: the subtitle says so once, the legend names what differs only.
    expect(legendLabels(svg)).toEqual(['protocols.vivaldi.dimensions=2', 'protocols.vivaldi.dimensions=3']);
    expect(svg).toContain('2 runs over virtual time, seed 1');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('draws runs that differ only by seed as one min-max band and one mean line', () => {
    const svg = svgOf([seed1, seed2, dims3], 'convergence-vivaldi.median_rel_error.svg');
    expect(linePaths(svg)).toHaveLength(2); // the mean of seeds 1-2, and the 3-dimension run
    const areas = [...svg.matchAll(/<g [^>]*aria-label="area"[^>]*>(.*?)<\/g>/gs)].flatMap((m) => [...m[1].matchAll(/<path /g)]);
    expect(areas).toHaveLength(1);
    expect(legendLabels(svg)).toEqual(['protocols.vivaldi.dimensions=2 (mean of 2 seeds)', 'protocols.vivaldi.dimensions=3, seed 1']);
    expect(svg).toContain('band = min–max across seeds');
  });

  it('draws the CDF of per-node errors with one point per node, one curve per run', () => {
    const svg = svgOf([seed1, seed2], 'cdf-vivaldi.node_median_rel_error.svg');
    const nodes = readRunFolder(seed1).nodeValues.get('vivaldi.node_median_rel_error')?.size ?? 0;
    expect(nodes).toBe(224);
    const lines = linePaths(svg);
    expect(lines).toHaveLength(2);
    expect(vertexCount(lines[0])).toBe(nodes);
    expect(svg).toContain('fraction of nodes');
  });

  it('gives byte-identical SVG for the same input', () => {
    const first = plotFiles([seed1, seed2, dims3, sweep], []);
    const second = plotFiles([seed1, seed2, dims3, sweep], []);
    expect(second.map((f) => f.name)).toEqual(first.map((f) => f.name));
    second.forEach((file, i) => expect(file.svg).toBe(first[i].svg));
  });

  it('draws a sweep: the mean against each parameter with CI bars, one series per value of the other parameter', () => {
    const names = plotFiles([sweep], []).map((f) => f.name);
    expect(names).toEqual(['sweep-vivaldi.median_rel_error-vs-protocols.vivaldi.dimensions.svg', 'sweep-vivaldi.median_rel_error-vs-protocols.vivaldi.useHeight.svg']);
    const svg = svgOf([sweep], names[0]);
    expect(linePaths(svg)).toHaveLength(2); // useHeight true and false
    expect(svg).toContain('vivaldi.useHeight=true');
    expect(svg).toContain('vivaldi.useHeight=false');
    const bars = [...svg.matchAll(/<g [^>]*aria-label="rule"[^>]*>(.*?)<\/g>/gs)].flatMap((m) => [...m[1].matchAll(/<line /g)]);
    expect(bars).toHaveLength(6); // 3 dimensions x 2 series
    expect(svg).toContain('protocols.vivaldi.dimensions');
    expect(svg).toContain('mean, 95% CI');
    expect(plotFiles([sweep], ['messages.sent']).map((f) => f.name)).toContain('sweep-messages.sent-vs-protocols.vivaldi.dimensions.svg');
  });

  it('labels each results argument with the --label given, and groups the runs of one label', () => {
    const files = plotFiles([seed1, seed2, dims3], [], undefined, { labels: ['baseline', 'baseline', '3-D'] });
    const svg = files.find((f) => f.name === 'convergence-vivaldi.median_rel_error.svg')?.svg ?? '';
    expect(legendLabels(svg)).toEqual(['baseline (mean of 2 seeds)', '3-D']);
    expect(linePaths(svg)).toHaveLength(2);
    const cdf = files.find((f) => f.name === 'cdf-vivaldi.node_median_rel_error.svg')?.svg ?? '';
    expect(legendLabels(cdf)).toEqual(['baseline (2 seeds, one curve each)', '3-D']);
  });

  it('draws a geometric sweep on a log x axis: 4, 16, 64, 256 hosts per PoP equally spaced', () => {
    const geometric = makeGeometricSweep(join(dir, 'geometric'));
    const svg = svgOf([geometric], 'sweep-cloud.resolve_s_mean-vs-hosts.perPop.count.svg');
    expect(svg).toContain('hosts.perPop.count (log scale)');
    const ticks = xTicks(svg);
    expect([...ticks.keys()]).toEqual(['4', '16', '64', '256']);
    const px = [...ticks.values()];
    const steps = px.slice(1).map((x, i) => x - px[i]);
    for (const step of steps) expect(step).toBeCloseTo(steps[0], 6);
    // The linear sweep of 2, 3, 5 dimensions keeps distances proportional to the values.
    const linear = svgOf([sweep], 'sweep-vivaldi.median_rel_error-vs-protocols.vivaldi.dimensions.svg');
    expect(linear).not.toContain('log scale');
    const [two, three, five] = [...xTicks(linear).values()];
    expect((five - three) / (three - two)).toBeCloseTo(2, 6);
    // Asked for: linear for the geometric one, log for the other.
    expect(plotFiles([geometric], [], undefined, { xScale: 'linear' })[0].svg).not.toContain('log scale');
    expect(plotFiles([sweep], [], undefined, { xScale: 'log' })[0].svg).toContain('protocols.vivaldi.dimensions (log scale)');
  });

  it('refuses a log x axis for a swept value of 0, naming the file, the parameter and the value', () => {
    const withZero = makeGeometricSweep(join(dir, 'with-zero'), true);
    expect(plotFiles([withZero], []).map((f) => f.svg)[0]).not.toContain('log scale'); // 0 is not geometric: linear by default
    expect(() => plotFiles([withZero], [], undefined, { xScale: 'log' })).toThrow(
      `${join(withZero, 'aggregate.csv')}: --x-scale log: hosts.perPop.count takes the value 0, and a log axis needs values above 0`,
    );
    expect(() => plotFiles([seed1], [], undefined, { xScale: 'log' })).toThrow('--x-scale: sets the x axis of sweep charts, and no sweep folder');
  });

  it('cuts an interval at 0 when no run measured below 0 (a count on few seeds), and only then', () => {
    const sweepWith = (name: string, min: number): string => {
      const folder = join(dir, name);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'sweep.json'), JSON.stringify({ scenario: 'scenarios/x.yaml', params: [{ path: 'hosts.perPop.count', values: [4, 8] }], seeds: [1, 2, 3], points: [4, 8].map((c) => ({ id: `c${c}`, params: { 'hosts.perPop.count': c } })) }));
      // Means 0.4 and 3 with t-intervals reaching -1.1 and -0.5.
      writeFileSync(join(folder, 'aggregate.csv'), `hosts.perPop.count,metric,n,mean,sd,min,max,ci95_low,ci95_high\n4,cloud.violations,3,0.4,0.6,${min},1,-1.1,1.9\n8,cloud.violations,3,3,1.4,${min},4,-0.5,6.5\n`);
      return svgOf([folder], 'sweep-cloud.violations-vs-hosts.perPop.count.svg');
    };
    const yTicks = (svg: string): string[] => [...(/<g [^>]*aria-label="y-axis tick label"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const counts = sweepWith('counts', 0);
    expect(counts).toContain('cut at 0: no run measured below 0');
    expect(Number(yTicks(counts)[0])).toBe(0);
    expect(yTicks(counts).some((t) => t.startsWith('\u2212'))).toBe(false);
    // A metric measured below 0 in some run keeps its whole interval.
    const signed = sweepWith('signed', -0.2);
    expect(signed).not.toContain('cut at 0');
    expect(yTicks(signed).some((t) => t.startsWith('\u2212'))).toBe(true);
  });

  it('draws a point resting on fewer runs than seeds hollow, with n beside it', () => {
    const svg = svgOf([makeGeometricSweep(join(dir, 'partial'))], 'sweep-cloud.resolve_s_mean-vs-hosts.perPop.count.svg');
    const chart = svg.slice(0, svg.lastIndexOf('<svg x=')); // the legend's dots left out
    const dots = (hollow: boolean): number =>
      [...chart.matchAll(/<g ([^>]*)aria-label="dot"[^>]*>(.*?)<\/g>/gs)].filter((m) => m[1].includes('fill="white"') === hollow).flatMap((m) => [...m[2].matchAll(/<circle /g)]).length;
    expect(dots(true)).toBe(2);
    expect(svg).toContain('>n=2 of 5 seeds<');
    expect(svg).toContain('>n=4 of 5 seeds<');
    expect(svg).toContain('hollow = mean of fewer runs (n beside it)');
    expect(dots(false)).toBe(6); // 4 counts x 2 schedulers, less the 2 hollow
  });

  it('draws a learning curve: a metric against a cumulative count at the same sampling times, and names a missing count', () => {
    const name = 'learning-vivaldi.median_rel_error-vs-messages.sent.svg';
    const files = plotFiles([seed1, dims3], ['vivaldi.median_rel_error'], 'messages.sent');
    expect(files.map((f) => f.name)).toEqual([name]);
    const svg = files[0].svg;
    const lines = linePaths(svg);
    expect(lines).toHaveLength(2);
    for (const d of lines) expect(vertexCount(d)).toBe(7);
    expect(svg).toContain('vivaldi.median_rel_error against messages.sent');
    expect(svg).toContain('messages.sent (messages, cumulative) →');
    expect(() => plotFiles([seed1], ['vivaldi.median_rel_error'], 'spiral.searches')).toThrow(`${join(seed1, 'metrics.csv')}: no global metric 'spiral.searches'`);
  });

  it('names the folder and the metrics it has when a metric is missing', () => {
    expect(() => plotFiles([seed1], ['vivaldi.nope'])).toThrow(PlotInputError);
    expect(() => plotFiles([seed1], ['vivaldi.nope'])).toThrow(`${join(seed1, 'metrics.csv')}: no global metric 'vivaldi.nope' (metrics here: bytes.sent`);
    expect(() => plotFiles([sweep], ['vivaldi.nope'])).toThrow(`${join(sweep, 'aggregate.csv')}: no rows for metric 'vivaldi.nope'`);
  });

  it('names a folder that is neither a run nor a sweep', () => {
    expect(() => plotFiles([dir], [])).toThrow(`${dir}: not a results folder (no metrics.csv) nor a sweep folder (no sweep.json)`);
    expect(() => plotFiles([join(dir, 'missing')], [])).toThrow(`${join(dir, 'missing')}: no such folder`);
  });
});

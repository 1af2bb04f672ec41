import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDefaultPlots } from '../../src/cli/plot-command.js';
import { UsageError } from '../../src/cli/exit-codes.js';
import { luc } from '../cli/run-cli.js';
import { RENATER_GRAPHML, RENATER_SCENARIO, legendLabels, makeGeometricSweep, makeRun, makeSweep } from './fixtures.js';

describe('luc plot and luc map (end to end)', () => {
  let dir = '';
  let run = '';
  let sweep = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-plot-cli-'));
    run = makeRun(join(dir, 'run'), 1);
    sweep = makeSweep(join(dir, 'sweep'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the charts of runs and sweeps, prints their paths, and gives the same bytes twice', () => {
    const out = join(dir, 'plots');
    const first = luc(['plot', run, sweep, '--out', out]);
    expect(first.status, first.stderr).toBe(0);
    const paths = first.stdout.trim().split('\n');
    expect(paths).toEqual(
      [
        'convergence-vivaldi.median_rel_error.svg',
        'convergence-vivaldi.p90_rel_error.svg',
        'cdf-vivaldi.node_median_rel_error.svg',
        'sweep-vivaldi.median_rel_error-vs-protocols.vivaldi.dimensions.svg',
        'sweep-vivaldi.median_rel_error-vs-protocols.vivaldi.useHeight.svg',
      ].map((name) => join(out, name)),
    );
    const bytes = paths.map((p) => readFileSync(p, 'utf8'));
    expect(luc(['plot', run, sweep, '--out', out]).status).toBe(0);
    paths.forEach((p, i) => expect(readFileSync(p, 'utf8')).toBe(bytes[i]));
  });

  it('charts the metrics asked for with --metric, into the results folder by default', () => {
    const r = luc(['plot', run, '--metric', 'messages.sent', '--metric', 'vivaldi.node_median_rel_error']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([join(run, 'convergence-messages.sent.svg'), join(run, 'cdf-vivaldi.node_median_rel_error.svg')]);
  });

  it('exits with 2 and names the path on a folder that is not a run, or a metric a run lacks', () => {
    const missing = luc(['plot', join(dir, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`error: ${join(dir, 'nope')}: no such folder`);
    const notRun = luc(['plot', dir, '--out', join(dir, 'x')]);
    expect(notRun.status).toBe(2);
    expect(notRun.stderr).toContain(`${dir}: not a results folder`);
    const metric = luc(['plot', run, '--metric', 'vivaldi.typo', '--out', join(dir, 'x')]);
    expect(metric.status).toBe(2);
    expect(metric.stderr).toContain(`${join(run, 'metrics.csv')}: no global metric 'vivaldi.typo' (metrics here:`);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('labels runs with --label, one per RESULTS argument, and exits 2 naming the option and both counts otherwise', () => {
    const dims3 = makeRun(join(dir, 'dims-3'), 2, ['protocols.vivaldi.dimensions=3']);
    const out = join(dir, 'labelled');
    const labelled = luc(['plot', run, dims3, '--label', '2-D', '--label', '3-D', '--metric', 'vivaldi.median_rel_error', '--out', out]);
    expect(labelled.status, labelled.stderr).toBe(0);
    expect(legendLabels(readFileSync(join(out, 'convergence-vivaldi.median_rel_error.svg'), 'utf8'))).toEqual(['2-D', '3-D']);
    // Without --label: what differs, the dimensions and the seed.
    const derived = luc(['plot', run, dims3, '--metric', 'vivaldi.median_rel_error', '--out', join(dir, 'derived')]);
    expect(derived.status, derived.stderr).toBe(0);
    expect(legendLabels(readFileSync(join(dir, 'derived', 'convergence-vivaldi.median_rel_error.svg'), 'utf8'))).toEqual([
      'protocols.vivaldi.dimensions=2, seed 1',
      'protocols.vivaldi.dimensions=3, seed 2',
    ]);
    const short = luc(['plot', run, dims3, '--label', 'only one', '--out', join(dir, 'x')]);
    expect(short.status).toBe(2);
    expect(short.stderr).toBe('error: --label: given 1 time for 2 RESULTS arguments; expected one label per argument, in order\n');
    const blank = luc(['plot', run, '--label', ' ', '--out', join(dir, 'x')]);
    expect(blank.status).toBe(2);
    expect(blank.stderr).toBe('error: --label: label 1 is empty; expected a name for the legend\n');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('draws a geometric sweep on a log x axis by default, takes --x-scale, and exits 2 on a bad scale or a log axis through 0', () => {
    const geometric = makeGeometricSweep(join(dir, 'geometric'));
    const chart = join(geometric, 'sweep-cloud.resolve_s_mean-vs-hosts.perPop.count.svg');
    const first = luc(['plot', geometric]);
    expect(first.status, first.stderr).toBe(0);
    const svg = readFileSync(chart, 'utf8');
    expect(svg).toContain('hosts.perPop.count (log scale)');
    expect(svg).toContain('n=2 of 5 seeds');
    expect(luc(['plot', geometric]).status).toBe(0);
    expect(readFileSync(chart, 'utf8')).toBe(svg);
    expect(luc(['plot', geometric, '--x-scale', 'linear']).status).toBe(0);
    expect(readFileSync(chart, 'utf8')).not.toContain('log scale');
    const bad = luc(['plot', geometric, '--x-scale', 'cubic']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("error: --x-scale: expected one of log, linear, found 'cubic'\n");
    const withZero = makeGeometricSweep(join(dir, 'with-zero'), true);
    const zero = luc(['plot', withZero, '--x-scale', 'log']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toBe(
      `error: ${join(withZero, 'aggregate.csv')}: --x-scale log: hosts.perPop.count takes the value 0, and a log axis needs values above 0 (use --x-scale linear)\n`,
    );
  });

  it('maps a GraphML file and a results folder', () => {
    const out = join(dir, 'renater.svg');
    const bare = luc(['map', RENATER_GRAPHML, '--out', out]);
    expect(bare.status, bare.stderr).toBe(0);
    expect(bare.stdout.trim()).toBe(out);
    expect(readFileSync(out, 'utf8')).toContain('Renater2010: ');
    const ofRun = luc(['map', run]);
    expect(ofRun.status, ofRun.stderr).toBe(0);
    expect(existsSync(join(run, 'map.svg'))).toBe(true);
    const bad = luc(['map', join(dir, 'nope.graphml')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(join(dir, 'nope.graphml'));
  });

  it('writes PNG and PDF beside each SVG with --format, and exits 2 on an unknown format', () => {
    const out = join(dir, 'formats');
    const plotted = luc(['plot', run, '--metric', 'messages.sent', '--format', 'svg,png,pdf', '--out', out]);
    expect(plotted.status, plotted.stderr).toBe(0);
    expect(plotted.stdout.trim().split('\n')).toEqual(['svg', 'png', 'pdf'].map((ext) => join(out, `convergence-messages.sent.${ext}`)));
    const mapped = luc(['map', run, '--format', 'png,pdf', '--out', join(out, 'renater-map.svg')]);
    expect(mapped.status, mapped.stderr).toBe(0);
    expect(mapped.stdout.trim().split('\n')).toEqual([join(out, 'renater-map.png'), join(out, 'renater-map.pdf')]);
    expect(existsSync(join(out, 'renater-map.svg'))).toBe(false);
    const png = readFileSync(join(out, 'renater-map.png'));
    expect(png.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
    expect(readFileSync(join(out, 'renater-map.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    for (const args of [['plot', run, '--format', 'jpg'], ['map', run, '--format', 'svg,eps'], ['plot', run, '--format', '']]) {
      const bad = luc([...args, '--out', join(dir, 'never')]);
      expect(bad.status, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/^error: --format: expected a comma-separated list of svg, png, pdf, found '[a-z]*' in '[a-z,]*'\n$/);
    }
    const noPlot = luc(['run', '--format', 'png', '--out', join(dir, 'never')]);
    expect(noPlot.status).toBe(2);
    expect(noPlot.stderr).toContain('error: --format: the formats of the plots --plot writes; add --plot');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('luc run --plot --format png writes the PNG of every default chart and map', () => {
    const out = join(dir, 'run-png');
    const result = luc(['run', RENATER_SCENARIO, '--set', 'durationS=20', '--set', 'faults=[]', '--out', out, '--plot', '--format', 'png']);
    expect(result.status, result.stderr).toBe(0);
    for (const name of ['convergence-vivaldi.median_rel_error.png', 'map.png']) expect(existsSync(join(out, name)), name).toBe(true);
    expect(existsSync(join(out, 'map.svg'))).toBe(false);
  });

  it('writeDefaultPlots writes the default charts and the map next to the CSV, or throws a UsageError', () => {
    const fresh = makeRun(join(dir, 'fresh'), 5);
    expect(writeDefaultPlots(fresh)).toEqual(
      ['convergence-vivaldi.median_rel_error.svg', 'convergence-vivaldi.p90_rel_error.svg', 'cdf-vivaldi.node_median_rel_error.svg', 'map.svg'].map((name) => join(fresh, name)),
    );
    expect(() => writeDefaultPlots(join(dir, 'nope'))).toThrow(UsageError);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateCsv } from '../../src/metrics/aggregate.js';
import { ROOT } from './run-cli.js';

const SCRIPT = join(ROOT, 'scripts/sweep-table.mjs');

function sweepTable(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const summary = (mean: number, half: number, n = 3) => ({ n, mean, sd: 1, min: mean - 1, max: mean + 1, ci95Low: mean - half, ci95High: mean + half });

describe('scripts/sweep-table.mjs', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-sweep-table-'));
    const crash = [{ kind: 'pop-crash', atS: 300, pop: 'Paris, FR' }];
    const csv = aggregateCsv(
      ['faults', 'scheduler.kind'],
      [
        { params: { faults: [], 'scheduler.kind': 'dvms' }, metric: 'cloud.violations', summary: summary(2.2, 2.83) },
        { params: { faults: [], 'scheduler.kind': 'dvms' }, metric: 'cloud.resolve_s_mean', summary: summary(11.5, 3) },
        { params: { faults: crash, 'scheduler.kind': 'dvms' }, metric: 'cloud.violations', summary: summary(9.2, 3.56) },
        // No violation in one run of this point: its resolve time rests on 2 runs of 3.
        { params: { faults: [], 'scheduler.kind': 'central' }, metric: 'cloud.resolve_s_mean', summary: summary(19.8, 15.8, 2) },
        { params: { faults: [], 'scheduler.kind': 'central' }, metric: 'cloud.violations', summary: summary(1.8, 1.84) },
      ],
    );
    mkdirSync(join(dir, 'sweep'));
    writeFileSync(join(dir, 'sweep', 'aggregate.csv'), csv);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads swept values holding commas and quotes (JSON fault lists) as one cell each, with csv-parse, and marks a metric resting on fewer of the point\'s runs (n=2)', () => {
    const r = sweepTable([join(dir, 'sweep'), 'cloud.violations', 'cloud.resolve_s_mean']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      '| faults | scheduler.kind | n | cloud.violations | cloud.resolve_s_mean |',
      '| --- | --- | --- | --- | --- |',
      '| [] | dvms | 3 | 2.20 ± 2.83 | 11.5 ± 3.0 |',
      '| [{"kind":"pop-crash","atS":300,"pop":"Paris, FR"}] | dvms | 3 | 9.20 ± 3.56 | - |',
      '| [] | central | 3 | 1.80 ± 1.84 | 19.8 ± 15.8 (n=2) |',
      '',
    ]);
  });

  it('exits 2 naming the folder when it is missing or holds no aggregate.csv, and the file when a metric is unknown', () => {
    const missing = sweepTable([join(dir, 'no-such-sweep'), 'cloud.violations']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`error: ${join(dir, 'no-such-sweep')}: no such folder (a sweep folder, holding aggregate.csv)\n`);
    mkdirSync(join(dir, 'empty'));
    const empty = sweepTable([join(dir, 'empty'), 'cloud.violations']);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain(`error: ${join(dir, 'empty', 'aggregate.csv')}: no such file (run luc sweep, or luc sweep collect`);
    const typo = sweepTable([join(dir, 'sweep'), 'cloud.violation']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe(`error: ${join(dir, 'sweep', 'aggregate.csv')}: no metric 'cloud.violation' (it has cloud.resolve_s_mean, cloud.violations)\n`);
    expect(sweepTable([]).status).toBe(2);
  });
});

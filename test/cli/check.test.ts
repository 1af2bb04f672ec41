import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

/** The committed short RENATER baseline: 2 seeds of 120 s, about a second of simulation. */
const RENATER_BASELINE = join(ROOT, 'scenarios/baselines/renater-vivaldi-short.json');

interface BaselineFile {
  scenario: string;
  overrides?: string[];
  seeds: number[];
  checks: { metric: string; expected: number; tolerance: Record<string, number>; direction: string }[];
}

const readBaseline = (file: string): BaselineFile => JSON.parse(readFileSync(file, 'utf8')) as BaselineFile;

describe('luc check (end to end)', () => {
  let dir = '';
  /** The committed baseline, moved to `dir` (its scenario path made relative to the new place). */
  let committed: BaselineFile;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-check-'));
    const original = readBaseline(RENATER_BASELINE);
    committed = { ...original, scenario: relative(dir, join(ROOT, 'scenarios/renater-vivaldi.yaml')) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, baseline: BaselineFile): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(baseline, null, 2));
    return file;
  };
  /** The rows of the table, without its header: [baseline, metric, expected, got, change, tolerance, verdict]. */
  const tableRows = (stdout: string): string[][] =>
    stdout
      .split('\n')
      .map((line) => line.split(/\s+/))
      .filter((cells) => cells.length === 7 && ['ok', 'REGRESSION', 'improved'].includes(cells[6]));

  it('passes the committed RENATER baseline: every metric ok, exit 0, one results folder per seed', () => {
    const r = luc(['check', RENATER_BASELINE, '--out', join(dir, 'results'), '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const rows = tableRows(r.stdout);
    expect(rows.map((row) => row[1])).toEqual(['vivaldi.median_rel_error', 'vivaldi.p90_rel_error', 'messages.sent']);
    for (const row of rows) expect(row.at(-1)).toBe('ok');
    expect(r.stdout).toMatch(/3 check\(s\): 3 ok, 0 improved, 0 REGRESSION/);
    const summary = JSON.parse(readFileSync(join(dir, 'results/renater-vivaldi-short/seed-2/summary.json'), 'utf8'));
    expect(summary.seed).toBe(2);
  });

  it('fails with exit 1 and REGRESSION against the real expected values when Vivaldi keeps 2 neighbours or cc is cut to 0.01', () => {
    const degrade = (name: string, override: string): string =>
      write(`${name}.json`, { ...committed, overrides: [...(committed.overrides ?? []), override] });
    const files = [degrade('neighbours-2', 'protocols.vivaldi.neighboursMax=2'), degrade('cc-0.01', 'protocols.vivaldi.cc=0.01')];
    const r = luc(['check', ...files, '--out', join(dir, 'results'), '--quiet']);
    expect(r.status, r.stderr).toBe(1);
    const verdicts = tableRows(r.stdout).map((row) => `${row[0]} ${row[1]} ${row[6]}`);
    expect(verdicts).toEqual([
      'neighbours-2 vivaldi.median_rel_error REGRESSION',
      'neighbours-2 vivaldi.p90_rel_error REGRESSION',
      'neighbours-2 messages.sent ok',
      'cc-0.01 vivaldi.median_rel_error REGRESSION',
      'cc-0.01 vivaldi.p90_rel_error REGRESSION',
      'cc-0.01 messages.sent ok',
    ]);
    expect(r.stdout).toMatch(/6 check\(s\): 2 ok, 0 improved, 4 REGRESSION/);
  });

  it('rewrites the expected values with --update, keeping tolerance and direction, and shows old -> new', () => {
    const stale = { ...committed, checks: committed.checks.map((check) => ({ ...check, expected: check.expected * 2 })) };
    const file = write('stale.json', stale);
    const before = luc(['check', file, '--out', join(dir, 'results'), '--quiet']);
    expect(before.status, before.stderr).toBe(1); // messages.sent halved is a two-sided regression
    expect(before.stdout).toMatch(/vivaldi\.median_rel_error .* improved/);
    const update = luc(['check', file, '--update', '--out', join(dir, 'results'), '--quiet']);
    expect(update.status, update.stderr).toBe(0);
    expect(update.stdout).toMatch(/stale +messages\.sent +129023 -> 64511\.5 +\(-50\.00%\)/);
    expect(update.stdout).toMatch(/updated 1 baseline\(s\), 3 of 3 expected value\(s\) changed/);
    const updated = readBaseline(file);
    expect(updated.checks.map((c) => c.expected)).toEqual(committed.checks.map((c) => c.expected));
    expect(updated.checks.map((c) => [c.tolerance, c.direction])).toEqual(committed.checks.map((c) => [c.tolerance, c.direction]));
    expect({ ...updated, checks: [] }).toEqual({ ...stale, checks: [] });
    const after = luc(['check', file, '--out', join(dir, 'results'), '--quiet']);
    expect(after.status, after.stderr).toBe(0);
  });

  it('keeps the committed file layout: an update of an up-to-date copy changes no byte', () => {
    const copy = join(dir, 'renater-vivaldi-short.json');
    copyFileSync(RENATER_BASELINE, copy);
    writeFileSync(copy, readFileSync(copy, 'utf8').replace('"../renater-vivaldi.yaml"', JSON.stringify(committed.scenario)));
    const text = readFileSync(copy, 'utf8');
    const r = luc(['check', copy, '--update', '--out', join(dir, 'results'), '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0 of 3 expected value\(s\) changed/);
    expect(readFileSync(copy, 'utf8')).toBe(text);
  });

  it('exits 2 on a bad baseline or an override the scenario rejects (before any run), or on a metric the runs do not produce', () => {
    const bad = write('bad.json', { ...committed, seeds: [] });
    const r1 = luc(['check', bad, '--out', join(dir, 'results'), '--quiet']);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(/bad\.json:\d+:\d+: seeds: expected at least one seed, found an empty list/);
    const override = write('override.json', { ...committed, overrides: ['protocols.vivaldi.cc=5'] });
    const r2 = luc(['check', override, '--out', join(dir, 'results'), '--quiet']);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/baseline .*override\.json: .*protocols\.vivaldi\.cc: expected a number in \(0, 1\], found 5 \(from --set protocols\.vivaldi\.cc=5\)/);
    const metric = write('metric.json', { ...committed, checks: [{ ...committed.checks[0], metric: 'vivaldi.mean_rel_error' }] });
    const r3 = luc(['check', metric, '--out', join(dir, 'results'), '--quiet']);
    expect(r3.status).toBe(2);
    expect(r3.stderr).toMatch(/metric\.json:\d+:\d+: checks\[0\]\.metric: expected a metric of the runs' summary\.json \(one of .*vivaldi\.median_rel_error.*\), found 'vivaldi\.mean_rel_error'/);
  });
});

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

const RENATER = join(ROOT, 'scenarios/renater-vivaldi.yaml');
/** A short run of the bundled default, so the suite stays quick. */
const SHORT = ['--set', 'durationS=120', '--set', 'faults=[]', '--quiet'];

describe('luc run (end to end)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-run-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives byte-identical metrics.csv for the same seed, and different ones for another seed', () => {
    const a = luc(['run', RENATER, ...SHORT, '--seed', '5', '--out', join(dir, 'a')]);
    const b = luc(['run', RENATER, ...SHORT, '--seed', '5', '--out', join(dir, 'b')]);
    const c = luc(['run', RENATER, ...SHORT, '--seed', '6', '--out', join(dir, 'c')]);
    for (const r of [a, b, c]) expect(r.status, r.stderr).toBe(0);
    const csv = (name: string): string => readFileSync(join(dir, name, 'metrics.csv'), 'utf8');
    expect(csv('a').length).toBeGreaterThan(1000);
    expect(csv('a')).toBe(csv('b'));
    expect(csv('a')).not.toBe(csv('c'));
  });

  it('writes a tidy CSV and a summary whose metrics hold vivaldi.median_rel_error as a fraction', () => {
    const out = join(dir, 'summary');
    const r = luc(['run', RENATER, ...SHORT, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('time_s,metric,value,node');
    expect(lines.some((line) => line.startsWith('120,vivaldi.median_rel_error,'))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.seed).toBe(42);
    expect(summary.scenario).toBe('renater-vivaldi');
    expect(summary.scenarioHash).toMatch(/^[0-9a-f]{16}$/);
    expect(summary.code.node).toBe(process.version);
    expect(summary.eventsProcessed).toBeGreaterThan(10_000);
    const error = summary.metrics['vivaldi.median_rel_error'];
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(0.3); // converging, and a fraction rather than a percent
    expect(summary.metrics['messages.sent']).toBeGreaterThan(0);
    const resolved = JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8'));
    expect(resolved.durationS).toBe(120);
    expect(resolved.hosts.perPop.rule).toBe('degree');
  });

  it('writes the default plots next to the CSV with --plot', () => {
    const out = join(dir, 'plotted');
    const r = luc(['run', RENATER, ...SHORT, '--set', 'durationS=30', '--plot', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    for (const file of ['convergence-vivaldi.median_rel_error.svg', 'cdf-vivaldi.node_median_rel_error.svg', 'map.svg']) {
      expect(readFileSync(join(out, file), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
  });

  it('runs the bundled default scenario when no file is given', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'luc-default-'));
    try {
      const r = luc(['run', '--set', 'durationS=20', '--set', 'faults=[]', '--quiet'], cwd);
      expect(r.status, r.stderr).toBe(0);
      // with --set overrides the default folder is seed-42-set-<hash>, not the plain run's
      const folders = readdirSync(join(cwd, 'results/renater-vivaldi'));
      expect(folders).toHaveLength(1);
      expect(folders[0]).toMatch(/^seed-42-set-[0-9a-f]{8}$/);
      expect(existsSync(join(cwd, 'results/renater-vivaldi', folders[0], 'metrics.csv'))).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('loses messages to PoPs cut off by a partition, and not before it', () => {
    const out = join(dir, 'partition');
    const r = luc([
      'run', RENATER, '--quiet', '--out', out,
      '--set', 'durationS=60',
      '--set', 'faults=[{kind: partition, atS: 30, pops: [Corte, Marseille, Nice, Cadarache], durationS: 20}]',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const lostAt = (t: string): number => Number(rows.find((row) => row[0] === t && row[1] === 'messages.lost')?.[2]);
    expect(lostAt('30')).toBe(0);
    expect(lostAt('50')).toBeGreaterThan(0);
    const lostAfterHeal = lostAt('60') - lostAt('50');
    expect(lostAfterHeal).toBeLessThan(lostAt('50') - lostAt('30'));
  });

  it('accepts any measured RTT matrix dropped in by path and unit', () => {
    const matrixFile = join(dir, 'tiny.csv');
    writeFileSync(matrixFile, '0,10,20,30\n10,0,15,25\n20,15,0,12\n30,25,12,0\n');
    const scenario = join(dir, 'tiny.yaml');
    writeFileSync(
      scenario,
      `name: tiny\nseed: 3\ndurationS: 60\ntopology: { kind: matrix, file: tiny.csv, unit: ms }\nprotocols: { vivaldi: { periodMs: 500 } }\n`,
    );
    const out = join(dir, 'tiny-out');
    const r = luc(['run', scenario, '--quiet', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.hosts).toBe(4);
    expect(summary.metrics['vivaldi.pairs_measured']).toBe(6);
    expect(summary.metrics['vivaldi.median_rel_error']).toBeLessThan(0.1);
  });
});

describe('luc run with bad input', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 naming the file and field, without a stack trace, and keeps earlier results', () => {
    const out = join(dir, 'kept');
    expect(luc(['run', RENATER, ...SHORT, '--set', 'durationS=20', '--out', out]).status).toBe(0);
    const before = readFileSync(join(out, 'metrics.csv'), 'utf8');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(RENATER, 'utf8').replace('durationS: 600', 'durationS: -5'));
    const r = luc(['run', bad, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr).toContain('durationS');
    expect(r.stderr).toMatch(/expected a number > 0/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8')).toBe(before);
  });

  it('exits 2 for a fault naming a PoP the topology does not have', () => {
    const r = luc(['run', RENATER, '--quiet', '--set', 'faults=[{kind: pop-crash, atS: 1, pop: Atlantis}]', '--out', join(dir, 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/faults\[0\]\.pop: expected a PoP of .*found 'Atlantis'/);
  });

  it('exits 2 for a malformed topology file named by the scenario', () => {
    const graph = join(dir, 'broken.graphml');
    writeFileSync(graph, '<graphml><graph><node id="a"></graph>');
    const scenario = join(dir, 'broken.yaml');
    writeFileSync(scenario, `name: broken\nseed: 1\ndurationS: 10\ntopology: { kind: graphml, file: broken.graphml }\nprotocols: { gossip: {} }\n`);
    const r = luc(['run', scenario, '--quiet', '--out', join(dir, 'y')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('broken.graphml');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming the limit, without a stack trace, when a run outgrows limits.eventsMax or limits.pendingEventsMax', () => {
    const events = luc(['run', RENATER, '--quiet', '--set', 'limits.eventsMax=1000', '--out', join(dir, 'events')]);
    expect(events.status).toBe(2);
    expect(events.stderr).toMatch(/event limit of 1000 events .*raise limits\.eventsMax/);
    expect(events.stderr).not.toMatch(/\n\s+at /);
    const pending = luc(['run', RENATER, '--quiet', '--set', 'limits.pendingEventsMax=100', '--out', join(dir, 'pending')]);
    expect(pending.status).toBe(2);
    expect(pending.stderr).toMatch(/more than 100 pending events .*raise limits\.pendingEventsMax/);
    expect(pending.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a bad --seed', () => {
    const r = luc(['run', RENATER, '--seed', 'abc']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--seed: expected an integer/);
  });
});

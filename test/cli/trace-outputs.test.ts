import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromZero } from '../../src/plot/convergence-chart.js';
import { TraceLog } from '../../src/metrics/trace-log.js';
import { axisLabel, chartTitle, isCumulative } from '../../src/metrics/metric-info.js';
import { luc, ROOT } from './run-cli.js';

const CRASH = join(ROOT, 'scenarios/renater-dvms-crash.yaml');
/** 700 s of renater-dvms-crash with its PoP crash moved to 500-600 s (Lyon: 16 hosts). */
const SETS = ['--set', 'durationS=700', '--set', 'faults=[{"kind":"pop-crash","atS":500,"pop":"Lyon","durationS":100}]'];

type Record = { kind: string } & { [field: string]: unknown };
const records = (dir: string): Record[] =>
  readFileSync(join(dir, 'trace.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record);

describe('event trace and the outputs of a DVMS run', () => {
  let dir = '';
  let traced = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-trace-'));
    traced = join(dir, 'runs/traced');
    const r = luc(['run', CRASH, ...SETS, '--trace', '--plot', '--quiet', '--out', traced]);
    if (r.status !== 0) throw new Error(r.stderr);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes migrations with start, end, source, target, bytes and downtime, partitions with members, the PoP crash and recovery, VE operations', () => {
    const all = records(traced);
    const kinds = new Set(all.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['crash', 'migration', 'partition', 'recovery', 've-op']);
    const migrations = all.filter((r) => r.kind === 'migration');
    expect(migrations.length).toBeGreaterThan(5);
    for (const m of migrations) {
      expect(Object.keys(m)).toEqual(['kind', 'vm', 'from', 'to', 'startS', 'endS', 'ok', 'reason', 'bytes', 'downtimeMs', 'wan', 'by']);
      expect(m.endS as number).toBeGreaterThanOrEqual(m.startS as number);
      expect(m.from).toMatch(/^[A-Za-z-]+\/\d+$/);
      expect(m.to).not.toBe(m.from);
      if (m.ok === true) expect(m.bytes as number).toBeGreaterThanOrEqual(1024 ** 3); // 1 GiB of memory at least once
    }
    const partitions = all.filter((r) => r.kind === 'partition');
    expect(partitions.length).toBeGreaterThan(0);
    for (const p of partitions) {
      expect(p.members as string[]).toContain(p.leader);
      expect(p.endS as number).toBeGreaterThanOrEqual(p.startS as number);
      expect(['growing', 'blocked', 'finishing']).toContain(p.state);
    }
    // The partitions that applied a plan ordered the scheduler's migrations.
    expect(partitions.some((p) => p.phase === 'applying')).toBe(true);
    const crashes = all.filter((r) => r.kind === 'crash');
    const recoveries = all.filter((r) => r.kind === 'recovery');
    expect(crashes.map((c) => c.atS)).toEqual(Array(16).fill(500));
    expect(crashes.every((c) => String(c.host).startsWith('Lyon/') && c.what === 'host')).toBe(true);
    expect(recoveries.map((c) => c.host)).toEqual(crashes.map((c) => c.host));
    expect(recoveries.every((c) => c.atS === 600)).toBe(true);
    expect(all.filter((r) => r.kind === 've-op').every((r) => typeof r.op === 'string' && (r.endS as number) >= (r.startS as number))).toBe(true);
  });

  it('gives a byte-identical trace.jsonl for the same scenario and seed, and tracing changes no byte of metrics.csv', () => {
    const again = join(dir, 'runs/again');
    const plain = join(dir, 'runs/plain');
    expect(luc(['run', CRASH, ...SETS, '--trace', '--quiet', '--out', again]).status).toBe(0);
    expect(luc(['run', CRASH, ...SETS, '--quiet', '--out', plain]).status).toBe(0);
    expect(readFileSync(join(again, 'trace.jsonl'), 'utf8')).toBe(readFileSync(join(traced, 'trace.jsonl'), 'utf8'));
    expect(readFileSync(join(plain, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(traced, 'metrics.csv'), 'utf8'));
    expect(existsSync(join(plain, 'trace.jsonl'))).toBe(false);
    // The same run: the trace is not part of the scenario's hash.
    const hash = (d: string): string => JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')).scenarioHash;
    expect(hash(plain)).toBe(hash(traced));
  });

  it('keeps only the kinds asked for, at most trace.max records, and says how many it dropped', () => {
    const out = join(dir, 'bounded');
    const r = luc(['run', CRASH, ...SETS, '--set', 'trace={"kinds":["migration","crash"],"max":5}', '--quiet', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const all = records(out);
    expect(all).toHaveLength(6);
    expect(all.slice(0, 5).every((x) => x.kind === 'migration' || x.kind === 'crash')).toBe(true);
    const full = records(traced).filter((x) => x.kind === 'migration' || x.kind === 'crash');
    expect(all.slice(0, 5)).toEqual(full.slice(0, 5));
    expect(all[5]).toEqual({ kind: 'truncated', kept: 5, dropped: full.length - 5 });
  });

  it('refuses an unknown trace kind with exit 2, naming the field', () => {
    const r = luc(['run', CRASH, ...SETS, '--trace', 'migration,bogus', '--quiet', '--out', join(dir, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("trace.kinds[1]: expected one of migration, partition, crash, recovery, ve-op, found 'bogus'");
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it("draws a DVMS run's cloud metrics and its timeline with --plot, not messages.sent", () => {
    const svgs = readdirSync(traced).filter((f) => f.endsWith('.svg')).sort();
    expect(svgs).toEqual([
      'convergence-cloud.energy_kwh.svg',
      'convergence-cloud.migrations.svg',
      'convergence-cloud.resolve_s_mean.svg',
      'convergence-cloud.ves_lost.svg',
      'convergence-cloud.violations.svg',
      'convergence-cloud.vms_lost.svg',
      'convergence-messages.lost.svg',
      'map.svg',
      'timeline.svg',
    ]);
    const violations = readFileSync(join(traced, 'convergence-cloud.violations.svg'), 'utf8');
    expect(violations).toContain('cloud.violations: overload violations started');
    expect(violations).toContain('cloud.violations (violations, cumulative)');
    expect(violations).toContain('cumulative since 0 s');
    expect(readFileSync(join(traced, 'convergence-cloud.energy_kwh.svg'), 'utf8')).toContain('cloud.energy_kwh (kWh, cumulative)');
    expect(readFileSync(join(traced, 'convergence-cloud.resolve_s_mean.svg'), 'utf8')).toContain('cloud.resolve_s_mean: mean time to resolve a violation, s');
    // The crash is one shaded window labelled once.
    expect(violations.match(/pop-crash Lyon/g)).toHaveLength(1);
  });

  it('draws the timeline: one bar per migrated VM and one per partition, the crash and recovery as labelled rules', () => {
    const svg = readFileSync(join(traced, 'timeline.svg'), 'utf8');
    const all = records(traced);
    const vms = new Set(all.filter((r) => r.kind === 'migration').map((r) => r.vm));
    const partitions = new Set(all.filter((r) => r.kind === 'partition').map((r) => r.partition));
    const bars = [...svg.matchAll(/<g [^>]*aria-label="bar"[^>]*>(.*?)<\/g>/gs)].map((m) => [...m[1].matchAll(/<rect /g)].length);
    expect(bars).toEqual([all.filter((r) => r.kind === 'migration').length, partitions.size]);
    expect(svg).toContain(`${vms.size > 60 ? 60 : vms.size}`);
    expect(svg).toContain('16 crashes');
    expect(svg).toContain('16 recoveries');
    expect(svg).toContain('virtual time (s)');
    const again = luc(['plot', '--timeline', traced, '--out', join(dir, 'timeline')]);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'timeline/timeline.svg'), 'utf8')).toBe(svg);
  });

  it('refuses a timeline of a run without a trace with exit 2, naming trace.jsonl', () => {
    const plain = join(dir, 'runs/plain');
    const r = luc(['plot', '--timeline', plain, '--out', join(dir, 'none')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(plain, 'trace.jsonl')}: missing`);
  });

  it("lists the run's cloud figures and losses in luc results ls", () => {
    const r = luc(['results', 'ls', join(dir, 'runs')]);
    expect(r.status, r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.includes('traced')) ?? '';
    expect(line).toMatch(/violations \d+, resolve [\d.]+ s, migrations \d+, energy [\d.]+ kWh, VMs lost \d+, VEs lost \d+$/);
    expect(r.stdout).not.toMatch(/vivaldi/);
  });
});

describe('metric names, units and counters', () => {
  it('starts a counter or a cumulated amount at 0 at time 0, and leaves a running mean as it is', () => {
    const late = [{ timeS: 480, value: 2 }, { timeS: 540, value: 3 }];
    expect(fromZero('dvms.plans', late)).toEqual([{ timeS: 0, value: 0 }, ...late]);
    expect(fromZero('cloud.energy_kwh', late)).toEqual([{ timeS: 0, value: 0 }, ...late]);
    expect(fromZero('cloud.resolve_s_mean', late)).toEqual(late);
    expect(fromZero('dvms.plans', [{ timeS: 0, value: 0 }])).toEqual([{ timeS: 0, value: 0 }]);
  });

  it('gives units from names and marks what accumulates', () => {
    expect(axisLabel('cloud.migration_gb')).toBe('cloud.migration_gb (GB, cumulative)');
    expect(axisLabel('vivaldi.median_rel_error')).toBe('vivaldi.median_rel_error (fraction)');
    expect(axisLabel('dvms.forwards')).toBe('dvms.forwards (cumulative)');
    expect(axisLabel('chord.messages.sent')).toBe('chord.messages.sent (messages, cumulative)');
    expect(axisLabel('foo.latency_ms_p90')).toBe('foo.latency_ms_p90 (ms)');
    expect(isCumulative('cloud.hosts_in_use')).toBe(false);
    expect(isCumulative('dvms.partition_held_s_max')).toBe(false);
    expect(chartTitle('cloud.violations')).toBe('cloud.violations: overload violations started');
  });

  it('bounds a trace log and drops the rest, counted', () => {
    const log = new TraceLog(['a'], 2);
    for (let i = 0; i < 5; i++) log.add({ kind: i % 2 === 0 ? 'a' : 'b', i });
    expect(log.text()).toBe('{"kind":"a","i":0}\n{"kind":"a","i":2}\n{"kind":"truncated","kept":2,"dropped":1}\n');
    expect(new TraceLog(['a'], 1).text()).toBe('');
    expect(() => new TraceLog(['a'], 0)).toThrow('max must be an integer >= 1');
  });
});

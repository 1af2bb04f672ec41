import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc } from './run-cli.js';

let dir = '';
let tiny = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luc-sweep-json-'));
  writeFileSync(join(dir, 'tiny.csv'), '0,10,20,30\n10,0,15,25\n20,15,0,12\n30,25,12,0\n');
  tiny = join(dir, 'tiny.yaml');
  writeFileSync(tiny, 'name: tiny\nseed: 3\ndurationS: 20\ntopology: { kind: matrix, file: tiny.csv, unit: ms }\nprotocols: { gossip: { viewSize: 3 }, vivaldi: { periodMs: 500 } }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('luc sweep --param with JSON values (end to end)', () => {
  it('sweeps whole fault lists and protocol blocks, and aggregate.csv names each point by its JSON value', () => {
    const out = join(dir, 'json');
    const crash = '{"kind":"host-crash","atS":5,"host":1,"durationS":5}';
    const r = luc(['sweep', tiny, '--param', `faults=[],[${crash}]`, '--param', 'protocols.vivaldi={"periodMs":500},{"periodMs":250,"dimensions":3}', '--seeds', '1', '--jobs', '1', '--quiet', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const rows = parse(readFileSync(join(out, 'aggregate.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const points = new Set(rows.map((row) => `${row.faults} ${row['protocols.vivaldi']}`));
    expect([...points]).toEqual([
      '[] {"periodMs":500}',
      '[] {"periodMs":250,"dimensions":3}',
      `[${crash}] {"periodMs":500}`,
      `[${crash}] {"periodMs":250,"dimensions":3}`,
    ]);
    const crashed = rows.find((row) => row.faults !== '[]' && row.metric === 'nodes.crashes');
    expect(crashed?.mean).toBe('1');
    const scenario = JSON.parse(readFileSync(join(out, 'runs', 'p003', 'seed-3', 'scenario.json'), 'utf8')) as { protocols: { vivaldi: { dimensions: number; periodMs: number } } };
    expect(scenario.protocols.vivaldi.dimensions).toBe(3);
    expect(scenario.protocols.vivaldi.periodMs).toBe(250);
  });

  it('says --param, not --set, when a swept value is not valid, and runs nothing', () => {
    const out = join(dir, 'bad');
    const r = luc(['sweep', tiny, '--param', 'faults=[],[{"kind":"host-crush","atS":5,"host":1}]', '--seeds', '1', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('1 grid point(s) are not valid scenarios');
    expect(r.stderr).toContain('(from --param faults=[{"kind":"host-crush","atS":5,"host":1}])');
    expect(r.stderr).not.toContain('--set');
    expect(existsSync(join(out, 'runs'))).toBe(false);

    const typo = luc(['sweep', tiny, '--param', 'protocols.vivaldy={"periodMs":500}', '--seeds', '1', '--out', out]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("did you mean 'vivaldi'");
    expect(typo.stderr).toContain('(from --param protocols.vivaldy={"periodMs":500})');
    expect(typo.stderr).not.toContain('--set');
  });
});

describe('luc sweep --emit --walltime (end to end)', () => {
  it('writes --walltime 2 as two hours for Slurm (--time=2:00:00) and OAR (walltime=2:00:00), and refuses 90m with exit 2', () => {
    for (const [scheduler, file, directive] of [
      ['slurm', 'sweep.slurm', '#SBATCH --time=2:00:00\n'],
      ['oar', 'sweep.oar', '#OAR -l /nodes=1/core=1,walltime=2:00:00\n'],
    ]) {
      const out = join(dir, `emit-${scheduler}`);
      const r = luc(['sweep', tiny, '--param', 'protocols.vivaldi.dimensions=2,3', '--seeds', '1', '--emit', scheduler, '--walltime', '2', '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(out, file), 'utf8')).toContain(directive);
    }
    const bad = luc(['sweep', tiny, '--seeds', '1', '--emit', 'slurm', '--walltime', '90m', '--out', join(dir, 'emit-bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--walltime: expected hours as h, h:mm or h:mm:ss (2 is two hours, 1:30 an hour and a half), more than 0 and at most a year, found '90m'");
  });
});


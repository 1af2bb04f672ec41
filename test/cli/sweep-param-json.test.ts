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

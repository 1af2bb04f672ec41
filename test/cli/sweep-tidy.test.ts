import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc, ROOT } from './run-cli.js';

let dir = '';
let tiny = '';
let sweep = '';

/** The tidy rows of every run's metrics.csv, rebuilt by hand: global rows only, params and seed in front. */
function expectedRows(sweepDir: string): string[] {
  const spec = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as { points: { id: string; params: Record<string, unknown> }[]; seeds: number[] };
  return spec.points.flatMap((point) =>
    spec.seeds.flatMap((seed) =>
      readFileSync(join(sweepDir, 'runs', point.id, `seed-${seed}`, 'metrics.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .filter((cells) => cells[3] === '')
        .map(([t, m, v]) => `${String(point.params['protocols.vivaldi.dimensions'])},${String(point.params['protocols.gossip.shuffleLength'] ?? '')},${seed},${t},${m},${v}`),
    ),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luc-tidy-'));
  writeFileSync(join(dir, 'tiny.csv'), '0,10,20,30\n10,0,15,25\n20,15,0,12\n30,25,12,0\n');
  tiny = join(dir, 'tiny.yaml');
  writeFileSync(tiny, 'name: tiny\nseed: 3\ndurationS: 30\ntopology: { kind: matrix, file: tiny.csv, unit: ms }\nprotocols: { gossip: { viewSize: 3 }, vivaldi: { periodMs: 500 } }\n');
  sweep = join(dir, 'sweep');
  const r = luc(['sweep', tiny, '--param', 'protocols.vivaldi.dimensions=2,3', '--param', 'protocols.gossip.shuffleLength=2,3', '--seeds', '2', '--jobs', '1', '--quiet', '--out', sweep]);
  if (r.status !== 0) throw new Error(r.stderr);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the tidy table of a sweep', () => {
  it('has one row per run, sample and global metric, with the swept parameters, seed, time, metric and value', () => {
    const lines = readFileSync(join(sweep, 'tidy.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('protocols.vivaldi.dimensions,protocols.gossip.shuffleLength,seed,time_s,metric,value');
    expect(lines.slice(1)).toEqual(expectedRows(sweep));
    // 2 x 2 points x 2 seeds, 4 samples (0, 10, 20, 30 s) each.
    const runs = new Set(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')));
    expect(runs.size).toBe(8);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[3]))).toEqual(new Set(['0', '10', '20', '30']));
    expect(lines.some((l) => l.includes('vivaldi.node_median_rel_error'))).toBe(false);
  });

  it('holds the same rows in tidy.parquet, typed: parameters and values as doubles, seed as int32, metric as UTF-8', async () => {
    const bytes = readFileSync(join(sweep, 'tidy.parquet'));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const meta = parquetMetadata(file);
    expect(meta.schema.slice(1).map((s) => [s.name, s.type, s.converted_type ?? ''])).toEqual([
      ['protocols.vivaldi.dimensions', 'DOUBLE', ''],
      ['protocols.gossip.shuffleLength', 'DOUBLE', ''],
      ['seed', 'INT32', ''],
      ['time_s', 'DOUBLE', ''],
      ['metric', 'BYTE_ARRAY', 'UTF8'],
      ['value', 'DOUBLE', ''],
    ]);
    expect(meta.created_by).toBe('luc-sim tidy table');
    const rows = (await parquetReadObjects({ file })) as Record<string, number | string>[];
    const asCsv = rows.map((r) => [r['protocols.vivaldi.dimensions'], r['protocols.gossip.shuffleLength'], r.seed, r.time_s, r.metric, r.value].join(','));
    expect(asCsv).toEqual(expectedRows(sweep));
  });

  it('is byte-identical for the same sweep, and luc results tidy writes it again alike', () => {
    const again = join(dir, 'again');
    const r = luc(['sweep', tiny, '--param', 'protocols.vivaldi.dimensions=2,3', '--param', 'protocols.gossip.shuffleLength=2,3', '--seeds', '2', '--jobs', '2', '--quiet', '--out', again]);
    expect(r.status, r.stderr).toBe(0);
    for (const name of ['tidy.csv', 'tidy.parquet']) expect(readFileSync(join(again, name)).equals(readFileSync(join(sweep, name)))).toBe(true);
    const copy = join(dir, 'copy');
    cpSync(sweep, copy, { recursive: true });
    rmSync(join(copy, 'tidy.csv'));
    rmSync(join(copy, 'tidy.parquet'));
    const tidy = luc(['results', 'tidy', copy]);
    expect(tidy.status, tidy.stderr).toBe(0);
    expect(tidy.stdout.trim().split('\n')).toEqual([join(copy, 'tidy.csv'), join(copy, 'tidy.parquet')].map((p) => relative(ROOT, p)));
    for (const name of ['tidy.csv', 'tidy.parquet']) expect(readFileSync(join(copy, name)).equals(readFileSync(join(sweep, name)))).toBe(true);
  });

  it('refuses a folder that is not a sweep, and a run whose metrics.csv is broken, with exit 2 naming the file', () => {
    const notSweep = luc(['results', 'tidy', dir]);
    expect(notSweep.status).toBe(2);
    expect(notSweep.stderr).toContain(`${join(dir, 'sweep.json')}: no such file`);
    const broken = join(dir, 'broken');
    cpSync(sweep, broken, { recursive: true });
    const csv = join(broken, 'runs/p000/seed-3/metrics.csv');
    writeFileSync(csv, 'time_s,metric,value,node\n0,nodes.up,4,\nten,nodes.up,4,\n');
    const r = luc(['results', 'tidy', broken]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${csv}: line 3: expected time_s,metric,value,node, found 'ten,nodes.up,4,'`);
  });

  it("runs the README's Python example on a small sweep (pandas and pyarrow if present, else the CSV)", () => {
    const r = spawnSync('bash', [join(ROOT, 'scripts/check-tidy.sh')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^2(\.0)? .*2$/m);
    expect(r.stdout).toMatch(/^3(\.0)? .*2$/m);
  });
});

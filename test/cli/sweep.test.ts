import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_MAIN } from '../support/dist-build.js';
import { luc, ROOT } from './run-cli.js';

const RENATER = join(ROOT, 'scenarios/renater-vivaldi.yaml');
const SHORT_RENATER = ['--set', 'durationS=20', '--set', 'faults=[]'];
const GRID = ['--param', 'protocols.vivaldi.dimensions=2,3,4', '--param', 'protocols.vivaldi.periodMs=250,500,1000'];

let dir = '';
let tiny = '';

function summaries(sweepDir: string): string[] {
  const runs = join(sweepDir, 'runs');
  if (!existsSync(runs)) return [];
  return readdirSync(runs).flatMap((point) =>
    readdirSync(join(runs, point))
      .filter((name) => name.startsWith('seed-'))
      .map((name) => join(runs, point, name, 'summary.json'))
      .filter((file) => existsSync(file)),
  );
}

function csvRows(file: string): string[][] {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(','));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luc-sweep-'));
  writeFileSync(join(dir, 'tiny.csv'), '0,10,20,30\n10,0,15,25\n20,15,0,12\n30,25,12,0\n');
  tiny = join(dir, 'tiny.yaml');
  writeFileSync(tiny, 'name: tiny\nseed: 3\ndurationS: 30\ntopology: { kind: matrix, file: tiny.csv, unit: ms }\nprotocols: { gossip: { viewSize: 3 }, vivaldi: { periodMs: 500 } }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('luc sweep (end to end)', () => {
  it('runs 2 parameters x 3 values x 5 seeds on 2 worker threads and aggregates each point over its 5 seeds', () => {
    const out = join(dir, 'grid');
    const r = luc(['sweep', tiny, ...GRID, '--seeds', '5', '--jobs', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('45 runs, 0 already finished, 45 to run on 2 worker thread(s)');
    expect(r.stderr).toContain('45/45 runs finished, 0 failed, 0 missing');

    const spec = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(spec.scenario).toBe(tiny);
    expect(spec.seeds).toEqual([3, 4, 5, 6, 7]);
    expect(spec.params).toEqual([
      { path: 'protocols.vivaldi.dimensions', values: [2, 3, 4] },
      { path: 'protocols.vivaldi.periodMs', values: [250, 500, 1000] },
    ]);
    expect(spec.points[1]).toEqual({ id: 'p001', params: { 'protocols.vivaldi.dimensions': 2, 'protocols.vivaldi.periodMs': 500 } });
    expect(summaries(out)).toHaveLength(45);
    expect(JSON.parse(readFileSync(join(out, 'failures.json'), 'utf8'))).toEqual([]);

    const rows = csvRows(join(out, 'aggregate.csv'));
    expect(rows[0]).toEqual(['protocols.vivaldi.dimensions', 'protocols.vivaldi.periodMs', 'metric', 'n', 'mean', 'sd', 'min', 'max', 'ci95_low', 'ci95_high']);
    const body = rows.slice(1);
    const metrics = [...new Set(body.map((row) => row[2]))];
    expect(metrics).toEqual([...metrics].sort());
    expect(body).toHaveLength(9 * metrics.length);
    expect(body.every((row) => row[3] === '5')).toBe(true);
    expect(body.map((row) => `${row[0]}/${row[1]}`).filter((key, i, all) => all.indexOf(key) === i)).toEqual([
      '2/250', '2/500', '2/1000', '3/250', '3/500', '3/1000', '4/250', '4/500', '4/1000',
    ]);

    // the p004 (3 dimensions, 500 ms) row of vivaldi.median_rel_error is the mean of its 5 summaries
    const finals = [3, 4, 5, 6, 7].map((seed) => {
      const summary = JSON.parse(readFileSync(join(out, 'runs/p004', `seed-${seed}`, 'summary.json'), 'utf8'));
      expect(summary.seed).toBe(seed);
      return summary.metrics['vivaldi.median_rel_error'] as number;
    });
    const row = body.find((r) => r[0] === '3' && r[1] === '500' && r[2] === 'vivaldi.median_rel_error') as string[];
    expect(Number(row[4])).toBeCloseTo(finals.reduce((a, b) => a + b, 0) / 5, 12);
    expect(Number(row[6])).toBe(Math.min(...finals));
    expect(Number(row[8])).toBeLessThanOrEqual(Number(row[4]));
    expect(Number(row[9])).toBeGreaterThanOrEqual(Number(row[4]));

    // and luc plot draws the sweep: one chart per metric and parameter, a series per other value
    const plots = join(dir, 'grid-plots');
    const drawn = luc(['plot', out, '--out', plots]);
    expect(drawn.status, drawn.stderr).toBe(0);
    const chart = readFileSync(join(plots, 'sweep-vivaldi.median_rel_error-vs-protocols.vivaldi.dimensions.svg'), 'utf8');
    for (const periodMs of [250, 500, 1000]) expect(chart).toContain(`vivaldi.periodMs=${periodMs}`);
    expect(existsSync(join(plots, 'sweep-vivaldi.median_rel_error-vs-protocols.vivaldi.periodMs.svg'))).toBe(true);
  });

  it("records in each run's summary a luc run command line that replays the run byte for byte", () => {
    const out = join(dir, 'grid');
    const runFolder = join(out, 'runs/p004/seed-5');
    const summary = JSON.parse(readFileSync(join(runFolder, 'summary.json'), 'utf8'));
    expect(summary.commandLine).toMatch(/^luc run \S+tiny\.yaml --set protocols\.vivaldi\.dimensions=3 --set protocols\.vivaldi\.periodMs=500 --set seed=5 --out /);
    expect(summary.code.node).toBe(process.version);
    const before = readFileSync(join(runFolder, 'metrics.csv'), 'utf8');
    const replay = summary.commandLine.replace(/^luc /, '').replace(/--out \S+$/, `--out ${join(dir, 'replay')}`);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${DIST_MAIN}" ${replay} --quiet`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'replay/metrics.csv'), 'utf8')).toBe(before);
  });

  it('re-runs only the runs whose folders were deleted, and gives the same aggregate', () => {
    const out = join(dir, 'grid');
    const aggregate = readFileSync(join(out, 'aggregate.csv'), 'utf8');
    const mtimes = new Map(summaries(out).map((file) => [file, statSync(file).mtimeMs]));
    rmSync(join(out, 'runs/p002'), { recursive: true });
    rmSync(join(out, 'runs/p007/seed-6'), { recursive: true });
    const r = luc(['sweep', tiny, ...GRID, '--seeds', '5', '--jobs', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('45 runs, 39 already finished, 6 to run');
    const rerun = summaries(out).filter((file) => statSync(file).mtimeMs !== mtimes.get(file));
    expect(rerun.map((file) => file.slice(out.length + 1)).sort()).toEqual([
      ...[3, 4, 5, 6, 7].map((seed) => `runs/p002/seed-${seed}/summary.json`),
      'runs/p007/seed-6/summary.json',
    ]);
    expect(readFileSync(join(out, 'aggregate.csv'), 'utf8')).toBe(aggregate);
  });

  it('finishes only the missing runs after the sweep process was killed midway', async () => {
    const out = join(dir, 'killed');
    const args = [DIST_MAIN, 'sweep', RENATER, ...SHORT_RENATER, '--param', 'protocols.vivaldi.dimensions=2,3', '--seeds', '4', '--jobs', '1', '--out', out];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (summaries(out).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGKILL');
    await exited;
    const finished = summaries(out).length;
    expect(finished).toBeGreaterThanOrEqual(2);
    expect(finished).toBeLessThan(8);
    expect(existsSync(join(out, 'aggregate.csv'))).toBe(false);

    const r = luc(['sweep', RENATER, ...SHORT_RENATER, '--param', 'protocols.vivaldi.dimensions=2,3', '--seeds', '4', '--jobs', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`8 runs, ${finished} already finished, ${8 - finished} to run`);
    expect(summaries(out)).toHaveLength(8);
    const rows = csvRows(join(out, 'aggregate.csv')).slice(1);
    expect(rows.every((row) => row[2] === '4')).toBe(true);
  });

  it('validates every point before running any: a bad value exits 2 naming the point, and writes nothing', () => {
    const out = join(dir, 'bad');
    const r = luc(['sweep', tiny, '--param', 'protocols.vivaldi.dimensions=2,0', '--param', 'protocols.vivaldi.periodMs=500,1000', '--seeds', '2', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('2 grid point(s) are not valid scenarios');
    expect(r.stderr).toContain('point p002 (protocols.vivaldi.dimensions=0, protocols.vivaldi.periodMs=500)');
    expect(r.stderr).toMatch(/protocols\.vivaldi\.dimensions: expected an integer/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);

    const path = luc(['sweep', tiny, '--param', 'protocols.vivaldy.dimensions=2,3', '--seeds', '2', '--out', out]);
    expect(path.status).toBe(2);
    expect(path.stderr).toContain("did you mean 'vivaldi'");
    expect(luc(['sweep', tiny, '--out', out]).stderr).toContain('--seeds N is required');
  });

  it('reports a run that fails at run time with its point and seed, finishes the others, and aggregates finished runs only', () => {
    const out = join(dir, 'failing');
    const args = ['sweep', tiny, '--param', 'limits.eventsMax=20,1000000', '--seeds', '3', '--out', out];
    const r = luc(args);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('3/6 runs finished, 3 failed, 0 missing');
    expect(r.stderr).toMatch(/failed: p000 seed 3: run exceeded its event limit of 20 events/);
    const failures = JSON.parse(readFileSync(join(out, 'failures.json'), 'utf8'));
    expect(failures.map((f: { pointId: string; seed: number }) => `${f.pointId}/${f.seed}`)).toEqual(['p000/3', 'p000/4', 'p000/5']);
    expect(failures[0].params).toEqual({ 'limits.eventsMax': 20 });
    const rows = csvRows(join(out, 'aggregate.csv')).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row[0] === '1000000' && row[2] === '3')).toBe(true);

    const again = luc(args);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('6 runs, 3 already finished, 3 to run (3 failed before)');
  });

  it('refuses to mix another grid into an existing sweep folder', () => {
    const r = luc(['sweep', tiny, '--param', 'protocols.vivaldi.dimensions=2,3', '--seeds', '5', '--out', join(dir, 'grid')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('holds another sweep');
  });
});

describe('luc sweep --emit, run-task and collect', () => {
  it('writes a Slurm array over the grid points, and collect merges the tasks that ran like a local sweep', () => {
    const out = join(dir, 'cluster');
    const emit = luc(['sweep', tiny, ...GRID.slice(0, 2), '--seeds', '3', '--emit', 'slurm', '--jobs', '2', '--out', out]);
    expect(emit.status, emit.stderr).toBe(0);
    const script = readFileSync(join(out, 'sweep.slurm'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-2\n');
    expect(script).toContain(`exec $LUC sweep run-task ${out} --task "$TASK" --jobs 2 --quiet`);
    expect(script).toContain(`LUC=\${LUC:-'node ${DIST_MAIN}'}`);
    expect(summaries(out)).toHaveLength(0);

    for (const task of ['0', '2']) {
      const r = luc(['sweep', 'run-task', out, '--task', task, '--jobs', '3']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('3 runs, 0 already finished, 3 to run on 3 worker thread(s)');
    }
    const collect = luc(['sweep', 'collect', out]);
    expect(collect.status, collect.stderr).toBe(0);
    expect(collect.stdout).toContain('6/9 runs finished, 0 failed, 3 missing');
    expect(collect.stdout).toContain('missing: p001 seed 4');

    const local = join(dir, 'cluster-local');
    expect(luc(['sweep', tiny, ...GRID.slice(0, 2), '--seeds', '3', '--out', local, '--quiet']).status).toBe(0);
    const localRows = csvRows(join(local, 'aggregate.csv'));
    const expected = [localRows[0], ...localRows.slice(1).filter((row) => row[0] !== '3')];
    expect(csvRows(join(out, 'aggregate.csv'))).toEqual(expected);

    // --jobs reaches run-task: one worker, whatever the machine's core count (a 2-core default would show 2)
    const last = luc(['sweep', 'run-task', out, '--task', '1', '--jobs', '1']);
    expect(last.status, last.stderr).toBe(0);
    expect(last.stderr).toContain('3 runs, 0 already finished, 3 to run on 1 worker thread(s)');
    expect(luc(['sweep', 'collect', out]).stdout).toContain('9/9 runs finished, 0 failed, 0 missing');
    expect(readFileSync(join(out, 'aggregate.csv'), 'utf8')).toBe(readFileSync(join(local, 'aggregate.csv'), 'utf8'));
  });

  it('writes an OAR array script whose tasks are OAR_ARRAY_INDEX - 1', () => {
    const out = join(dir, 'oar');
    const r = luc(['sweep', tiny, ...GRID, '--seeds', '2', '--emit', 'oar', '--walltime', '0:30:00', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const script = readFileSync(join(out, 'sweep.oar'), 'utf8');
    expect(script).toContain('#OAR --array 9\n');
    expect(script).toContain('#OAR -l /nodes=1/core=1,walltime=0:30:00\n');
    expect(script).toContain('TASK=$((OAR_ARRAY_INDEX - 1))');
    expect(statSync(join(out, 'sweep.oar')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(out, 'logs'))).toBe(true);
  });

  it('rejects a task index outside the grid and a folder that is not a sweep', () => {
    expect(luc(['sweep', 'run-task', join(dir, 'oar'), '--task', '9']).status).toBe(2);
    const r = luc(['sweep', 'collect', join(dir, 'nothing-here')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('sweep.json: no such file');
  });
});

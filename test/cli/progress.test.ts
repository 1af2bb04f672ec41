import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressLine, runText, setupText } from '../../src/cli/progress.js';
import { shellJoin } from '../../src/cli/shell-quote.js';
import { DIST_MAIN } from '../support/dist-build.js';
import { luc, ROOT } from './run-cli.js';

function fakeTerminal(isTTY: boolean): { sink: { isTTY: boolean; write(text: string): void }; text: () => string } {
  const chunks: string[] = [];
  return { sink: { isTTY, write: (text: string) => chunks.push(text) }, text: () => chunks.join('') };
}

describe('the progress line of a run', () => {
  it('shows each set-up phase with its wall time, then virtual time with an ETA and events/s counted from the first event', () => {
    let now = 0;
    const terminal = fakeTerminal(true);
    const progress = new ProgressLine(false, terminal.sink, () => now);
    progress.phase('topology');
    now = 120;
    progress.phase('paths');
    now = 420;
    progress.phase('hosts');
    now = 430;
    progress.phase('agents');
    now = 1430;
    progress.startRun();
    now = 3430; // 2 s after the first event: 40% of 600 s done
    progress.update(240, 600, 1_000_000);
    now = 6430;
    progress.update(600, 600, 2_500_000);
    progress.done();
    const lines = terminal.text().split('\n').map((line) => line.split('\r').at(-1)?.trimEnd());
    expect(lines[0]).toBe('set-up: topology 0.12 s, paths 0.30 s, hosts 0.01 s, agents 1.00 s');
    expect(terminal.text()).toContain('\r 40%  t=240.0/600 s virtual  ETA 3 s  1.00 M events  0.50 M events/s');
    expect(lines[1]).toBe('100%  t=600.0/600 s virtual  ETA 0 s  2.50 M events  0.50 M events/s');
    expect(lines[2]).toBe('');
  });

  it('writes nothing when stderr is not a terminal, or with --quiet', () => {
    for (const [quiet, isTTY] of [[false, false], [true, true]]) {
      const terminal = fakeTerminal(isTTY);
      const progress = new ProgressLine(quiet, terminal.sink, () => 0);
      progress.phase('topology');
      progress.startRun();
      progress.update(10, 10, 5);
      progress.done();
      expect(terminal.text()).toBe('');
    }
  });

  it('formats the set-up and run texts', () => {
    expect(setupText([{ name: 'topology', wallS: 0.5 }, { name: 'paths', wallS: null }])).toBe('set-up: topology 0.50 s, paths...');
    expect(runText(0, 600, 0, 0)).toBe('  0%  t=0.0/600 s virtual  ETA ?  0.00 M events  0.00 M events/s');
    expect(runText(300, 600, 3e6, 90)).toBe(' 50%  t=300.0/600 s virtual  ETA 1m30s  3.00 M events  0.03 M events/s');
  });
});

describe('luc run on a terminal (end to end, through script(1))', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luc-progress-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows set-up phases and an ETA on the terminal, and writes the same metrics.csv as without one', () => {
    const args = ['run', join(ROOT, 'scenarios/renater-vivaldi.yaml'), '--set', 'durationS=60', '--set', 'faults=[]'];
    const command = shellJoin([process.execPath, DIST_MAIN, ...args, '--out', join(dir, 'tty')]);
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
    expect(tty.status, tty.stdout + tty.stderr).toBe(0);
    expect(tty.stdout).toMatch(/set-up: topology \d+\.\d\d s, hosts \d+\.\d\d s, paths \d+\.\d\d s, agents \d+\.\d\d s/);
    expect(tty.stdout).toMatch(/100%  t=60\.0\/60 s virtual  ETA 0 s  \d+\.\d\d M events  \d+\.\d\d M events\/s/);
    const piped = luc([...args, '--out', join(dir, 'piped')]);
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stderr).not.toContain('set-up:');
    expect(piped.stderr).not.toContain('ETA');
    expect(readFileSync(join(dir, 'tty', 'metrics.csv'), 'utf8')).toBe(readFileSync(join(dir, 'piped', 'metrics.csv'), 'utf8'));
  });
});

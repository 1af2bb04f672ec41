/**
 * `luc live launch --scenario`: the scenario's agent on real UDP between OS processes, scored by
 * the simulation's probes into a `luc run` results folder; a killed agent is restarted and
 * rejoins; bad input exits 2.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST_MAIN, ROOT } from '../support/dist-build.js';
import { luc } from './run-cli.js';

const SCENARIO = join(ROOT, 'test/runtime/live/fixtures/live-chord.yaml');
const dir = mkdtempSync(join(tmpdir(), 'luc-live-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  readonly timeS: number;
  readonly metric: string;
  readonly value: number;
}

function rows(out: string): Row[] {
  return readFileSync(join(out, 'metrics.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [timeS, metric, value] = line.split(',');
      return { timeS: Number(timeS), metric, value: Number(value) };
    });
}

function last(all: readonly Row[], metric: string): Row | undefined {
  return all.filter((r) => r.metric === metric).at(-1);
}

describe('luc live launch --scenario', () => {
  it('runs the agent of a Chord + Vivaldi scenario on 6 agents and scores it from ground truth', () => {
    const out = join(dir, 'six');
    const result = luc(['live', 'launch', '--scenario', SCENARIO, '--agents', '6', '--out', out]);
    expect(result.stderr).not.toMatch(/internal error|Error:/);
    expect(result.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ scenario: 'live-chord', mode: 'live', agents: 6, hosts: 8, missingReports: [], restarts: [] });
    expect(summary.agentHosts).toHaveLength(6);
    const all = rows(out);
    // Ticks fall every 2 s up to the end, when all 6 agents sample (an agent slow to load on a
    // busy machine may miss the first ones: it starts late, it is not counted up before).
    const up = all.filter((r) => r.metric === 'nodes.up');
    for (const r of up) expect([2, 4, 6, 8]).toContain(r.timeS);
    expect(up.at(-1)).toMatchObject({ timeS: 8, value: 6 });
    expect(last(all, 'chord.joined')?.value).toBe(6);
    expect(last(all, 'chord.lookups')?.value).toBeGreaterThan(20);
    // Over real sockets the ring settles as in simulation: nearly every lookup reaches the true owner.
    expect(last(all, 'chord.lookup_success')?.value).toBeGreaterThan(0.8);
    // Scored over every pair of agents (its size depends on how busy the machine's event loops are:
    // these RTTs are 0.3-10 ms, the scale of a loaded machine's timer delays).
    expect(last(all, 'vivaldi.pairs_measured')?.value).toBe(15);
    expect(Number.isFinite(last(all, 'vivaldi.median_rel_error')?.value)).toBe(true);
    expect(last(all, 'messages.sent')?.value).toBeGreaterThan(100);
    for (let id = 0; id < 6; id++) {
      expect(existsSync(join(out, 'agents', `agent-${id}.json`))).toBe(true);
      expect(existsSync(join(out, 'agents', `agent-${id}.samples.jsonl`))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8')).name).toBe('live-chord');
    // The simulated twin: the same 6 hosts (their RTT matrix), duration and seed, beside the live run.
    const twin = JSON.parse(readFileSync(join(out, 'twin', 'summary.json'), 'utf8'));
    expect(twin).toMatchObject({ scenario: 'live-chord', hosts: 6, virtualTimeS: 8 });
    expect(summary.twin.metrics['chord.lookup_success']).toEqual({ live: last(all, 'chord.lookup_success')?.value, sim: twin.metrics['chord.lookup_success'] });
    expect(summary.twin.metrics['nodes.up']).toEqual({ live: 6, sim: 6 });
  }, 60_000);

  it('restarts an agent killed with SIGKILL; it rejoins the ring and the run still scores every agent', async () => {
    const out = join(dir, 'kill');
    const child = spawn(process.execPath, [DIST_MAIN, 'live', 'launch', '--scenario', SCENARIO, '--agents', '5', '--duration-s', '12', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const pidFile = join(dir, '.kill.agents', 'agent-2.pid');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid, 'SIGKILL');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/internal error/);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.missingReports).toEqual([]);
    expect(summary.restarts).toHaveLength(1);
    const [restart] = summary.restarts;
    expect(restart).toMatchObject({ id: 2, exit: 'SIGKILL' });
    expect(restart.restartedAtMs).toBeGreaterThanOrEqual(restart.diedAtMs);
    // The new process heard from its peers and joined the ring again before the end.
    expect(restart.heardAfterMs).toBeGreaterThan(0);
    expect(restart.chordJoinedAfterMs).toBeGreaterThan(0);
    expect(restart.chordJoinedAfterMs).toBeLessThan(12_000 - restart.diedAtMs);
    const all = rows(out);
    expect(last(all, 'nodes.up')).toMatchObject({ timeS: 12, value: 5 });
    expect(last(all, 'chord.joined')?.value).toBe(5);
  }, 60_000);

  it.each([
    [['--scenario', join(ROOT, 'scenarios/renater-dvms.yaml'), '--agents', '4'], /renater-dvms\.yaml: cloud: expected a scenario whose sections all run live/],
    [['--scenario', SCENARIO, '--agents', '9'], /--agents: expected an integer in 2\.\.8/],
    [['--scenario', SCENARIO, '--vivaldi-period-ms', '100'], /--scenario: expected no Vivaldi-stack option/],
    [['--scenario', SCENARIO, '--matrix', 'x.tsv'], /--matrix: expected no matrix with --scenario/],
    [['--scenario', SCENARIO, '--set', 'protocols.chord.lookupPeriodMs=-1'], /protocols\.chord\.lookupPeriodMs/],
    [['--scenario', join(dir, 'missing.yaml')], /missing\.yaml/],
  ])('exits 2 with a clear message for %j', (args, pattern) => {
    const result = luc(['live', 'launch', ...args, '--out', join(dir, 'bad')]);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(2);
  });
});

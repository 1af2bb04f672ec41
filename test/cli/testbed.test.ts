/**
 * `luc testbed run`: a scenario's agents in 8 network namespaces (veths, a bridge), a partition
 * applied for real between them and healed; every namespace, veth and bridge of the run gone
 * afterwards, also when the run is stopped with SIGINT halfway. Needs root and `ip netns`
 * (skipped otherwise, with the reason); a non-root user gets a clear error.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST_MAIN, ROOT } from '../support/dist-build.js';
import { luc } from './run-cli.js';
import { processExists } from '../runtime/live/fixtures/virsh-available.js';

const SCENARIO = join(ROOT, 'test/runtime/live/fixtures/testbed-partition.yaml');
const dir = mkdtempSync(join(tmpdir(), 'luc-testbed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const hasNetns = spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
const SKIP_REASON = !isRoot ? 'not root' : !hasNetns ? "'ip netns' unavailable" : null;
if (SKIP_REASON !== null) console.warn(`testbed tests skipped: ${SKIP_REASON} (the testbed creates network namespaces)`);

/** Namespaces and root-namespace links whose name starts with the run's prefix. */
function objectsOf(prefix: string): string[] {
  const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]);
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? '');
  return [...ns, ...links].filter((name) => name.startsWith(prefix));
}

function metric(out: string, name: string): { timeS: number; value: number }[] {
  return readFileSync(join(out, 'metrics.csv'), 'utf8')
    .split('\n')
    .map((line) => line.split(','))
    .filter((cells) => cells[1] === name)
    .map(([timeS, , value]) => ({ timeS: Number(timeS), value: Number(value) }));
}

describe.skipIf(SKIP_REASON !== null)('luc testbed run', () => {
  it('runs 8 agents in 8 namespaces, partitions them at 4 s for 4 s (the detectors see it), crashes one for 3 s, heals, and removes everything', () => {
    const out = join(dir, 'partition');
    const result = luc(['testbed', 'run', SCENARIO, '--hosts', '8', '--out', out]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ mode: 'testbed', agents: 8, missingReports: [] });
    const { testbed } = summary;
    expect(testbed.prefix).toMatch(/^luctb[0-9a-f]{4}$/);
    // Applied when planned, to within a second on a busy machine, and healed.
    const [fault] = testbed.faults;
    expect(fault).toMatchObject({ index: 0, kind: 'partition', plannedAtS: 4, plannedHealS: 8 });
    expect(fault.appliedAtS).toBeGreaterThanOrEqual(4);
    expect(fault.appliedAtS).toBeLessThan(5);
    expect(fault.healedAtS).toBeGreaterThanOrEqual(8);
    expect(fault.healedAtS).toBeLessThan(9);
    expect(testbed.steps[0].groups.length).toBeGreaterThanOrEqual(2);
    expect(testbed.steps.at(-1).groups).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
    // Host 5's crash: its agent killed at 5 s, held down, started again at 8 s (not at once).
    expect(testbed.faults[1]).toMatchObject({ index: 1, kind: 'host-crash', plannedAtS: 5, plannedHealS: 8 });
    const restart = summary.restarts.find((r: { id: number }) => r.id === 5);
    expect(restart).toMatchObject({ id: 5, exit: 'SIGKILL', heldDown: true });
    expect(restart.diedAtMs).toBeGreaterThanOrEqual(5_000);
    expect(restart.restartedAtMs).toBeGreaterThanOrEqual(8_000);
    expect(restart.chordJoinedAfterMs).toBeGreaterThan(0);
    // Each agent in its own namespace, with its own address, heard from the others across the bridge.
    const reports = [0, 1, 2, 3, 4, 5, 6, 7].map((id) => JSON.parse(readFileSync(join(out, 'agents', `agent-${id}.json`), 'utf8')));
    expect(new Set(reports.map((r) => r.host)).size).toBe(8);
    for (const report of reports) expect(report.counters['messages.delivered']).toBeGreaterThan(50);
    // The partition shows while active: detectors across the cut declare running agents gone
    // (cut-off leaves, judged by the groups in place), none before it.
    const cutoff = metric(out, 'detector.cutoff_leaves');
    expect(cutoff.find((r) => r.timeS === 4)?.value ?? 0).toBe(0);
    expect(cutoff.at(-1)?.value).toBeGreaterThan(0);
    // The crash is scored as one (whether a watcher saw it depends on whom each watched then: not asserted).
    expect(metric(out, 'detector.crashes').at(-1)?.value).toBe(1);
    // The twin simulated the same partition.
    expect(summary.twin.metrics['detector.cutoff_leaves'].sim).toBeGreaterThan(0);
    expect(objectsOf(testbed.prefix)).toEqual([]);
  }, 150_000);

  it('removes every namespace, veth and bridge and stops every agent when SIGINT stops the run halfway', async () => {
    const out = join(dir, 'sigint');
    const child = spawn(process.execPath, [DIST_MAIN, 'testbed', 'run', SCENARIO, '--hosts', '6', '--duration-s', '30', '--no-twin', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const epochFile = join(dir, '.sigint.agents', 'epoch');
    for (let waited = 0; !existsSync(epochFile) && waited < 90_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const prefix = /testbed (luctb[0-9a-f]{4}):/.exec(stderr)?.[1] ?? '';
    expect(prefix).not.toBe('');
    // Mid-run the testbed is there: 6 namespaces, 6 veths, a bridge (so the check below can fail).
    expect(objectsOf(prefix).length).toBeGreaterThanOrEqual(13);
    const agentPids = readdirSync(join(dir, '.sigint.agents')).filter((f) => f.endsWith('.pid')).map((f) => Number(readFileSync(join(dir, '.sigint.agents', f), 'utf8')));
    expect(agentPids).toHaveLength(6);
    child.kill('SIGINT'); // the luc process only, as a supervisor would, not the agents' group
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/internal error/);
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(objectsOf(prefix)).toEqual([]);
    for (const pid of agentPids) expect(processExists(pid), `agent pid ${pid}`).toBe(false);
  }, 150_000);

  it('luc testbed down removes what a run killed with SIGKILL left behind, agents included', async () => {
    const out = join(dir, 'killed');
    const child = spawn(process.execPath, [DIST_MAIN, 'testbed', 'run', SCENARIO, '--hosts', '4', '--duration-s', '30', '--no-twin', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const epochFile = join(dir, '.killed.agents', 'epoch');
    for (let waited = 0; !existsSync(epochFile) && waited < 90_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const prefix = /testbed (luctb[0-9a-f]{4}):/.exec(stderr)?.[1] ?? '';
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(objectsOf(prefix).length).toBeGreaterThanOrEqual(9);
    const down = luc(['testbed', 'down']);
    expect(down.status, down.stderr).toBe(0);
    expect(down.stdout).toContain(prefix);
    expect(objectsOf(prefix)).toEqual([]);
  }, 150_000);
});

describe('luc testbed: wrong environment', () => {
  it.skipIf(!isRoot)('refuses to run as another user than root, saying why, with exit code 2', () => {
    const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, DIST_MAIN, 'testbed', 'run', SCENARIO, '--hosts', '4'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toMatch(/must run as root.*uid 65534/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(result.status).toBe(2);
  });
});

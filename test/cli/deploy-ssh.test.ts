/**
 * `luc deploy` over real ssh: 3 network namespaces, each running Debian's sshd, stand for 3
 * machines; 6 agents of the testbed fixture (two per machine) deployed for 16 s with its
 * partition (iptables rules in the machines' namespaces) and its host crash (the agent killed
 * over ssh, started again at the heal). Needs root and openssh-server (`.ci/run` installs it);
 * skipped otherwise, with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/dist-build.js';
import { DIST_MAIN } from '../support/dist-build.js';
import type { CliResult } from './run-cli.js';
import { hasSshd, startSshdMachines } from './sshd-namespaces.js';

const SCENARIO = join(ROOT, 'test/runtime/live/fixtures/testbed-partition.yaml');
const dir = mkdtempSync(join(tmpdir(), 'luc-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const hasNetns = spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
const SKIP_REASON = !isRoot ? 'not root' : !hasNetns ? "'ip netns' unavailable" : !hasSshd ? 'no /usr/sbin/sshd (apt-get install openssh-server)' : null;
if (SKIP_REASON !== null) console.warn(`luc deploy over ssh skipped: ${SKIP_REASON}`);

/** luc with room for ssh on a loaded machine (run-cli's luc stops at 120 s). */
function lucLong(args: readonly string[]): CliResult {
  const result = spawnSync(process.execPath, [DIST_MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 220_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Processes whose command line mentions `text` (agents of the run, sshds of the test). */
function processesWith(text: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  }).map(Number);
}

describe.skipIf(SKIP_REASON !== null)('luc deploy over ssh', () => {
  it('runs 6 agents on 3 sshd machines (two each), applies the partition with iptables and the host crash by ssh kill, collects the results and tears everything down', async () => {
    const prefix = `lucdp${process.pid.toString(16).slice(-4)}`;
    const machinesDir = join(dir, 'machines');
    const remoteDir = join(dir, 'remote');
    const machines = await startSshdMachines(prefix, 3, machinesDir);
    const out = join(dir, 'out');
    let result: CliResult;
    try {
      const nodes = join(dir, 'nodes');
      // As OAR writes it: one line per core.
      writeFileSync(nodes, machines.addresses.flatMap((a) => [a, a]).join('\n'));
      result = lucLong(['deploy', SCENARIO, '--nodes', nodes, '--agents', '6', '--out', out, '--identity', machines.clientKey, ...machines.sshOptions.flatMap((o) => ['--ssh-option', o]), '--remote-node', process.execPath, '--remote-dir', remoteDir]);
    } finally {
      machines.remove();
    }
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ mode: 'deploy', agents: 6, missingReports: [] });
    const { deploy } = summary;
    expect(deploy.machines.map((m: { target: string; agents: number[] }) => [m.target, m.agents])).toEqual([['10.78.0.1', [0, 1]], ['10.78.0.2', [2, 3]], ['10.78.0.3', [4, 5]]]);
    // No netem in this kernel: the agents' shim, said so.
    expect(deploy.latency).toMatch(/shim/);
    console.info(`deploy over ssh: ship ${deploy.shipS} s (${(deploy.tarballBytes / 1e6).toFixed(1)} MB), start ${deploy.startS} s, collect ${deploy.collectS} s, teardown ${deploy.teardownS} s, wall ${summary.wallTimeS} s; steps in place at ${deploy.steps.map((s: { appliedAtS: number }) => s.appliedAtS).join(', ')} s (planned 4, 5, 8)`);
    // Each agent bound its machine's address (only that namespace has it) and heard from the others.
    const reports = [0, 1, 2, 3, 4, 5].map((id) => JSON.parse(readFileSync(join(out, 'agents', `agent-${id}.json`), 'utf8')));
    expect(reports.map((r) => r.host)).toEqual(['10.78.0.1', '10.78.0.1', '10.78.0.2', '10.78.0.2', '10.78.0.3', '10.78.0.3']);
    // Agent 4's last incarnation (restarted at 8 s over a new ssh session) may have had too little of the run left to count on.
    for (const report of reports.filter((r) => r.id !== 4)) expect(report.counters['messages.delivered']).toBeGreaterThan(50);
    // Results as a launch writes them.
    for (const file of ['metrics.csv', 'scenario.json']) expect(existsSync(join(out, file)), file).toBe(true);
    expect(summary.metrics['chord.lookup_success']).toBeGreaterThan(0);
    // The partition applied at 4 s by iptables on every machine and healed at 8 s, within a second
    // (the cuts wait on the machines from before time 0: no ssh command at the step's time).
    const [partition, crash] = deploy.faults;
    expect(partition).toMatchObject({ index: 0, kind: 'partition', plannedAtS: 4, plannedHealS: 8 });
    expect(partition.appliedAtS).toBeGreaterThanOrEqual(4);
    expect(partition.appliedAtS).toBeLessThan(5);
    expect(partition.healedAtS).toBeGreaterThanOrEqual(8);
    expect(partition.healedAtS).toBeLessThan(9);
    expect(deploy.steps.every((s: { error?: string }) => s.error === undefined)).toBe(true);
    expect(deploy.steps[0].groups.length).toBeGreaterThanOrEqual(2);
    // The host crash: agent 4 killed over ssh at 5 s, held down, started again at 8 s.
    expect(crash).toMatchObject({ index: 1, kind: 'host-crash', plannedAtS: 5, plannedHealS: 8 });
    const restart = summary.restarts.find((r: { id: number }) => r.id === 4);
    expect(restart).toMatchObject({ id: 4, heldDown: true });
    expect(restart.diedAtMs).toBeGreaterThanOrEqual(5_000);
    expect(restart.restartedAtMs).toBeGreaterThanOrEqual(8_000);
    expect(restart.runningAfterMs).toBeGreaterThan(0);
    // Torn down: no run folder on any machine, no agent, no sshd, no namespace.
    expect(readdirSync(remoteDir)).toEqual([]);
    expect(processesWith('live/dist/cli/live.js')).toEqual([]);
    expect(processesWith(remoteDir)).toEqual([]);
    expect(processesWith(machinesDir)).toEqual([]);
    const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(namespaces).not.toContain(prefix);
    expect(typeof deploy.teardownS).toBe('number');
  }, 240_000);

  it('compares the same fixture deployed over ssh with its simulated twins (luc compare --live deploy)', async () => {
    const prefix = `luccp${process.pid.toString(16).slice(-4)}`;
    const machines = await startSshdMachines(prefix, 3, join(dir, 'cmp-machines'));
    const out = join(dir, 'cmp');
    let result: CliResult;
    try {
      const nodes = join(dir, 'cmp-nodes');
      writeFileSync(nodes, machines.addresses.join('\n'));
      result = lucLong(['compare', SCENARIO, '--live', 'deploy', '--nodes', nodes, '--agents', '6', '--seeds', '2', '--out', out, '--identity', machines.clientKey, ...machines.sshOptions.flatMap((o) => ['--ssh-option', o]), '--remote-node', process.execPath, '--remote-dir', join(dir, 'cmp-remote')]);
    } finally {
      machines.remove();
    }
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.status, result.stderr).toBe(0);
    // The live side is a deployment's results folder, scored against two twins (seeds 5 and 6).
    expect(JSON.parse(readFileSync(join(out, 'live', 'summary.json'), 'utf8'))).toMatchObject({ mode: 'deploy', agents: 6, missingReports: [] });
    const record = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(record).toMatchObject({ live: 'deploy', agents: 6, seeds: 2, folders: { live: 'live', sim: ['live/twin', 'sim/seed-6'] } });
    const targets = new Map(record.targets.map((t: { metric: string; sim: number; live: number }) => [t.metric, t]));
    // The fixture has Vivaldi and Chord: both judged, each with a live value and a simulated one.
    for (const metric of ['vivaldi.median_rel_error', 'chord.lookup_success']) {
      const target = targets.get(metric) as { sim: number; live: number; verdict: string } | undefined;
      expect(target, metric).toBeDefined();
      expect(Number.isFinite(target?.live), metric).toBe(true);
      expect(Number.isFinite(target?.sim), metric).toBe(true);
      expect(['pass', 'miss']).toContain(target?.verdict);
    }
    console.info(`compare --live deploy: ${record.targets.map((t: { metric: string; sim: number; live: number; verdict: string }) => `${t.metric} ${t.sim} / ${t.live} ${t.verdict}`).join('; ')}; load ${record.loadAverage.start.join(' ')}`);
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toMatch(/3 machine\(s\) over ssh \(luc deploy\)/);
    expect(readdirSync(join(dir, 'cmp-remote'))).toEqual([]);
  }, 300_000);
});

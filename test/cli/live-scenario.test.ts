/**
 * `luc live launch --scenario`: the scenario's agent on real UDP between OS processes, scored by
 * the simulation's probes into a `luc run` results folder; DVMS over libvirt's test driver; a
 * killed agent is restarted and rejoins; bad input exits 2.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST_MAIN, ROOT } from '../support/dist-build.js';
import { luc } from './run-cli.js';
import { VIRSH_AVAILABLE } from '../runtime/live/fixtures/virsh-available.js';

const SCENARIO = join(ROOT, 'test/runtime/live/fixtures/live-chord.yaml');
const DVMS_SCENARIO = join(ROOT, 'test/runtime/live/fixtures/live-dvms.yaml');
const VE_SCENARIO = join(ROOT, 'test/runtime/live/fixtures/live-ve.yaml');
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
      return { timeS: Number(timeS), metric, value: value === '' ? NaN : Number(value) }; // empty: a gauge with no value at that tick
    });
}

function last(all: readonly Row[], metric: string): Row | undefined {
  return all.filter((r) => r.metric === metric).at(-1);
}

describe('luc live launch --scenario', () => {
  it('runs a measured matrix with holes: agents and twin fill the unmeasured pairs alike, and score the 26 measured of 28', () => {
    // planetlab-8 with its two directions apart (x 1.1 one way) and pairs 0-1 and 2-5 measured in neither.
    const rtt = readFileSync(join(ROOT, 'test/runtime/live/fixtures/planetlab-8.tsv'), 'utf8').trim().split('\n').map((line) => line.trim().split(/\s+/));
    const cells = rtt.map((row, i) => row.map((cell, j) => (i < j ? (Number(cell) * 1.1).toFixed(3) : cell)));
    for (const [i, j] of [[0, 1], [2, 5]]) cells[i][j] = cells[j][i] = 'NaN';
    writeFileSync(join(dir, 'holes.tsv'), `${cells.map((row) => row.join('\t')).join('\n')}\n`);
    const scenario = join(dir, 'holes.yaml');
    writeFileSync(scenario, [
      'name: live-holes', 'seed: 5', 'durationS: 6',
      "topology: { kind: matrix, file: holes.tsv, unit: ms, missing: ['NaN'] }",
      'protocols:', '  gossip: { viewSize: 6, periodMs: 500 }', '  vivaldi: { dimensions: 2, height: true, periodMs: 200 }',
      'metrics: { intervalS: 2, pairSampleMax: 1000 }', '',
    ].join('\n'));
    const out = join(dir, 'holes');
    const result = luc(['live', 'launch', '--scenario', scenario, '--agents', '8', '--out', out]);
    expect(result.stderr).not.toMatch(/internal error|Error:/);
    expect(result.status).toBe(0);
    const agentsMatrix = readFileSync(join(out, 'agents', 'rtt-ms.tsv'), 'utf8').trim().split('\n').map((line) => line.split('\t'));
    expect(agentsMatrix.flat().filter((cell) => cell === 'NaN')).toHaveLength(4);
    expect(last(rows(out), 'vivaldi.pairs_measured')?.value).toBe(26);
    const twin = JSON.parse(readFileSync(join(out, 'twin', 'summary.json'), 'utf8'));
    expect(twin.metrics['vivaldi.pairs_measured']).toBe(26);
  }, 60_000);

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
    const child = spawn(process.execPath, [DIST_MAIN, 'live', 'launch', '--scenario', SCENARIO, '--agents', '5', '--duration-s', '12', '--set', 'detector.periodMs=250', '--set', 'detector.timeoutMs=1000', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const pidFile = join(dir, '.kill.agents', 'agent-2.pid');
    // Kill 3 s into the run (after the start barrier: loading may be slow on a busy machine).
    const epochFile = join(dir, '.kill.agents', 'epoch');
    for (let waited = 0; !existsSync(epochFile) && waited < 60_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
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
    // The failure detectors declared the killed agent gone, judged against the kill (a detection, not a false suspicion).
    expect(last(all, 'detector.detections')?.value).toBeGreaterThanOrEqual(1);
    expect(last(all, 'detector.leaves')?.value).toBeGreaterThanOrEqual(last(all, 'detector.detections')?.value ?? 0);
  }, 120_000);

  it.skipIf(!VIRSH_AVAILABLE)('runs DVMS on 5 agents over libvirt (test driver): an injected overload is resolved by a migration issued through virsh', () => {
    const out = join(dir, 'dvms');
    const result = luc(['live', 'launch', '--scenario', DVMS_SCENARIO, '--agents', '5', '--out', out]);
    expect(result.stderr).not.toMatch(/internal error|Error:/);
    expect(result.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ hypervisor: 'test:///default', migrations: 'emulated (libvirt test driver)', missingReports: [] });
    const all = rows(out);
    // Host 0 asks 6 cores of 4 from 6 s on (the trace): an overload, seen by its agent when its load changed (DVMS
    // may end it before the next 1 s tick: the agents report the overloads they saw between ticks, timed to the ms).
    expect(last(all, 'cloud.violations')?.value).toBeGreaterThanOrEqual(1);
    expect(all.filter((r) => r.metric === 'cloud.violations' && r.timeS < 6).every((r) => r.value === 0)).toBe(true);
    expect(last(all, 'cloud.resolve_s_max')?.value).toBeGreaterThan(0);
    // ... and resolved by DVMS through libvirt: every overload ended, by emulated migrations only.
    expect(last(all, 'cloud.hosts_overloaded')?.value).toBe(0);
    expect(last(all, 'cloud.violations_resolved')?.value).toBe(last(all, 'cloud.violations')?.value);
    const migrations = last(all, 'cloud.migrations')?.value ?? 0;
    expect(migrations).toBeGreaterThanOrEqual(1);
    expect(last(all, 'cloud.migrations_emulated')?.value).toBe(migrations);
    // The simulated twin: the same 5 hosts on the backbone, the same VMs and trace, resolving the same overload.
    expect(summary.twin.metrics['cloud.violations']).toEqual({ live: last(all, 'cloud.violations')?.value, sim: 1 });
    expect(summary.twin.metrics['cloud.violations_resolved'].sim).toBe(1);
    expect(JSON.parse(readFileSync(join(out, 'twin', 'summary.json'), 'utf8')).hosts).toBe(5);
    // No VM lost or on two hosts at any tick.
    for (const r of all.filter((r) => r.metric === 'cloud.vms_missing' || r.metric === 'cloud.vms_on_two_hosts')) expect(r.value, `${r.metric} at ${r.timeS}`).toBe(0);
    // The migration as libvirt ran it: from host 0, by virsh commands, labelled emulated.
    const report = JSON.parse(readFileSync(join(out, 'agents', 'agent-0.json'), 'utf8'));
    expect(report.hypervisor.operations.filter((op: { op: string; ok: boolean; emulated: boolean }) => op.op === 'migrate' && op.ok && op.emulated).length).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it.skipIf(!VIRSH_AVAILABLE)('runs the VE lifecycle on 5 agents over libvirt (test driver): every VE configured, operations acting on the domains and judged against the hypervisors', () => {
    const out = join(dir, 've');
    const result = luc(['live', 'launch', '--scenario', VE_SCENARIO, '--agents', '5', '--out', out]);
    expect(result.stderr).not.toMatch(/internal error|Error:/);
    expect(result.status).toBe(0);
    const all = rows(out);
    const value = (metric: string): number => last(all, metric)?.value ?? NaN;
    // Each of the 6 VEs configured once, by agent ve mod 5, with the scenario's members.
    expect(value('ve.configured')).toBe(6);
    expect(value('ve.configure.ops')).toBe(6);
    expect(value('ve.configure.ok_share')).toBe(1);
    // Relocations ran as (emulated) migrations, and each end told the VE manager of its host.
    expect(value('cloud.migrations')).toBeGreaterThanOrEqual(1);
    expect(value('ve.agent.arrivals_told')).toBe(value('cloud.migrations'));
    expect(value('ve.agent.departures_told')).toBe(value('cloud.migrations'));
    // No VM lost (at the ticks every agent sampled: a missing sample hides its VMs) or on two hosts.
    const allUp = new Set(all.filter((r) => r.metric === 'nodes.up' && r.value === 5).map((r) => r.timeS));
    expect(allUp.size).toBeGreaterThan(50);
    // (empty cells, NaN: ticks before any agent sampled its hypervisor)
    for (const r of all.filter((r) => !Number.isNaN(r.value) && ((r.metric === 'cloud.vms_missing' && allUp.has(r.timeS)) || r.metric === 'cloud.vms_on_two_hosts'))) expect(r.value, `${r.metric} at ${r.timeS}`).toBe(0);
    // About 30 operations from 5 s. A right answer is judged wrong only if another operation
    // changed the VE within the 0.5 s between the answer and the next tick (one command per VE
    // every ~12 s: under 5% of the operations), or if a member's host was not yet reported (every
    // 2 s, and at once after a migration): 0.8 leaves room for one in five.
    expect(value('ve.find.ops')).toBeGreaterThanOrEqual(5);
    expect(value('ve.find.ok_share')).toBeGreaterThanOrEqual(0.8);
    for (const op of ['suspend', 'resume', 'stop', 'start', 'relocate']) {
      const ops = value(`ve.${op}.ops`);
      if (!(ops > 0)) continue;
      // What the issuers were told agrees with what the hypervisors show (refusals included: a
      // relocation that would break a constraint is refused, and the VM is seen not to move).
      expect(Math.abs(value(`ve.${op}.ok_share`) - value(`ve.${op}.reported_ok_share`)), op).toBeLessThanOrEqual(0.2);
    }
    expect(value('ve.suspend.ops')).toBeGreaterThanOrEqual(1);
    expect(value('ve.suspend.ok_share')).toBeGreaterThanOrEqual(0.8);
    expect(value('ve.relocate.ops')).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it.each([
    [['--scenario', DVMS_SCENARIO, '--agents', '4', '--set', 'scheduler.dvms.ispHopsMax=2'], /scheduler\.dvms\.ispHopsMax: expected a number of hops > the host count \(4\)/],
    [['--scenario', join(ROOT, 'scenarios/renater-dvms.yaml'), '--agents', '4'], /renater-dvms\.yaml:.*cloud\.ves\[0\]/],
    [['--scenario', join(ROOT, 'scenarios/renater-dvms.yaml'), '--agents', '16'], /cloud\.ves\[3\].*the VEs take 170 VMs, 16 agents have 160; they fit from 17 agents/],
    [['--scenario', SCENARIO, '--agents', '4', '--hypervisor', 'test:///default'], /--hypervisor: expected a scenario with a cloud section/],
    [['--scenario', SCENARIO, '--agents', '9'], /--agents: expected an integer in 2\.\.8/],
    [['--scenario', SCENARIO, '--vivaldi-period-ms', '100'], /--scenario: expected no Vivaldi-stack option/],
    [['--scenario', SCENARIO, '--matrix', 'x.tsv'], /--matrix: expected no matrix with --scenario/],
    [['--scenario', SCENARIO, '--set', 'protocols.chord.lookupPeriodMs=-1'], /protocols\.chord\.lookupPeriodMs/],
    [['--scenario', join(dir, 'missing.yaml')], /missing\.yaml/],
    [['--scenario', SCENARIO, '--agents', '4', '--duration-s', '1'], /--duration-s: expected at least the scenario's metrics\.intervalS \(2 s\).*found 1/],
  ])('exits 2 with a clear message for %j', (args, pattern) => {
    const result = luc(['live', 'launch', ...args, '--out', join(dir, 'bad')]);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(2);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricRow } from '../../../src/metrics/series.js';
import { loadScenario } from '../../../src/scenario/load.js';
import { runScenario, type RunInstruments } from '../../../src/scenario/run-scenario.js';
import { fixture } from '../fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'luc-policy-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** West holds hosts 0 and 1, East host 2; one VM per host; VE 0 has one VM: VM 0, or VM 2 when banned from West. */
function scenario(rules: string): string {
  const path = join(dir, `s${rules.length}.yaml`);
  writeFileSync(
    path,
    `name: policy-probe
seed: 3
durationS: 100
topology:
  kind: graphml
  file: ${fixture('topologies/two-pops.graphml')}
  latency: { model: explicit, linkUs: 5000 }
  bandwidthBps: 1e9
  bandwidthFrom: scenario
hosts:
  perPop: { rule: list, counts: { West: 2, East: 1 } }
protocols:
  gossip: { viewSize: 2, periodMs: 60000 }
cloud:
  vm: { perHost: 1 }
  ves: [{ constraint: spread, count: 1, size: 1 }]
  checkInvariants: true
policies:
  ves: [{ group: 0, rules: [${rules}] }]
metrics: { intervalS: 10 }
`,
  );
  return path;
}

/** Runs the scenario, moving VE 0's VM (`member`) by hand through the simulated hypervisors (no planner) at each [time s, host]. */
function runWithMoves(file: string, moves: readonly (readonly [number, number])[], member = 2): readonly MetricRow[] {
  let vm = -1;
  const instrument = ({ sim, cloud }: RunInstruments): void => {
    vm = cloud!.cloud.vmVe.indexOf(0);
    for (const [atS, to] of moves) sim.at(atS * 1e6, () => expect(cloud!.hypervisors.relocateVm(vm, to)).toBe(true));
  };
  const rows = runScenario(loadScenario(file), file, { instrument }).series.all();
  expect(vm).toBe(member);
  return rows;
}

const at = (rows: readonly MetricRow[], timeS: number, metric: string): number | undefined => rows.find((r) => r.timeS === timeS && r.metric === metric && r.node === '')?.value;

describe('the policy probe judges where the VMs really are', () => {
  it('counts a hard violation planted by moving a VM into its banned PoP, from the sample after the move until it leaves', () => {
    const rows = runWithMoves(scenario('{ kind: ban, pops: [West] }'), [
      [25, 0],
      [55, 2],
    ]);
    expect(at(rows, 20, 'policy.hard_violations')).toBe(0);
    expect(at(rows, 30, 'policy.hard_violations')).toBe(1);
    expect(at(rows, 30, 'policy.hard_violations_now')).toBe(1);
    expect(at(rows, 50, 'policy.hard_violations_now')).toBe(1);
    expect(at(rows, 60, 'policy.hard_violations_now')).toBe(0);
    expect(at(rows, 100, 'policy.hard_violations')).toBe(1);
    expect(at(rows, 100, 'policy.soft_violations')).toBe(0);
  });

  it('counts a soft one apart, and charges it the intervals it was seen at (samples 30, 40, 50: 30 s)', () => {
    const rows = runWithMoves(
      scenario('{ kind: ban, pops: [East], soft: true }'),
      [
        [25, 2],
        [55, 0],
      ],
      0,
    );
    expect(at(rows, 100, 'policy.hard_violations')).toBe(0);
    expect(at(rows, 100, 'policy.soft_violations')).toBe(1);
    expect(at(rows, 100, 'policy.soft_violation_time_s')).toBe(30);
  });

  it('counts nothing when nothing moves, and any move of a root VE member is one', () => {
    const quiet = runWithMoves(scenario('{ kind: ban, pops: [West] }'), []);
    expect(at(quiet, 100, 'policy.hard_violations')).toBe(0);
    const rooted = runWithMoves(scenario('{ kind: root }'), [[25, 1]], 0);
    expect(at(rooted, 20, 'policy.hard_violations_now')).toBe(0);
    expect(at(rooted, 30, 'policy.hard_violations_now')).toBe(1);
  });

  it('is deterministic: the same run twice gives identical series', () => {
    const file = scenario('{ kind: ban, pops: [West] }');
    expect(JSON.stringify(runWithMoves(file, [[25, 0]]))).toBe(JSON.stringify(runWithMoves(file, [[25, 0]])));
  });
});

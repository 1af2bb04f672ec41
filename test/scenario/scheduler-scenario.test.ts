import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import type { MetricRow } from '../../src/metrics/series.js';
import { fixture, scenarioErrorOf } from './fixtures.js';

const FILE = fixture('good/scheduler.yaml');

function run(overrides: readonly string[] = []): readonly MetricRow[] {
  return runScenario(loadScenario(FILE, overrides), FILE).series.all();
}

function last(rows: readonly MetricRow[], metric: string): number {
  return rows.filter((row) => row.metric === metric && row.node === '').at(-1)?.value ?? NaN;
}

/** The same cloud and load without a scheduler: violations end only when loads drop. */
const UNSCHEDULED = ['scheduler.kind=dvms', 'scheduler.dvms.overloadThreshold=1000'];

describe('scenarios with a VM scheduler', () => {
  const alone = run(UNSCHEDULED);

  it('leave violations to the load alone when the scheduler never sees an overload (the baseline of the others)', () => {
    expect(last(alone, 'cloud.violations')).toBeGreaterThan(5);
    expect(last(alone, 'cloud.migrations')).toBe(0);
  });

  for (const kind of ['dvms', 'central', 'snooze'] as const) {
    it(`${kind}: resolves violations by migration faster than the load alone, keeps every VM on one host and every VE constraint`, () => {
      const rows = run([`scheduler.kind=${kind}`]);
      expect(last(rows, 'cloud.migrations')).toBeGreaterThan(0);
      expect(last(rows, 'scheduler.rounds_solved')).toBeGreaterThan(0);
      expect(last(rows, 'cloud.violation_time_s')).toBeLessThan(last(alone, 'cloud.violation_time_s'));
      expect(last(rows, 'cloud.ve_violations')).toBe(0); // checkInvariants would have thrown otherwise
    });
  }

  it('dvms locality: the initiator pulls nodes over Vivaldi estimates and resolves violations too', () => {
    const rows = run(['scheduler.dvms.variant=locality']);
    expect(last(rows, 'cloud.migrations')).toBeGreaterThan(0);
    expect(last(rows, 'cloud.violation_time_s')).toBeLessThan(last(alone, 'cloud.violation_time_s'));
    // With the scenario's own Vivaldi (which remembers no peer coordinates by default), the run keeps enough of them.
    const own = run(['scheduler.dvms.variant=locality', 'protocols.vivaldi={}']);
    expect(last(own, 'dvms.pulls')).toBeGreaterThan(0);
    expect(last(own, 'cloud.violation_time_s')).toBeLessThan(last(alone, 'cloud.violation_time_s'));
  });

  it('dvms: every partition is released (none held at the end), and a run option fails a run whose partitions outlive a bound', () => {
    const rows = run();
    expect(last(rows, 'dvms.nodes_in_partitions')).toBe(0);
    expect(last(rows, 'dvms.partition_held_s_max')).toBe(0);
    // Hosts of 6 cores are saturated (mean demand 6): partitions grow and last over a minute.
    expect(() => run(['cloud.host.cores=6', 'cloud.partitionHeldMaxS=30'])).toThrow(/partition has held nodes for \d+ s \(> cloud.partitionHeldMaxS = 30 s\)/);
  });

  it('operate on VEs from any node: configured at their owners, found, suspended and resumed, relocated within their constraints', () => {
    const rows = run(['cloud.lifecycle={"configureAtS":30,"workloadPeriodMs":60000,"workloadStartMs":60000}']);
    expect(last(rows, 've.configure.ok_share')).toBe(1);
    expect(last(rows, 've.configure.ops')).toBe(8);
    expect(last(rows, 've.find.ops')).toBeGreaterThan(50);
    expect(last(rows, 've.find.ok_share')).toBeGreaterThan(0.95);
    expect(last(rows, 've.suspend.ops')).toBeGreaterThan(0);
    expect(last(rows, 've.relocate.ops')).toBeGreaterThan(0);
    // The scheduler's migrations and the VE relocations, apart, as the hypervisors ran them.
    expect(last(rows, 'cloud.ve_relocations')).toBeGreaterThan(0);
    expect(last(rows, 'cloud.ve_relocations')).toBe(last(rows, 've.migrations_done'));
    expect(last(rows, 'cloud.scheduler_migrations')).toBe(last(rows, 'dvms.migrations_done'));
    expect(last(rows, 'cloud.scheduler_migrations') + last(rows, 'cloud.ve_relocations')).toBe(last(rows, 'cloud.migrations'));
    expect(last(rows, 'cloud.ve_violations')).toBe(0);
    expect(scenarioErrorOf(() => loadScenario(FILE, ['cloud.ves=[]', 'cloud.lifecycle={}'])).message).toMatch(/cloud.lifecycle: expected VEs to operate on/);
    expect(scenarioErrorOf(() => loadScenario(FILE, ['cloud.lifecycle={"findShare":0.9}'])).message).toMatch(/cloud.lifecycle\.\w+Share: expected/);
  });

  it('scores VE operations against the cloud model: under host crashes some finds believed right name hosts the VMs no longer run on', () => {
    const lifecycle = 'cloud.lifecycle={"configureAtS":30,"workloadPeriodMs":30000,"workloadStartMs":60000}';
    const calm = run([lifecycle]);
    expect(last(calm, 've.find.ok_share')).toBe(last(calm, 've.find.reported_ok_share'));
    const crashes = 'faults=[{kind: host-crash, atS: 400, host: 3}, {kind: host-crash, atS: 400, host: 9}, {kind: host-crash, atS: 400, host: 14}, {kind: host-crash, atS: 400, host: 20}, {kind: host-crash, atS: 400, host: 26}]';
    const rows = run([lifecycle, crashes]);
    expect(last(rows, 'cloud.vms_lost')).toBeGreaterThan(0);
    expect(last(rows, 'cloud.ves_hit')).toBeGreaterThan(0);
    expect(last(rows, 've.find.ok_share')).toBeLessThan(last(rows, 've.find.reported_ok_share'));
  });

  it('are deterministic, row for row', () => {
    const a = run(['durationS=600', 'scheduler.kind=central']);
    const b = run(['durationS=600', 'scheduler.kind=central']);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('reject a scheduler without a cloud, bad settings and node ids outside the run, naming the field', () => {
    expect(scenarioErrorOf(() => loadScenario(FILE, ['cloud=null'])).message).toMatch(/scheduler: expected a cloud section beside it/);
    expect(scenarioErrorOf(() => loadScenario(FILE, ['scheduler.kind=chaos'])).message).toMatch(/scheduler.kind: expected one of dvms, central, snooze/);
    expect(scenarioErrorOf(() => loadScenario(FILE, ['scheduler.dvms.keepAlivePeriodMs=9000'])).message).toMatch(/scheduler.dvms.memberTimeoutMs|scheduler.dvms.keepAlivePeriodMs/);
    const far = loadScenario(FILE, ['scheduler.kind=central', 'scheduler.central.managerNode=99']);
    expect(() => runScenario(far, FILE)).toThrow(/scheduler.central.managerNode: expected a host index < 32, found 99/);
  });
});

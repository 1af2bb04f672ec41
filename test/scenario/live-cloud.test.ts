import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/kernel/simulator.js';
import type { BackboneNetwork } from '../../src/platform/network.js';
import { Counters } from '../../src/runtime/counters.js';
import type { MigrationOutcome } from '../../src/runtime/hypervisor.js';
import { buildWorld } from '../../src/scenario/build-world.js';
import { setUpCloud } from '../../src/scenario/cloud-setup.js';
import { liveCloudPlan } from '../../src/scenario/live-cloud.js';
import { liveHosts } from '../../src/scenario/live-hosts.js';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioErrorOf } from './fixtures.js';

const FILE = join(__dirname, '../runtime/live/fixtures/live-dvms.yaml');

describe('liveCloudPlan', () => {
  it('refuses cloud.snapshots, naming the field: snapshot files do not travel between live agents yet', () => {
    const scenario = loadScenario(FILE, ['cloud.snapshots={}']);
    const network = buildWorld(scenario, FILE).backbone as BackboneNetwork;
    const error = scenarioErrorOf(() => liveCloudPlan(scenario, FILE, network, liveHosts(network.hostCount, network.hostCount)));
    expect(error.message).toContain('cloud.snapshots: expected no snapshots section in a live launch');
  });

  it("times a migration as the simulated cloud does: the emulated hand-over of a live run lasts the twin's pre-copy", () => {
    const scenario = loadScenario(FILE, ['cloud.vm.dirtyPercentMin=10', 'cloud.vm.dirtyPercentMax=60']);
    const network = buildWorld(scenario, FILE).backbone as BackboneNetwork;
    const agents = network.hostCount;
    const plan = liveCloudPlan(scenario, FILE, network, liveHosts(network.hostCount, agents));
    const section = scenario.cloud;
    if (section === undefined) throw new Error('no cloud section');
    for (const [vm, load, to] of [
      [0, 80, 3],
      [4, 35, 0],
    ]) {
      // The simulation: the VM alone on the network, at that load, from its host to `to`.
      const sim = new Simulator();
      const cloud = setUpCloud({ section, scenarioFile: FILE, seed: scenario.seed, durationS: scenario.durationS, sim, counters: new Counters(), network });
      cloud.cloud.setLoad(vm, load);
      const from = Math.floor(vm / section.vm.perHost);
      let outcome: MigrationOutcome | undefined;
      cloud.hypervisors.of(from).migrate(vm, to, (o) => (outcome = o));
      sim.run({ endUs: 3600e6, eventsMax: 1e6 });
      expect(outcome?.ok).toBe(true);
      const copy = plan.migrationCopy(vm, load, from, to);
      expect(copy).not.toBeNull();
      // Within a microsecond per copy (the kernel rounds each round to an integer microsecond).
      expect(Math.abs((copy?.durationS ?? 0) * 1000 - (outcome?.durationMs ?? 0))).toBeLessThan(0.001 * ((copy?.rounds ?? 0) + 2));
      expect(Math.abs((copy?.downtimeS ?? 0) * 1000 - (outcome?.downtimeMs ?? 0))).toBeLessThan(0.002);
      expect(copy?.bytesSent).toBeCloseTo(outcome?.bytes ?? 0, -3);
    }
  });
});

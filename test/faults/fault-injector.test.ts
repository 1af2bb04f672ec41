import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/kernel/simulator.js';
import { BackboneNetwork } from '../../src/platform/network.js';
import type { Backbone } from '../../src/platform/types.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import type { Protocol } from '../../src/runtime/context.js';
import { FaultInjector } from '../../src/faults/fault-injector.js';
import type { Fault } from '../../src/faults/fault-plan.js';

// A triangle A-B-C, one host per PoP.
const triangle: Backbone = {
  name: 'triangle',
  pops: ['A', 'B', 'C'].map((name) => ({ name, latitude: NaN, longitude: NaN, country: '' })),
  links: [
    { a: 0, b: 1, latencyUs: 1000, bandwidthBps: 1e10 },
    { a: 1, b: 2, latencyUs: 1000, bandwidthBps: 1e10 },
    { a: 0, b: 2, latencyUs: 3000, bandwidthBps: 1e10 },
  ],
};

class Idle implements Protocol {
  onStart(): void {}
  onMessage(): void {}
}

function world(seed = 1, machines: [number, boolean][] = []) {
  const sim = new Simulator();
  const counters = new Counters();
  const onHostUp = (id: number, up: boolean): void => void machines.push([id, up]);
  const network = new BackboneNetwork(triangle, { hostsPerPop: [1, 1, 1], intraPopLatencyUs: 10, nicBandwidthBps: 1e9, pathCacheBytesMax: 1 << 20 });
  const runtime = new SimRuntime({ sim, network, seed, counters, bootstrapCount: 1, stack: (ctx) => new Map([['idle', new Idle()]]), onHostUp });
  runtime.startAll();
  const injector = new FaultInjector({ sim, seed, runtime, network, backbone: network, counters });
  return { sim, counters, network, runtime, injector };
}

describe('FaultInjector', () => {
  it('takes a link down at its time and brings it back after its duration', () => {
    const { sim, network, injector } = world();
    injector.schedule([{ kind: 'links-down', atUs: 100, durationUs: 50, links: [0] }]);
    sim.run({ endUs: 99, eventsMax: 100 });
    expect(network.latencyUs(0, 1)).toBe(1010);
    sim.run({ endUs: 120, eventsMax: 100 });
    expect(network.latencyUs(0, 1)).toBe(4010); // around through C
    sim.run({ endUs: 200, eventsMax: 100 });
    expect(network.latencyUs(0, 1)).toBe(1010);
  });

  it('crashes the hosts of a crashed PoP and restarts them with fresh state when it recovers', () => {
    const { sim, runtime, injector } = world();
    const before = runtime.protocolOf(1, 'idle');
    injector.schedule([{ kind: 'pops-down', atUs: 10, durationUs: 10, pops: [1] }]);
    sim.run({ endUs: 15, eventsMax: 100 });
    expect(runtime.isUp(1)).toBe(false);
    sim.run({ endUs: 30, eventsMax: 100 });
    expect(runtime.isUp(1)).toBe(true);
    expect(runtime.protocolOf(1, 'idle')).not.toBe(before);
  });

  it('an agent crash restarts the host protocols and leaves its machine up; a host crash meanwhile takes the machine, which comes back before the agent', () => {
    const machines: [number, boolean][] = [];
    const { sim, runtime, injector } = world(1, machines);
    const before = runtime.protocolOf(1, 'idle');
    injector.schedule([
      { kind: 'agents-down', atUs: 10, durationUs: 10, hosts: [1] },
      { kind: 'agents-down', atUs: 100, durationUs: 100, hosts: [2] },
      { kind: 'hosts-down', atUs: 120, durationUs: 20, hosts: [2] },
    ]);
    sim.run({ endUs: 15, eventsMax: 100 });
    expect(runtime.isUp(1)).toBe(false);
    sim.run({ endUs: 30, eventsMax: 100 });
    expect(runtime.isUp(1)).toBe(true);
    expect(runtime.protocolOf(1, 'idle')).not.toBe(before);
    expect(machines).toEqual([]); // the machine never went down
    sim.run({ endUs: 150, eventsMax: 100 });
    expect(machines).toEqual([[2, false], [2, true]]);
    expect(runtime.isUp(2)).toBe(false); // its agent is still down
    sim.run({ endUs: 250, eventsMax: 100 });
    expect(runtime.isUp(2)).toBe(true);
    expect(machines).toEqual([[2, false], [2, true]]);
  });

  it('keeps a host down while any of two overlapping faults holds it', () => {
    const { sim, runtime, injector } = world();
    injector.schedule([
      { kind: 'hosts-down', atUs: 10, durationUs: 100, hosts: [2] },
      { kind: 'pops-down', atUs: 50, durationUs: 10, pops: [2] },
    ]);
    sim.run({ endUs: 70, eventsMax: 100 });
    expect(runtime.isUp(2)).toBe(false); // the PoP is back, the host fault still holds
    sim.run({ endUs: 200, eventsMax: 100 });
    expect(runtime.isUp(2)).toBe(true);
  });

  it('draws stochastic failures and repairs from the seed: same seed, same history', () => {
    const history = (seed: number): number[] => {
      const { sim, counters, injector } = world(seed);
      const stochastic: Fault = { kind: 'stochastic', target: 'links', mttfUs: 1_000_000, mttrUs: 100_000, streamName: 'faults[0]' };
      injector.schedule([stochastic]);
      const downs: number[] = [];
      for (let t = 1; t <= 20; t++) {
        sim.run({ endUs: t * 1_000_000, eventsMax: 1_000_000 });
        downs.push(counters.get('faults.link_down'));
      }
      return downs;
    };
    const a = history(3);
    expect(a).toEqual(history(3));
    expect(a).not.toEqual(history(4));
    // 3 links, mean 1.1 s per cycle, 20 s: about 55 failures.
    expect(a[19]).toBeGreaterThan(30);
    expect(a[19]).toBeLessThan(80);
  });
});

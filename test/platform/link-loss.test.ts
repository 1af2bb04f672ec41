import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/kernel/simulator.js';
import { BackboneNetwork } from '../../src/platform/network.js';
import type { Backbone } from '../../src/platform/types.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import type { Protocol } from '../../src/runtime/context.js';
import { FaultInjector } from '../../src/faults/fault-injector.js';

// A path A-B-C, one host per PoP.
const line: Backbone = {
  name: 'line',
  pops: ['A', 'B', 'C'].map((name) => ({ name, latitude: NaN, longitude: NaN, country: '' })),
  links: [
    { a: 0, b: 1, latencyUs: 1000, bandwidthBps: 1e10 },
    { a: 1, b: 2, latencyUs: 1000, bandwidthBps: 1e10 },
  ],
};

class Idle implements Protocol {
  onStart(): void {}
  onMessage(): void {}
}

function world(seed: number) {
  const sim = new Simulator();
  const counters = new Counters();
  const network = new BackboneNetwork(line, { hostsPerPop: [1, 1, 1], intraPopLatencyUs: 10, nicBandwidthBps: 1e9, pathCacheBytesMax: 1 << 20 });
  const runtime = new SimRuntime({ sim, network, seed, counters, bootstrapCount: 1, stack: () => new Map([['idle', new Idle()]]) });
  runtime.startAll();
  const injector = new FaultInjector({ sim, seed, runtime, network, backbone: network, counters });
  return { sim, counters, network, injector };
}

/** Share of 10,000 deliveries from host a to host b refused now. */
function lostShare(network: BackboneNetwork, a: number, b: number): number {
  let lost = 0;
  for (let k = 0; k < 10_000; k++) if (network.deliveryUs(a, b, 100) < 0) lost++;
  return lost / 10_000;
}

describe('message-loss windows', () => {
  it('drop about 30% of messages crossing link A-B while open, none before or after, and none on B-C', () => {
    const { sim, counters, network, injector } = world(1);
    injector.schedule([{ kind: 'links-lossy', atUs: 100, durationUs: 50, links: [0], lossProbability: 0.3 }]);
    expect(lostShare(network, 0, 2)).toBe(0);
    sim.run({ endUs: 120, eventsMax: 10 });
    const share = lostShare(network, 0, 2);
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.32);
    expect(lostShare(network, 1, 2)).toBe(0);
    expect(counters.get('faults.loss_dropped')).toBe(Math.round(share * 10_000));
    sim.run({ endUs: 200, eventsMax: 10 });
    expect(lostShare(network, 0, 2)).toBe(0);
  });

  it('stack as independent windows: 50% twice on one link loses 75%', () => {
    const { sim, network, injector } = world(2);
    injector.schedule([
      { kind: 'links-lossy', atUs: 10, durationUs: 100, links: [1], lossProbability: 0.5 },
      { kind: 'links-lossy', atUs: 20, durationUs: 100, links: [1], lossProbability: 0.5 },
    ]);
    sim.run({ endUs: 30, eventsMax: 10 });
    const share = lostShare(network, 2, 0);
    expect(share).toBeGreaterThan(0.73);
    expect(share).toBeLessThan(0.77);
  });

  it('draw the same losses from the same seed and others from another seed', () => {
    const pattern = (seed: number): string => {
      const { sim, network, injector } = world(seed);
      injector.schedule([{ kind: 'links-lossy', atUs: 0, durationUs: null, links: [0], lossProbability: 0.5 }]);
      sim.run({ endUs: 1, eventsMax: 10 });
      return Array.from({ length: 64 }, () => (network.deliveryUs(0, 1, 10) < 0 ? 'x' : '.')).join('');
    };
    expect(pattern(3)).toBe(pattern(3));
    expect(pattern(3)).not.toBe(pattern(4));
  });
});

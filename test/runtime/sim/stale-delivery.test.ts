import { describe, expect, it } from 'vitest';
import { Simulator } from '../../../src/kernel/simulator.js';
import { BackboneNetwork } from '../../../src/platform/network.js';
import { Counters } from '../../../src/runtime/counters.js';
import { SimRuntime } from '../../../src/runtime/sim/sim-runtime.js';
import type { NodeContext, NodeId, Protocol } from '../../../src/runtime/context.js';

class Recorder implements Protocol {
  constructor(
    private readonly ctx: NodeContext,
    private readonly got: [NodeId, number][],
  ) {}
  onStart(): void {}
  onMessage(): void {
    this.got.push([this.ctx.id, this.ctx.nowMs()]);
  }
  send(to: NodeId): void {
    this.ctx.send(to, { type: 'ping' }, 10);
  }
}

// Two PoPs 1 ms apart, one host each.
function world() {
  const sim = new Simulator();
  const counters = new Counters();
  const backbone = { name: 'pair', pops: ['A', 'B'].map((name) => ({ name, latitude: NaN, longitude: NaN, country: '' })), links: [{ a: 0, b: 1, latencyUs: 1000, bandwidthBps: 1e10 }] };
  const network = new BackboneNetwork(backbone, { hostsPerPop: [1, 1], intraPopLatencyUs: 0, nicBandwidthBps: 1e12, pathCacheBytesMax: 1 << 20 });
  const got: [NodeId, number][] = [];
  const runtime = new SimRuntime({ sim, network, seed: 1, counters, bootstrapCount: 1, stack: (contextFor) => new Map([['rec', new Recorder(contextFor('rec'), got)]]) });
  runtime.startAll();
  const sender = () => runtime.protocolOf<Recorder>(0, 'rec') as Recorder;
  return { sim, counters, runtime, got, sender };
}

describe('SimRuntime deliveries across a crash', () => {
  it('drops a message sent to a running node that crashed and recovered before it arrived (1 ms flight, down 0.2 ms)', () => {
    const { sim, counters, runtime, got, sender } = world();
    const seen: [number, number][] = [];
    runtime.onHandle = (node, incarnation) => seen.push([node, incarnation - runtime.incarnationOf(node)]);
    sender().send(1);
    sim.at(500, () => runtime.crashNode(1));
    sim.at(700, () => runtime.recoverNode(1));
    sim.run({ endUs: 10_000, eventsMax: 100 });
    expect(got).toEqual([]);
    expect(seen).toEqual([]);
    expect(counters.get('messages.lost')).toBe(1);
  });

  it('delivers to the incarnation it was sent to, and a message sent while the receiver was down to whoever is up at arrival', () => {
    const { sim, runtime, got, sender } = world();
    const seen: number[] = [];
    runtime.onHandle = (node, incarnation) => seen.push(incarnation - runtime.incarnationOf(node));
    sender().send(1);
    sim.at(2000, () => runtime.crashNode(1));
    sim.at(2100, () => sender().send(1));
    sim.at(2500, () => runtime.recoverNode(1));
    sim.run({ endUs: 10_000, eventsMax: 100 });
    expect(got).toEqual([
      [1, 1],
      [1, 3.1],
    ]);
    expect(seen).toEqual([0]); // the second was sent to a down node: no incarnation to check
  });
});

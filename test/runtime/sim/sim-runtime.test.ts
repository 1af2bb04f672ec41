import { describe, expect, it } from 'vitest';
import { Simulator } from '../../../src/kernel/simulator.js';
import { MatrixNetwork } from '../../../src/platform/network.js';
import { Counters } from '../../../src/runtime/counters.js';
import { SimRuntime } from '../../../src/runtime/sim/sim-runtime.js';
import type { Message, NodeContext, NodeId, Protocol } from '../../../src/runtime/context.js';

interface Ping extends Message {
  readonly type: 'ping' | 'pong';
  readonly sentMs: number;
}

/** Node 0 pings node 1 every 10 ms; node 1 answers; node 0 records the RTTs it measures. */
class PingPong implements Protocol {
  readonly rttsMs: number[] = [];
  starts = 0;
  constructor(private readonly ctx: NodeContext) {}
  onStart(): void {
    this.starts++;
    if (this.ctx.id === 0) this.tick();
  }
  private tick(): void {
    this.ctx.send(1, { type: 'ping', sentMs: this.ctx.nowMs() } as Ping, 100);
    this.ctx.setTimer(10, () => this.tick());
  }
  onMessage(from: NodeId, message: Message): void {
    const m = message as Ping;
    if (m.type === 'ping') this.ctx.send(from, { type: 'pong', sentMs: m.sentMs } as Ping, 100);
    else this.rttsMs.push(this.ctx.nowMs() - m.sentMs);
  }
}

function world() {
  const sim = new Simulator();
  const counters = new Counters();
  // 2 hosts with a 4 ms RTT; 100 bytes at 1 Gb/s add 0.8 us each way.
  const network = new MatrixNetwork({ name: 't', n: 2, labels: ['a', 'b'], rttUs: new Float64Array([0, 4000, 4000, 0]) }, 1e9);
  const runtime = new SimRuntime({
    sim,
    network,
    seed: 1,
    counters,
    bootstrapCount: 1,
    stack: (contextFor) => new Map([['pp', new PingPong(contextFor('pp'))]]),
  });
  return { sim, counters, runtime };
}

describe('SimRuntime', () => {
  it('delivers after path latency plus size/bandwidth: RTT 4 ms + 2 x 1 us', () => {
    const { sim, runtime, counters } = world();
    runtime.startAll();
    sim.run({ endUs: 35_000, eventsMax: 1000 });
    const pp = runtime.protocolOf<PingPong>(0, 'pp')!;
    expect(pp.rttsMs.length).toBe(4);
    for (const rtt of pp.rttsMs) expect(rtt).toBeCloseTo(4.002, 9);
    expect(counters.get('messages.sent')).toBe(8); // pings at 0, 10, 20, 30 ms and their pongs
    expect(counters.get('pp.bytes.sent')).toBe(100 * counters.get('pp.messages.sent'));
  });

  it('loses messages to a crashed node and stops the crashed node\'s timers', () => {
    const { sim, runtime, counters } = world();
    runtime.startAll();
    sim.run({ endUs: 15_000, eventsMax: 1000 });
    runtime.crashNode(1);
    sim.run({ endUs: 45_000, eventsMax: 1000 });
    expect(counters.get('messages.lost')).toBeGreaterThan(0);
    expect(runtime.protocolOf(1, 'pp')).toBeUndefined();
    runtime.crashNode(0);
    const sentAtCrash = counters.get('messages.sent');
    sim.run({ endUs: 100_000, eventsMax: 1000 });
    expect(counters.get('messages.sent')).toBe(sentAtCrash); // no timer of node 0 fires any more
  });

  it('restarts a recovered node with fresh state', () => {
    const { sim, runtime } = world();
    runtime.startAll();
    sim.run({ endUs: 25_000, eventsMax: 1000 });
    const before = runtime.protocolOf<PingPong>(0, 'pp')!;
    expect(before.rttsMs.length).toBeGreaterThan(0);
    runtime.crashNode(0);
    runtime.recoverNode(0);
    const after = runtime.protocolOf<PingPong>(0, 'pp')!;
    expect(after).not.toBe(before);
    expect(after.rttsMs).toEqual([]);
    expect(after.starts).toBe(1);
    sim.run({ endUs: 40_000, eventsMax: 1000 });
    expect(after.rttsMs.length).toBeGreaterThan(0);
  });

  it('retires the running incarnation when a node is started again: its timers die and it cannot send', () => {
    const { sim, runtime, counters } = world();
    runtime.startAll();
    const first = runtime.protocolOf<PingPong>(0, 'pp')!;
    runtime.startAll(); // node 0 now runs a second incarnation; the first one's 10 ms timer must not tick on
    sim.run({ endUs: 35_000, eventsMax: 1000 });
    expect(runtime.protocolOf<PingPong>(0, 'pp')).not.toBe(first);
    // One ping and its pong per tick of the live incarnation only (0, 10, 20, 30 ms), plus the first's
    // ping sent at its start, unanswered: it was for node 1's first incarnation, replaced before it arrived.
    expect(counters.get('messages.sent')).toBe(2 * 4 + 1);
    const sent = counters.get('messages.sent');
    (first as unknown as { tick(): void }).tick(); // a handler of the old incarnation runs anyway: nothing goes out
    expect(counters.get('messages.sent')).toBe(sent);
  });
});

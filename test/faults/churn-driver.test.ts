import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/kernel/simulator.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import type { NodeContext, Protocol } from '../../src/runtime/context.js';
import { ChurnDriver, type ChurnPlan, startingDown } from '../../src/faults/churn-driver.js';

const N = 4;

/** Sends one hello to every other host at start: a host that never runs says nothing. */
class Hello implements Protocol {
  constructor(
    private readonly ctx: NodeContext,
    private readonly started: number[],
    private readonly heard: number[],
  ) {}
  onStart(): void {
    this.started[this.ctx.id]++;
    for (let to = 0; to < N; to++) if (to !== this.ctx.id) this.ctx.send(to, { type: 'hello' }, 10);
  }
  onMessage(from: number): void {
    this.heard[from]++;
  }
}

function world(plan: ChurnPlan) {
  const sim = new Simulator();
  const counters = new Counters();
  const rttUs = new Float64Array(N * N).map((_, k) => (Math.floor(k / N) === k % N ? 0 : 2000));
  const network = new MatrixNetwork({ name: 'four', n: N, labels: ['a', 'b', 'c', 'd'], rttUs }, 1e9);
  const started = new Array<number>(N).fill(0);
  const heard = new Array<number>(N).fill(0);
  const stack = startingDown((contextFor) => {
    const ctx = contextFor('hello');
    return new Map([['hello', new Hello(ctx, started, heard)]]);
  }, plan.startDown);
  const runtime = new SimRuntime({ sim, network, seed: 1, stack, bootstrapCount: 1, counters });
  const driver = new ChurnDriver({ sim, runtime, counters }, plan);
  // Every up/down transition, at the virtual time it happens.
  const transitions: string[] = [];
  const wasUp = new Array<boolean>(N).fill(false);
  const observe = (): void => {
    for (let id = 0; id < N; id++) {
      if (runtime.isUp(id) !== wasUp[id]) transitions.push(`${sim.nowUs()} ${id} ${runtime.isUp(id) ? 'up' : 'down'}`);
      wasUp[id] = runtime.isUp(id);
    }
  };
  sim.afterEvent = observe;
  return { sim, counters, runtime, driver, started, heard, transitions, observe };
}

const PLAN: ChurnPlan = {
  pool: [1, 2, 3],
  startDown: [2],
  steps: [
    { timeMs: 1000, node: 2, kind: 'join' },
    { timeMs: 1500.25, node: 1, kind: 'leave' },
    { timeMs: 2500.001, node: 1, kind: 'join' },
    { timeMs: 2500.001, node: 2, kind: 'leave' },
    { timeMs: 4000, node: 3, kind: 'leave' },
  ],
  skippedJoins: 0,
};

describe('ChurnDriver', () => {
  it('keeps the hosts that start down silent and down from time 0, before any event runs', () => {
    const { runtime, driver, started, heard, sim } = world(PLAN);
    runtime.startAll();
    driver.start();
    expect([0, 1, 2, 3].map((id) => runtime.isUp(id))).toEqual([true, true, false, true]);
    sim.run({ endUs: 999_999, eventsMax: 1000 });
    expect(started).toEqual([1, 1, 0, 1]); // host 2 never started its protocols
    expect(heard[2]).toBe(0); // so nobody heard from it
    expect(heard[0]).toBeGreaterThan(0);
  });

  it('applies exactly the schedule: each host goes up or down at its step time, to the microsecond', () => {
    const { runtime, driver, sim, transitions, observe, counters } = world(PLAN);
    runtime.startAll();
    driver.start();
    observe();
    transitions.length = 0;
    sim.run({ endUs: 10_000_000, eventsMax: 10_000 });
    expect(transitions).toEqual(['1000000 2 up', '1500250 1 down', '2500001 1 up', '2500001 2 down', '4000000 3 down']);
    expect(counters.get('churn.joins')).toBe(2);
    expect(counters.get('churn.leaves')).toBe(3);
    expect(counters.get('nodes.crashes')).toBe(4); // the 3 leaves and host 2 starting down
  });

  it('restarts a joining host with fresh protocols (its first start, for a host that started down)', () => {
    const { runtime, driver, sim, started } = world(PLAN);
    runtime.startAll();
    driver.start();
    sim.run({ endUs: 3_000_000, eventsMax: 10_000 });
    expect(started).toEqual([1, 2, 1, 1]);
  });

  it('counts joins and leaves from 0 even before the first one', () => {
    const { runtime, driver, counters } = world({ pool: [1], startDown: [], steps: [], skippedJoins: 0 });
    runtime.startAll();
    driver.start();
    expect(counters.entries()).toEqual(expect.arrayContaining([['churn.joins', 0], ['churn.leaves', 0]]));
  });

  it('refuses a step that contradicts the host state (a leave of a host already down): a bug, not a silent skip', () => {
    const { runtime, driver, sim } = world({ pool: [1, 2], startDown: [2], steps: [{ timeMs: 5, node: 2, kind: 'leave' }], skippedJoins: 0 });
    runtime.startAll();
    driver.start();
    expect(() => sim.run({ endUs: 10_000, eventsMax: 100 })).toThrow(/host 2 leaves at 5 ms but is down/);
  });
});

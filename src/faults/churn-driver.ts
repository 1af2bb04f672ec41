/**
 * Applies a churn plan to the simulated world: hosts that start down are crashed before any
 * event runs (and never ran: `startingDown` gives them no protocols on their first start), then
 * every leave crashes its host and every join recovers it with fresh state, at the plan's
 * virtual times. Joins and leaves are counted (`churn.joins`, `churn.leaves`).
 *
 * The plan is drawn elsewhere (scenario/churn-plan.ts, with the churn model of actors/), so this
 * layer sees only times and hosts. It sits beside the fault injector because it acts on the same
 * world the same way; hosts that churn must not also be taken down by host or PoP faults (the
 * scenario rejects the overlap), since both would decide when the host is up.
 */
import type { Simulator } from '../kernel/simulator.js';
import { msToUs } from '../kernel/time.js';
import type { CounterCell, Counters } from '../runtime/counters.js';
import type { NodeId, Protocol, StackBuilder } from '../runtime/context.js';
import type { SimRuntime } from '../runtime/sim/sim-runtime.js';

export interface ChurnStep {
  /** Virtual time of the change, in ms from the start of the run (whole microseconds). */
  readonly timeMs: number;
  readonly node: NodeId;
  readonly kind: 'join' | 'leave';
}

export interface ChurnPlan {
  /** Hosts that churn (the others stay up). */
  readonly pool: readonly NodeId[];
  /** Members of the pool down from time 0 until their first join. */
  readonly startDown: readonly NodeId[];
  /** Joins and leaves in time order, each host alternating (a leave only while up). */
  readonly steps: readonly ChurnStep[];
  /** Joins drawn while every host of the pool was up (nothing to bring up). */
  readonly skippedJoins: number;
}

export interface ChurnWorld {
  readonly sim: Simulator;
  readonly runtime: SimRuntime;
  readonly counters: Counters;
}

const NO_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map();

/**
 * Wraps a stack so that the listed hosts get no protocols on their first start: they send
 * nothing before the driver crashes them at time 0. Their later starts (joins) build the stack
 * as usual. The protocols of that first start are built (to learn the host) and dropped unstarted.
 */
export function startingDown(stack: StackBuilder, nodes: readonly NodeId[]): StackBuilder {
  const pending = new Set(nodes);
  return (contextFor) => {
    let id = -1;
    const protocols = stack((name) => {
      const ctx = contextFor(name);
      id = ctx.id;
      return ctx;
    });
    if (!pending.delete(id)) return protocols;
    return NO_PROTOCOLS;
  };
}

export class ChurnDriver {
  private readonly joins: CounterCell;
  private readonly leaves: CounterCell;

  constructor(
    private readonly world: ChurnWorld,
    private readonly plan: ChurnPlan,
  ) {
    this.joins = world.counters.cell('churn.joins');
    this.leaves = world.counters.cell('churn.leaves');
  }

  /**
   * Call once the runtime has started every host, before the first event: crashes the hosts that
   * start down and schedules every step.
   */
  start(): void {
    const { sim, runtime } = this.world;
    if (sim.nowUs() !== 0) throw new Error(`ChurnDriver.start: expected virtual time 0, got ${sim.nowUs()} us`);
    for (const node of this.plan.startDown) runtime.crashNode(node);
    for (const step of this.plan.steps) sim.at(msToUs(step.timeMs), () => this.apply(step));
  }

  private apply(step: ChurnStep): void {
    const { runtime } = this.world;
    const up = runtime.isUp(step.node);
    if (step.kind === 'leave') {
      if (!up) throw new Error(`churn: host ${step.node} leaves at ${step.timeMs} ms but is down`);
      runtime.crashNode(step.node);
      this.leaves.value++;
    } else {
      if (up) throw new Error(`churn: host ${step.node} joins at ${step.timeMs} ms but is up`);
      runtime.recoverNode(step.node);
      this.joins.value++;
    }
  }
}

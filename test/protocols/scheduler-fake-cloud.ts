/**
 * Worlds for the tests of the baseline VM schedulers (centralised, Snooze): the lead's
 * `CloudWorld` (real kernel, SimRuntime, Cloud and SimHypervisors, one PoP) running one
 * scheduler stack, every VM at a base load, plus what the tests read back: each node's logged
 * rounds, and a fingerprint of a run for determinism checks.
 */
import { msToUs } from '../../src/kernel/time.js';
import type { Protocol, StackBuilder } from '../../src/runtime/context.js';
import type { SchedulerProtocol, SchedulingOutcome } from '../../src/protocols/scheduling-outcome.js';
import type { MigrationModel } from '../../src/runtime/sim/sim-hypervisor.js';
import { CloudWorld } from '../support/cloud-world.js';

/** 10 VMs of 1 vCPU per 8-core host at 40%: 4 cores of demand, half the capacity. */
export const VMS_PER_HOST = 10;
export const BASE_LOAD_PERCENT = 40;

export interface LoggedRound extends SchedulingOutcome {
  readonly node: number;
}

export class SchedulerWorld {
  readonly world: CloudWorld;
  readonly rounds: LoggedRound[] = [];

  constructor(
    readonly hosts: number,
    readonly seed: number,
    stack: StackBuilder,
    private readonly protocolName: string,
    migration?: Partial<MigrationModel>,
  ) {
    this.world = new CloudWorld({ hosts, vmsPerHost: VMS_PER_HOST, seed, stack, migration });
    this.world.loadAll(BASE_LOAD_PERCENT);
  }

  protocol<P extends Protocol>(id: number): P | undefined {
    return this.world.runtime.protocolOf<P>(id, this.protocolName);
  }

  nowMs(): number {
    return this.world.sim.nowUs() / 1000;
  }

  runUntilMs(ms: number): void {
    this.world.sim.run({ endUs: msToUs(ms), eventsMax: 20_000_000 });
    this.drain();
  }

  /** Collect the rounds every live node logged since the last drain (also done by `runUntilMs`). */
  drain(): void {
    for (let id = 0; id < this.hosts; id++) {
      const p = this.protocol<Protocol & SchedulerProtocol>(id);
      if (p !== undefined) for (const o of p.drainSchedulingOutcomes()) this.rounds.push({ ...o, node: id });
    }
    this.rounds.sort((a, b) => a.startMs - b.startMs || a.node - b.node);
  }

  /** Everything a run decided, as text: migrations, rounds, counters. */
  fingerprint(): string {
    return JSON.stringify({ migrations: this.world.migrations, rounds: this.rounds, counters: this.world.counters.entries() });
  }
}

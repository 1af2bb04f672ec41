/** A CAN network over a static plane RTT matrix for the can tests, with the checks they share. */
import { Simulator } from '../../src/kernel/simulator.js';
import { msToUs } from '../../src/kernel/time.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { CAN, type CanConfig, type CanLookupOutcome, type CanProtocol, type Zone, canStack, defaultCanConfig, zoneArea, zonesHold, zonesOverlap } from '../../src/protocols/can/index.js';
import { planeMatrix } from './matrix.js';

export const FAST: CanConfig = { ...defaultCanConfig, joinStaggerMs: 200, refreshPeriodMs: 2000, neighbourTimeoutMs: 7000, lookupPeriodMs: 500, lookupTimeoutMs: 5000 };

export interface Held {
  readonly id: number;
  readonly zones: readonly Zone[];
}

export type JudgedOutcome = CanLookupOutcome & { node: number; trueOwner: number };

export class CanNet {
  readonly sim = new Simulator();
  readonly counters = new Counters();
  readonly runtime: SimRuntime;
  constructor(
    readonly n: number,
    seed: number,
    config: CanConfig,
  ) {
    this.runtime = new SimRuntime({ sim: this.sim, network: new MatrixNetwork(planeMatrix(n, seed), 1e9), seed, stack: canStack(config), bootstrapCount: 4, counters: this.counters });
    this.runtime.startAll();
  }
  can(id: number): CanProtocol | undefined {
    return this.runtime.protocolOf<CanProtocol>(id, CAN);
  }
  /** The zones held by every live joined node, by node id. */
  held(): Held[] {
    const out: Held[] = [];
    for (let id = 0; id < this.n; id++) {
      const zones = this.can(id)?.heldZones() ?? [];
      if (zones.length > 0) out.push({ id, zones });
    }
    return out;
  }
  run(untilMs: number): void {
    this.sim.run({ endUs: msToUs(untilMs), eventsMax: this.sim.eventsProcessed + 20_000_000 });
  }
  get nowMs(): number {
    return this.sim.nowUs() / 1000;
  }
  /** Outcomes since the last drain, with the live node holding each point now (-1: nobody). */
  drain(): JudgedOutcome[] {
    const held = this.held();
    const out: JudgedOutcome[] = [];
    for (let id = 0; id < this.n; id++) {
      for (const o of this.can(id)?.drainLookups() ?? []) out.push({ ...o, node: id, trueOwner: held.find((h) => zonesHold(h.zones, o.x, o.y))?.id ?? -1 });
    }
    return out;
  }
}

/** What keeps the held zones from tiling the unit square exactly (empty when they do): area other than 1, overlaps. */
export function tilingProblems(held: readonly Held[]): string[] {
  const all = held.flatMap((h) => h.zones.map((zone) => ({ id: h.id, zone })));
  const problems: string[] = [];
  const area = all.reduce((s, z) => s + zoneArea(z.zone), 0);
  if (area !== 1) problems.push(`area ${area}`);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (zonesOverlap(all[i].zone, all[j].zone)) problems.push(`${all[i].id} and ${all[j].id} overlap at ${JSON.stringify(all[j].zone)}`);
    }
  }
  return problems;
}

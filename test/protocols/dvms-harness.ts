/**
 * DVMS on a small simulated cloud (test/support/cloud-world.ts: the real kernel, SimRuntime,
 * Cloud and SimHypervisors), over a static overlay: a ring in node-id order (successor list of
 * three, then fingers at +4, +8, ...) and coordinates on a plane for the locality variant.
 */
import { msToUs } from '../../src/kernel/time.js';
import type { NodeId } from '../../src/runtime/context.js';
import { DVMS, type DvmsConfig, type DvmsOverlay, DvmsProtocol, type PartitionInfo, defaultDvmsConfig } from '../../src/protocols/dvms/index.js';
import type { SchedulingOutcome } from '../../src/protocols/scheduling-outcome.js';
import type { MigrationModel } from '../../src/runtime/sim/sim-hypervisor.js';
import { CloudWorld } from '../support/cloud-world.js';

/** A fixed ring over node ids and points on a plane (RTT estimate = 2 x distance + 1 ms). */
export class StaticOverlay implements DvmsOverlay {
  constructor(
    private readonly id: NodeId,
    private readonly n: number,
    private readonly points: readonly (readonly [number, number])[],
  ) {}

  successor(): NodeId | undefined {
    return this.n > 1 ? (this.id + 1) % this.n : undefined;
  }

  neighbours(): readonly NodeId[] {
    const out: NodeId[] = [];
    const add = (k: number): void => {
      const node = (this.id + k) % this.n;
      if (node !== this.id && !out.includes(node)) out.push(node);
    };
    for (let k = 1; k <= 3; k++) add(k);
    for (let k = 4; k < this.n; k *= 2) add(k);
    return out;
  }

  estimateRttMs(peer: NodeId): number | undefined {
    const a = this.points[this.id];
    const b = this.points[peer];
    return 2 * Math.hypot(a[0] - b[0], a[1] - b[1]) + 1;
  }

  candidates(): readonly NodeId[] {
    return Array.from({ length: this.n }, (_, k) => k).filter((k) => k !== this.id);
  }
}

export interface DvmsWorldOptions {
  readonly hosts: number;
  readonly seed?: number;
  /** 1-vCPU VMs per host, placed round robin (10 as in VMPlaceS); hosts have 8 cores. */
  readonly vmsPerHost?: number;
  readonly config?: Partial<DvmsConfig>;
  /** Node positions for the locality variant's RTT estimates (default: on a line, in id order). */
  readonly points?: readonly (readonly [number, number])[];
  /** PoPs on a line, 2 ms apart, hosts spread evenly in id order (default 1). */
  readonly pops?: number;
  /** Drive the VMPlaceS load changes (rate VMs / 300 s) until this time. */
  readonly loadsUntilS?: number;
  /** The hypervisors' migration model (default: test/support/cloud-world.ts's `TEST_MIGRATION`). */
  readonly migration?: Partial<MigrationModel>;
  /** Cores of every host (default 8). */
  readonly hostCores?: number;
  /** The VE of each initial VM (default: none); the constraints and VE sizes go in `config`. */
  readonly veOf?: (vm: number) => number;
}

export interface LoggedOutcome extends SchedulingOutcome {
  readonly node: number;
}

export class DvmsWorld {
  readonly world: CloudWorld;
  readonly config: DvmsConfig;
  readonly outcomes: LoggedOutcome[] = [];

  constructor(readonly options: DvmsWorldOptions) {
    const config: DvmsConfig = { ...defaultDvmsConfig, ...options.config };
    this.config = config;
    const n = options.hosts;
    const points = options.points ?? Array.from({ length: n }, (_, k) => [k, 0] as const);
    this.world = new CloudWorld({
      hosts: n,
      vmsPerHost: options.vmsPerHost ?? 10,
      seed: options.seed ?? 1,
      pops: options.pops ?? 1,
      loadsUntilS: options.loadsUntilS,
      migration: options.migration,
      hostCores: options.hostCores,
      veOf: options.veOf,
      stack: (contextFor) => {
        const ctx = contextFor(DVMS);
        return new Map([[DVMS, new DvmsProtocol(ctx, new StaticOverlay(ctx.id, n, points), config)]]);
      },
    });
  }

  get n(): number {
    return this.options.hosts;
  }

  get counters() {
    return this.world.counters;
  }

  count(name: string): number {
    return this.world.counters.get(`dvms.${name}`);
  }

  nowMs(): number {
    return this.world.sim.nowUs() / 1000;
  }

  dvms(id: NodeId): DvmsProtocol | undefined {
    return this.world.runtime.protocolOf<DvmsProtocol>(id, DVMS);
  }

  partitionOf(id: NodeId): PartitionInfo | null {
    return this.dvms(id)?.partition() ?? null;
  }

  /** Nodes up and in a partition. */
  busyNodes(): NodeId[] {
    const out: NodeId[] = [];
    for (let id = 0; id < this.n; id++) if (this.dvms(id)?.isFree() === false) out.push(id);
    return out;
  }

  /** Set each host's CPU demand (cores) over its VMs. */
  load(coresByHost: readonly number[]): void {
    coresByHost.forEach((cores, host) => this.world.loadHost(host, cores));
  }

  /** Drain every live node's outcomes into `outcomes`. */
  drain(): LoggedOutcome[] {
    const now: LoggedOutcome[] = [];
    for (let id = 0; id < this.n; id++) for (const o of this.dvms(id)?.drainSchedulingOutcomes() ?? []) now.push({ ...o, node: id });
    this.outcomes.push(...now);
    return now;
  }

  runUntilMs(ms: number): void {
    this.world.sim.run({ endUs: msToUs(ms), eventsMax: this.world.sim.eventsProcessed + 5_000_000 });
    this.drain();
  }

  /** Run in steps of `stepMs` until `done()` holds (returns true) or `untilMs` passes (false). */
  runUntil(done: () => boolean, untilMs: number, stepMs = 10): boolean {
    while (this.nowMs() < untilMs) {
      this.runUntilMs(Math.min(untilMs, this.nowMs() + stepMs));
      if (done()) return true;
    }
    return false;
  }
}

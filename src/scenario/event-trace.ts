/**
 * The event trace of a run (the scenario's `trace` section): what happened, as it happened,
 * into a bounded `TraceLog`. Hooks only, no change to what runs: migrations from the simulated
 * hypervisors as they end, DVMS partitions read at their leaders after every event that
 * handled a message or timer there (and at every open partition's leader, so a crash closes
 * it), crashes and recoveries from the runtime, VE operations from the lifecycle's observer.
 */
import type { Simulator } from '../kernel/simulator.js';
import { TraceLog, usToS, type TraceRecord } from '../metrics/trace-log.js';
import type { MigrationRecord } from '../runtime/sim/sim-hypervisor.js';
import type { SimRuntime } from '../runtime/sim/sim-runtime.js';
import { serviceInstance } from '../actors/supervisor.js';
import type { DvmsProtocol } from '../protocols/dvms/dvms-protocol.js';
import type { VeResult } from '../protocols/ve/ve-protocol.js';
import type { TraceSection } from './trace-section.js';

/** A partition's stretch of one state and phase at one leader, open until something changes. */
interface OpenStretch {
  readonly key: string;
  readonly record: Omit<PartitionStretch, 'endS' | 'open'>;
}

interface PartitionStretch {
  readonly partition: string;
  readonly leader: string;
  readonly epoch: number;
  readonly state: string;
  readonly phase: string;
  readonly startS: number;
  readonly endS: number;
  readonly members: readonly string[];
  readonly open: boolean;
}

/** Milliseconds (a protocol's clock) as seconds, to the microsecond the kernel keeps. */
function msToS(ms: number): number {
  return usToS(Math.round(ms * 1000));
}

export interface EventTraceInput {
  readonly section: TraceSection;
  readonly sim: Simulator;
  readonly runtime: SimRuntime;
  readonly hostName: (host: number) => string;
  /** The DVMS protocol's name on every node, or null when DVMS does not run. */
  readonly dvms: string | null;
}

export class EventTrace {
  readonly log: TraceLog;
  private readonly open = new Map<number, OpenStretch>();
  private touched = -1;

  constructor(private readonly input: EventTraceInput) {
    this.log = new TraceLog(input.section.kinds, input.section.max);
  }

  /** Installs the runtime's hooks (after any checks a torture run installed: both run). */
  start(): void {
    const { sim, runtime } = this.input;
    if (this.log.wants('crash') || this.log.wants('recovery')) {
      const previous = runtime.onUpChange;
      runtime.onUpChange = (node, up, agent, machine) => {
        previous?.(node, up, agent, machine);
        this.upChanged(node, up, agent, machine);
      };
    }
    if (this.input.dvms !== null && this.log.wants('partition')) {
      const previousHandle = runtime.onHandle;
      runtime.onHandle = (node, incarnation) => {
        previousHandle?.(node, incarnation);
        this.touched = node;
      };
      const previousAfter = sim.afterEvent;
      sim.afterEvent = () => {
        previousAfter?.();
        this.checkPartitions();
      };
    }
  }

  /** A migration ended (told by the simulated hypervisors). */
  readonly migrationEnded = (m: MigrationRecord): void => {
    if (!this.log.wants('migration')) return;
    const { hostName } = this.input;
    this.log.add({
      kind: 'migration',
      vm: m.vm,
      from: hostName(m.from),
      to: hostName(m.to),
      startS: usToS(m.startedUs),
      endS: usToS(m.startedUs + m.durationUs),
      ok: m.ok,
      reason: m.reason,
      bytes: m.bytes,
      downtimeMs: m.downtimeUs / 1000,
      wan: m.wan,
      by: m.by,
    });
  };

  /** A VE operation's answer reached its issuer (the lifecycle's observer). */
  readonly veObserved = (node: number, r: VeResult): void => {
    if (!this.log.wants('ve-op')) return;
    this.log.add({
      kind: 've-op',
      op: r.op,
      ve: r.ve,
      issuer: this.input.hostName(node),
      startS: msToS(r.startMs),
      endS: msToS(r.endMs),
      ok: r.ok,
      reason: r.reason,
      state: r.state,
      members: r.members,
      ...(r.vm >= 0 ? { vm: r.vm, target: r.target >= 0 ? this.input.hostName(r.target) : null } : {}),
    });
  };

  private upChanged(node: number, up: boolean, agent: boolean, machine: boolean): void {
    const what = agent && machine ? 'host' : agent ? 'agent' : 'machine';
    this.log.add({ kind: up ? 'recovery' : 'crash', atS: usToS(this.input.sim.nowUs()), host: this.input.hostName(node), what });
  }

  /** After an event: the partition led by the node it ran at, and every open one (a crash closes its own). */
  private checkPartitions(): void {
    if (this.touched >= 0) {
      this.checkLeader(this.touched);
      this.touched = -1;
    }
    if (this.open.size === 0) return;
    for (const leader of [...this.open.keys()]) this.checkLeader(leader);
  }

  private checkLeader(node: number): void {
    const { runtime, dvms, hostName, sim } = this.input;
    const protocol = runtime.isUp(node) ? serviceInstance<DvmsProtocol>(runtime.protocolOf(node, dvms as string)) : undefined;
    const info = protocol?.partition() ?? null;
    const leading = info !== null && info.role === 'leader' ? info : null;
    const key = leading === null ? '' : `${leading.version.initiator}.${leading.version.seq}|${leading.version.epoch}|${leading.state}|${leading.phase}|${leading.members.join(',')}`;
    const current = this.open.get(node);
    if (current !== undefined && current.key === key) return;
    const nowS = usToS(sim.nowUs());
    if (current !== undefined) {
      this.open.delete(node);
      this.addStretch({ ...current.record, endS: nowS, open: false });
    }
    if (leading === null) return;
    const v = leading.version;
    this.open.set(node, {
      key,
      record: {
        partition: `${hostName(v.initiator)}#${v.seq}`,
        leader: hostName(node),
        epoch: v.epoch,
        state: leading.state,
        phase: leading.phase,
        startS: nowS,
        members: leading.members.map(hostName),
      },
    });
  }

  private addStretch(s: PartitionStretch): void {
    // Fields in a fixed order: times first, the members (the longest) last.
    const record: TraceRecord = { kind: 'partition', partition: s.partition, leader: s.leader, epoch: s.epoch, state: s.state, phase: s.phase, startS: s.startS, endS: s.endS, open: s.open, members: s.members };
    this.log.add(record);
  }

  /** The end of the run: partitions still open are written with their end at `endS` and `open: true`. */
  finish(endS: number): string {
    const leaders = [...this.open.keys()].sort((a, b) => a - b);
    for (const leader of leaders) this.addStretch({ ...(this.open.get(leader) as OpenStretch).record, endS, open: true });
    this.open.clear();
    return this.log.text();
  }
}

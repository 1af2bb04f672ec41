/**
 * "Every partition is eventually released", the liveness of DVMS: every Iterative Scheduling
 * Procedure ends, its partition dissolved (solved or given up) and its nodes free, within a
 * bound. The property is of a partition's identity (initiator, sequence number: it survives
 * merges, leader handovers and epochs), not of a node: under a lasting overload a node is
 * rightly taken by one justified partition after another (each started by a fresh overload
 * seen by a free node), and may be in partitions all the time without any of them being stuck.
 *
 * `PartitionAges` sees, at each observation, the partition every node is in (as the node knows
 * it: a member still following a dissolved partition keeps it alive) and how long each has
 * existed (since the first observation that saw it, so to within one period). `PartitionProbe`
 * records, at each sample, how many nodes are in partitions and the age of the oldest; the
 * `checkInvariants` run option fails a run whose oldest partition is older than `heldMaxS`.
 */
import type { MetricSeries } from '../../metrics/series.js';
import type { DvmsProtocol } from '../../protocols/dvms/dvms-protocol.js';
import type { SimRuntime } from '../../runtime/sim/sim-runtime.js';
import { serviceInstance } from '../../actors/supervisor.js';

export interface OldestPartition {
  readonly initiator: number;
  readonly seq: number;
  /** When it was first observed, in microseconds. */
  readonly sinceUs: number;
  /** The nodes in it now, by increasing id. */
  readonly nodes: readonly number[];
}

export class PartitionAges {
  /** First observation of every partition observed last time, by `initiator:seq`. */
  private firstSeenUs = new Map<string, number>();
  /** Nodes in a partition at the last observation. */
  held = 0;

  constructor(
    private readonly nodeCount: number,
    private readonly protocolName: string,
  ) {}

  /** Observe every node now; returns the oldest partition, null when no node is in one. */
  observe(nowUs: number, runtime: SimRuntime): OldestPartition | null {
    const seen = new Map<string, number>();
    let oldestKey = '';
    let oldestUs = Infinity;
    this.held = 0;
    for (let id = 0; id < this.nodeCount; id++) {
      const version = serviceInstance<DvmsProtocol>(runtime.protocolOf(id, this.protocolName))?.partitionVersion() ?? null; // a supervised service: its current instance
      if (version === null) continue;
      this.held++;
      const key = `${version.initiator}:${version.seq}`;
      if (seen.has(key)) continue;
      const since = this.firstSeenUs.get(key) ?? nowUs;
      seen.set(key, since);
      if (since < oldestUs || (since === oldestUs && key < oldestKey)) {
        oldestUs = since;
        oldestKey = key;
      }
    }
    this.firstSeenUs = seen;
    if (oldestKey === '') return null;
    const nodes: number[] = [];
    for (let id = 0; id < this.nodeCount; id++) {
      const version = serviceInstance<DvmsProtocol>(runtime.protocolOf(id, this.protocolName))?.partitionVersion() ?? null;
      if (version !== null && `${version.initiator}:${version.seq}` === oldestKey) nodes.push(id);
    }
    const [initiator, seq] = oldestKey.split(':').map(Number);
    return { initiator, seq, sinceUs: oldestUs, nodes };
  }
}

export class PartitionProbe {
  private readonly ages: PartitionAges;

  constructor(nodeCount: number, protocolName: string) {
    this.ages = new PartitionAges(nodeCount, protocolName);
  }

  /** Records the metrics; returns the age of the oldest partition now, in seconds (0 if none). */
  record(series: MetricSeries, timeS: number, runtime: SimRuntime): number {
    const nowUs = Math.round(timeS * 1e6);
    const oldest = this.ages.observe(nowUs, runtime);
    const ageS = oldest === null ? 0 : (nowUs - oldest.sinceUs) / 1e6;
    series.record(timeS, 'dvms.nodes_in_partitions', this.ages.held);
    series.record(timeS, 'dvms.partition_held_s_max', ageS);
    return ageS;
  }
}

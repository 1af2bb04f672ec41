/**
 * The failure detector of a live launch. An agent hears its detector's leaves as they are
 * emitted (`DetectorLeaves`, the wrap of `withDetector`) and samples them with its watched
 * neighbours; the launcher judges them with the simulation's `DetectorScore` against what really
 * happened to the agents: an agent process killed at `downAtMs` and started again at `upAtMs` (the
 * launcher's restarts). A leave of a running agent is a false suspicion if the two could reach
 * each other then (always, on loopback; the testbed says, when it cuts links or partitions), and
 * a cut-off leave otherwise, as in simulation.
 *
 * Resolution: a crash's watchers are the agents whose last sample before it listed the crashed
 * agent among their neighbours (the simulation counts them at the crash itself).
 */
import type { FailureDetector } from '../actors/failure-detector.js';
import type { DetectorWrap } from '../agent/detector-stack.js';
import type { MetricSeries } from '../metrics/series.js';
import type { NodeContext, NodeId } from '../runtime/context.js';
import { DetectorScore, recordDetectorScore } from './probes/detector-probe.js';

export interface DetectorLeave {
  readonly peer: NodeId;
  /** ms since the run's epoch. */
  readonly atMs: number;
}

export interface DetectorSample {
  readonly neighbours: readonly NodeId[];
  readonly leaves: readonly DetectorLeave[];
}

/** A live agent's detector leaves since the last sample (the detector itself keeps no log of them). */
export class DetectorLeaves {
  private leaves: DetectorLeave[] = [];
  private detector: FailureDetector | null = null;

  readonly wrap: DetectorWrap = (detector: FailureDetector, ctx: NodeContext) => {
    this.detector = detector;
    detector.subscribe((event) => {
      if (event.kind === 'leave') this.leaves.push({ peer: event.peer, atMs: ctx.nowMs() });
    });
    return detector;
  };

  /** The neighbours watched now and the leaves since the last call; undefined before the stack is built. */
  sample(): DetectorSample | undefined {
    if (this.detector === null) return undefined;
    return { neighbours: [...this.detector.neighbours()], leaves: this.leaves.splice(0) };
  }
}

/** An agent process down from `downAtMs` to `upAtMs` (ms since the epoch; Infinity: never back). */
export interface AgentOutage {
  readonly id: NodeId;
  readonly downAtMs: number;
  readonly upAtMs: number;
}

type Happening = { readonly atMs: number; readonly order: number; readonly apply: () => void };

/** Scores the agents' leaves tick by tick against the outages, with the simulation's metric names. */
export class LiveDetectorTally {
  private readonly score: DetectorScore;
  private readonly outages: AgentOutage[];
  private crashesApplied = 0;
  private recoveriesApplied = 0;
  private readonly recoveries: AgentOutage[];
  private readonly lastNeighbours: (readonly NodeId[] | undefined)[];

  constructor(
    agents: number,
    timeoutMs: number,
    outages: readonly AgentOutage[],
    private readonly reachable: (watcher: NodeId, peer: NodeId, atMs: number) => boolean = () => true,
  ) {
    this.score = new DetectorScore(timeoutMs);
    this.outages = [...outages].sort((a, b) => a.downAtMs - b.downAtMs || a.id - b.id);
    this.recoveries = [...outages].sort((a, b) => a.upAtMs - b.upAtMs || a.id - b.id);
    this.lastNeighbours = new Array<readonly NodeId[] | undefined>(agents).fill(undefined);
  }

  /** Applies the crashes, recoveries and leaves up to tick `tickS` in time order, then records. */
  record(series: MetricSeries, tickS: number, byId: readonly ({ readonly detector?: DetectorSample } | undefined)[]): void {
    const endMs = tickS * 1000;
    const happenings: Happening[] = [];
    // At one instant: a recovery, then a crash (before the samples that may follow it), then leaves.
    for (; this.recoveriesApplied < this.recoveries.length && this.recoveries[this.recoveriesApplied].upAtMs <= endMs; this.recoveriesApplied++) {
      const { id, upAtMs } = this.recoveries[this.recoveriesApplied];
      happenings.push({ atMs: upAtMs, order: 0, apply: () => this.score.recovered(id, upAtMs) });
    }
    for (; this.crashesApplied < this.outages.length && this.outages[this.crashesApplied].downAtMs <= endMs; this.crashesApplied++) {
      const { id, downAtMs } = this.outages[this.crashesApplied];
      const watchers = this.lastNeighbours.filter((neighbours, watcher) => watcher !== id && neighbours?.includes(id) === true).length;
      happenings.push({ atMs: downAtMs, order: 1, apply: () => this.score.crashed(id, downAtMs, watchers) });
    }
    byId.forEach((sample, watcher) => {
      for (const leave of sample?.detector?.leaves ?? []) happenings.push({ atMs: leave.atMs, order: 2, apply: () => this.score.leave(leave.peer, leave.atMs, this.reachable(watcher, leave.peer, leave.atMs)) });
    });
    happenings.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
    for (const happening of happenings) happening.apply();
    byId.forEach((sample, id) => {
      if (sample?.detector !== undefined) this.lastNeighbours[id] = sample.detector.neighbours;
    });
    recordDetectorScore(series, tickS, this.score);
  }
}

/**
 * Scores the failure detectors' leaves against ground truth: when each host really crashed
 * (seen by its own detector being stopped, whatever crashed it: churn, a host or PoP fault) and
 * whether a peer declared gone was up and reachable. The probe subscribes to every detector, as
 * any user of its membership events would, so each leave is judged at the moment it is emitted
 * (nothing is lost when the watcher itself crashes later).
 *
 * A leave of `peer` at time t is a detection when the peer was down at some moment of
 * (t - timeout, t], i.e. during the silence that made the watcher give up (the peer may have
 * recovered since); its latency is t - crash time. Otherwise it is a false suspicion when a path
 * joins watcher and peer at t, a cut-off leave when none does.
 *
 * A crash counts once its timeout has passed, if the host stayed down at least that long (a
 * shorter outage may rightly go unnoticed); it is watched when a live detector had the host
 * among its live neighbours at the crash, and detected when a watcher declared it gone within the
 * timeout. Metrics are cumulative over the run (`detector.*`).
 */
import type { FailureDetector } from '../../actors/failure-detector.js';
import { DETECTOR } from '../../agent/detector-stack.js';
import type { OverlayEvent } from '../../actors/overlay.js';
import type { MetricSeries } from '../../metrics/series.js';
import { quantile } from '../../metrics/stats.js';
import type { NetworkModel } from '../../platform/network.js';
import type { Message, NodeContext, NodeId, Protocol } from '../../runtime/context.js';
import type { SimRuntime } from '../../runtime/sim/sim-runtime.js';

/** The name of the detector's protocol in a scenario's stack. */
export { DETECTOR };

/** Timers are rounded to whole microseconds: a leave may come this much after its deadline. */
const SLACK_MS = 0.001;
/** Outages remembered per host (a leave looks back one timeout; older outages are forgotten). */
const OUTAGES_PER_HOST_MAX = 8;

interface Outage {
  readonly node: NodeId;
  readonly downAtMs: number;
  upAtMs: number;
  /** Live detectors that had the host as a live neighbour at the crash. */
  readonly watchers: number;
  firstDetectionMs: number;
}

/** The pure scoring: crashes, recoveries and leaves in, totals out (tested apart from any run). */
export class DetectorScore {
  leaves = 0;
  detections = 0;
  falseSuspicions = 0;
  cutoffLeaves = 0;
  crashes = 0;
  watchedCrashes = 0;
  detectedCrashes = 0;
  /** Per detection (each watcher), ms from the crash to the leave. */
  readonly latenciesMs: number[] = [];
  /** Per detected crash, ms from the crash to its first leave. */
  readonly firstLatenciesMs: number[] = [];
  private readonly outages = new Map<NodeId, Outage[]>();
  /** Outages whose timeout has not passed yet, in crash order. */
  private pending: Outage[] = [];

  constructor(readonly timeoutMs: number) {}

  crashed(node: NodeId, atMs: number, watchers: number): void {
    const outage: Outage = { node, downAtMs: atMs, upAtMs: Infinity, watchers, firstDetectionMs: Infinity };
    const list = this.outages.get(node) ?? [];
    if (list.length >= OUTAGES_PER_HOST_MAX) list.shift();
    list.push(outage);
    this.outages.set(node, list);
    this.pending.push(outage);
  }

  recovered(node: NodeId, atMs: number): void {
    const list = this.outages.get(node);
    const last = list?.[list.length - 1];
    if (last !== undefined && last.upAtMs === Infinity) last.upAtMs = atMs;
  }

  /** A watcher declared `peer` gone at `timeMs`; `reachable`: a path joined them then. */
  leave(peer: NodeId, timeMs: number, reachable: boolean): void {
    this.leaves++;
    const outage = this.outageBehind(peer, timeMs);
    if (outage === null) {
      if (reachable) this.falseSuspicions++;
      else this.cutoffLeaves++;
      return;
    }
    this.detections++;
    this.latenciesMs.push(timeMs - outage.downAtMs);
    if (timeMs < outage.firstDetectionMs) outage.firstDetectionMs = timeMs;
  }

  /** Count the crashes whose timeout has passed by `nowMs`. */
  settle(nowMs: number): void {
    const due = this.pending.filter((o) => o.downAtMs + this.timeoutMs + SLACK_MS <= nowMs);
    if (due.length === 0) return;
    this.pending = this.pending.filter((o) => o.downAtMs + this.timeoutMs + SLACK_MS > nowMs);
    for (const o of due) {
      if (o.upAtMs - o.downAtMs < this.timeoutMs) continue; // too short to be noticed
      this.crashes++;
      if (o.watchers === 0) continue;
      this.watchedCrashes++;
      if (o.firstDetectionMs - o.downAtMs <= this.timeoutMs + SLACK_MS) {
        this.detectedCrashes++;
        this.firstLatenciesMs.push(o.firstDetectionMs - o.downAtMs);
      }
    }
  }

  /** The latest outage of `peer` overlapping the silence (timeMs - timeout, timeMs], or null. */
  private outageBehind(peer: NodeId, timeMs: number): Outage | null {
    const list = this.outages.get(peer);
    if (list === undefined) return null;
    for (let k = list.length - 1; k >= 0; k--) {
      const o = list[k];
      if (o.downAtMs <= timeMs && o.upAtMs > timeMs - this.timeoutMs) return o;
    }
    return null;
  }
}

/**
 * The probe of a run: hears every detector start, stop (its host's crash) and leave (through
 * ObservedDetector), and records the scores at each sample.
 */
export class DetectorProbe {
  readonly score: DetectorScore;
  private runtime: SimRuntime | null = null;
  private network: NetworkModel | null = null;

  constructor(timeoutMs: number) {
    this.score = new DetectorScore(timeoutMs);
  }

  /** The run's runtime and network: call before the run starts. */
  attach(runtime: SimRuntime, network: NetworkModel): void {
    this.runtime = runtime;
    this.network = network;
  }

  hostStarted(node: NodeId, atMs: number): void {
    this.score.recovered(node, atMs);
  }

  /** `node` is crashing at `atMs`: count the live detectors that had it as a live neighbour. */
  hostStopping(node: NodeId, atMs: number): void {
    const runtime = this.attached().runtime;
    let watchers = 0;
    for (let id = 0; id < runtime.nodeCount; id++) {
      if (id === node) continue;
      const other = runtime.protocolOf<ObservedDetector>(id, DETECTOR);
      if (other !== undefined && other.detector.neighbours().includes(node)) watchers++;
    }
    this.score.crashed(node, atMs, watchers);
  }

  /** The detector of `watcher` declared `peer` gone, now (`atMs`). */
  leaveHeard(watcher: NodeId, peer: NodeId, atMs: number): void {
    const network = this.attached().network;
    const reachable = network.latencyUs(watcher, peer) >= 0 && network.latencyUs(peer, watcher) >= 0;
    this.score.leave(peer, atMs, reachable);
  }

  record(series: MetricSeries, timeS: number): void {
    recordDetectorScore(series, timeS, this.score);
  }

  private attached(): { runtime: SimRuntime; network: NetworkModel } {
    if (this.runtime === null || this.network === null) throw new Error('DetectorProbe: attach(runtime, network) before the run');
    return { runtime: this.runtime, network: this.network };
  }
}

/** Settles the crashes due by `timeS` and records the detector.* metrics (cumulative). */
export function recordDetectorScore(series: MetricSeries, timeS: number, s: DetectorScore): void {
  s.settle(timeS * 1000);
  series.count(timeS, 'detector.leaves', s.leaves);
  series.count(timeS, 'detector.detections', s.detections);
  series.count(timeS, 'detector.false_suspicions', s.falseSuspicions);
  series.count(timeS, 'detector.cutoff_leaves', s.cutoffLeaves);
  series.count(timeS, 'detector.crashes', s.crashes);
  series.count(timeS, 'detector.watched_crashes', s.watchedCrashes);
  if (s.watchedCrashes > 0) series.record(timeS, 'detector.detected_share', s.detectedCrashes / s.watchedCrashes);
  if (s.latenciesMs.length > 0) {
    series.record(timeS, 'detector.median_latency_ms', quantile(s.latenciesMs, 0.5));
    series.record(timeS, 'detector.p90_latency_ms', quantile(s.latenciesMs, 0.9));
  }
  if (s.firstLatenciesMs.length > 0) series.record(timeS, 'detector.median_first_detection_ms', quantile(s.firstLatenciesMs, 0.5));
}

/** A host's failure detector, reporting its start, its stop (the host's crash) and its leaves to the probe. */
export class ObservedDetector implements Protocol {
  constructor(
    readonly detector: FailureDetector,
    private readonly ctx: NodeContext,
    private readonly probe: DetectorProbe,
  ) {
    detector.subscribe((event: OverlayEvent) => {
      if (event.kind === 'leave') probe.leaveHeard(ctx.id, event.peer, ctx.nowMs());
    });
  }

  onStart(): void {
    this.probe.hostStarted(this.ctx.id, this.ctx.nowMs());
    this.detector.onStart();
  }

  onMessage(from: NodeId, message: Message): void {
    this.detector.onMessage(from, message);
  }

  onStop(): void {
    this.probe.hostStopping(this.ctx.id, this.ctx.nowMs());
    this.detector.onStop();
  }
}

/**
 * Metrics of greedy routing with learnt long links, computed by the simulator from the requests
 * the nodes finished since the last sample and the modelled network's ground truth (never by the
 * protocol): hops, path stretch (the true RTTs of the path's hops summed, over the true RTT from
 * source to target: the same ratio as with one-way latencies) and delivery. Recorded every
 * interval, with the cumulative count of requests served as the x axis of the learning curve.
 *
 * The ground truth is read at sampling time: a request is scored on the network as it is then
 * (host faults do not change latencies; a PoP or link fault between the request and the sample
 * could). Requests pending on a node that crashes are lost with its state and never counted.
 */
import type { MetricSeries } from '../../metrics/series.js';
import { scoreRequest } from '../../metrics/routing-scores.js';
import { mean, quantileOfSorted } from '../../metrics/stats.js';
import type { NodeId } from '../../runtime/context.js';
import { ROUTING, type RoutingOutcome, type RoutingProtocol } from '../../protocols/routing/index.js';

/** Figures of one batch of finished requests. */
export interface RoutingBatchScore {
  readonly finished: number;
  /** Requests whose target's coordinate was known, so routing began. */
  readonly located: number;
  readonly delivered: number;
  /** Per delivered request, in the order given. */
  readonly hops: readonly number[];
  /** Per delivered request whose stretch is defined (direct RTT > 0, every hop has a path). */
  readonly stretches: readonly number[];
}

/** Scores `outcomes` against `rttMs(a, b)`, the true RTT in ms (NaN without a path). */
export function scoreRoutingBatch(outcomes: readonly RoutingOutcome[], rttMs: (a: NodeId, b: NodeId) => number): RoutingBatchScore {
  const oneWayMs = (a: NodeId, b: NodeId): number => {
    const rtt = rttMs(a, b);
    return Number.isFinite(rtt) ? rtt / 2 : -1;
  };
  let located = 0;
  let delivered = 0;
  const hops: number[] = [];
  const stretches: number[] = [];
  for (const outcome of outcomes) {
    if (outcome.located) located++;
    const score = scoreRequest(outcome, oneWayMs);
    if (!score.delivered) continue;
    delivered++;
    hops.push(score.hops);
    if (Number.isFinite(score.stretch)) stretches.push(score.stretch);
  }
  return { finished: outcomes.length, located, delivered, hops, stretches };
}

/** What the probe reads of a node's routing protocol (RoutingProtocol, or a live agent's sample of it). */
export type RoutingView = Pick<RoutingProtocol, 'longLinkCount' | 'drainRequests'>;

/** Where the probe finds the nodes' routing protocols (SimRuntime fits, and a live tick's samples). */
export interface RoutingNodes {
  readonly nodeCount: number;
  protocolOf(id: NodeId, name: string): unknown;
}

export interface RoutingTotals {
  requests: number;
  delivered: number;
}

export function newRoutingTotals(): RoutingTotals {
  return { requests: 0, delivered: 0 };
}

/**
 * Records routing.* metrics. Every sample: routing.requests (finished so far), routing.success
 * (delivered share so far), routing.long_links_mean (cache occupancy of the running nodes). For
 * the requests finished in the interval, when there are some: routing.interval_requests,
 * routing.delivered_share, routing.located_share, routing.located_delivered_share (routing's own
 * success: the target answered, was the request delivered), routing.mean_hops,
 * routing.p90_hops, routing.mean_stretch, routing.median_stretch, routing.p90_stretch.
 */
export function recordRoutingRequests(series: MetricSeries, timeS: number, nodes: RoutingNodes, rttMs: (a: NodeId, b: NodeId) => number, totals: RoutingTotals): void {
  const outcomes: RoutingOutcome[] = [];
  let running = 0;
  let links = 0;
  for (let id = 0; id < nodes.nodeCount; id++) {
    const routing = nodes.protocolOf(id, ROUTING) as RoutingView | undefined;
    if (routing === undefined) continue;
    running++;
    links += routing.longLinkCount();
    for (const outcome of routing.drainRequests()) outcomes.push(outcome);
  }
  const batch = scoreRoutingBatch(outcomes, rttMs);
  totals.requests += batch.finished;
  totals.delivered += batch.delivered;
  series.count(timeS, 'routing.requests', totals.requests);
  if (totals.requests > 0) series.record(timeS, 'routing.success', totals.delivered / totals.requests);
  if (running > 0) series.record(timeS, 'routing.long_links_mean', links / running);
  if (batch.finished === 0) return;
  series.record(timeS, 'routing.interval_requests', batch.finished);
  series.record(timeS, 'routing.delivered_share', batch.delivered / batch.finished);
  series.record(timeS, 'routing.located_share', batch.located / batch.finished);
  if (batch.located > 0) series.record(timeS, 'routing.located_delivered_share', batch.delivered / batch.located);
  if (batch.delivered === 0) return;
  const hops = Float64Array.from(batch.hops).sort();
  series.record(timeS, 'routing.mean_hops', mean(hops));
  series.record(timeS, 'routing.p90_hops', quantileOfSorted(hops, 0.9));
  if (batch.stretches.length === 0) return;
  const stretches = Float64Array.from(batch.stretches).sort();
  series.record(timeS, 'routing.mean_stretch', mean(stretches));
  series.record(timeS, 'routing.median_stretch', quantileOfSorted(stretches, 0.5));
  series.record(timeS, 'routing.p90_stretch', quantileOfSorted(stretches, 0.9));
}

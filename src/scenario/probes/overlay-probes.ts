/**
 * Metrics of the overlays, computed by the simulator from the protocols' logs of finished
 * operations and the modelled network's ground truth: spiral searches (recall, excess latency)
 * and Chord lookups (did they reach the true owner of the key among the live, joined nodes).
 */
import type { MetricSeries } from '../../metrics/series.js';
import { scoreSearch, trueSuccessorIndex } from '../../metrics/ground-truth.js';
import { median, mean } from '../../metrics/stats.js';
import type { PairSample } from '../../metrics/pair-sample.js';
import { relativeErrors, summariseErrors } from '../../metrics/pairwise-error.js';
import type { NodesView } from './nodes-view.js';
import type { NetworkModel } from '../../platform/network.js';
import { SPIRAL, type SpiralProtocol } from '../../protocols/spiral/index.js';
import { CHORD, type ChordProtocol } from '../../protocols/chord/index.js';
import { CAN, type CanProtocol, type Zone, zonesHold } from '../../protocols/can/index.js';

/**
 * The true RTT now between two hosts, in ms: what a ping takes in the modelled network. NaN
 * without a path, and for a pair a measured matrix lacks (its delays are fills, not truth).
 */
export function truthRttMs(network: NetworkModel): (a: number, b: number) => number {
  return (a, b) => {
    if (!network.isMeasuredPair(a, b)) return NaN;
    const ab = network.latencyUs(a, b);
    const ba = network.latencyUs(b, a);
    return ab < 0 || ba < 0 ? NaN : (ab + ba) / 1000;
  };
}

/** Records vivaldi.* errors of the estimates over the sampled pairs against the true RTTs (NaN estimates are not measured). */
export function recordVivaldiError(series: MetricSeries, timeS: number, pairs: PairSample, estimate: (a: number, b: number) => number, truth: (a: number, b: number) => number): void {
  const summary = summariseErrors(relativeErrors(pairs, estimate, truth));
  series.record(timeS, 'vivaldi.median_rel_error', summary.median);
  series.record(timeS, 'vivaldi.p90_rel_error', summary.p90);
  series.record(timeS, 'vivaldi.pairs_measured', summary.pairs);
}

/** What the probes read of each overlay. */
export type SpiralView = Pick<SpiralProtocol, 'drainSearches'>;
export type ChordView = Pick<ChordProtocol, 'ringId' | 'isJoined' | 'drainLookups'>;
export type CanView = Pick<CanProtocol, 'heldZones' | 'drainLookups'>;

/** Records spiral.* metrics for the searches finished since the last sample; `rtt` is the true RTT in ms. */
export function recordSpiralSearches(series: MetricSeries, timeS: number, runtime: NodesView, rtt: (a: number, b: number) => number, k: number, totals: { searches: number }): void {
  const excess: number[] = [];
  const recall: number[] = [];
  const messages: number[] = [];
  let completed = 0;
  let finished = 0;
  for (let id = 0; id < runtime.nodeCount; id++) {
    const spiral = (runtime.protocolOf(id, SPIRAL) as SpiralView | undefined);
    if (spiral === undefined) continue;
    for (const outcome of spiral.drainSearches()) {
      finished++;
      messages.push(outcome.messages);
      if (!outcome.completed) continue;
      completed++;
      // Each true RTT from the initiator once: the candidates' filter and the score both read it.
      const rttFromMs = new Float64Array(runtime.nodeCount);
      const candidates: number[] = [];
      for (let j = 0; j < runtime.nodeCount; j++) {
        rttFromMs[j] = rtt(outcome.initiator, j);
        if (j !== outcome.initiator && runtime.isUp(j) && Number.isFinite(rttFromMs[j])) candidates.push(j);
      }
      const score = scoreSearch(outcome.found, candidates, (j) => rttFromMs[j], k);
      if (Number.isFinite(score.excessMs)) excess.push(score.excessMs);
      if (Number.isFinite(score.recall)) recall.push(score.recall);
    }
  }
  totals.searches += finished;
  series.count(timeS, 'spiral.searches', totals.searches);
  if (finished === 0) return;
  series.record(timeS, 'spiral.completed_share', completed / finished);
  series.record(timeS, 'spiral.median_excess_ms', median(excess));
  series.record(timeS, `spiral.recall_at_${k}`, mean(recall));
  series.record(timeS, 'spiral.messages_per_search', mean(messages));
}

/** Chord lookups drained and scored since the last sample (scoring may run more often than sampling). */
export interface ChordScored {
  lookups: number;
  correct: number;
  readonly hops: number[];
  readonly latencyMs: number[];
}

export function newChordScored(): ChordScored {
  return { lookups: 0, correct: 0, hops: [], latencyMs: [] };
}

/**
 * Drains every node's finished lookups into `scored`, judged against the ring of live, joined
 * nodes now; returns the ring's size. Under churn the ring changes within a metric interval, so
 * the run calls this often (each lookup is then judged against the ring close to its finish
 * time, not against a ring that nodes joined or left after it finished).
 */
export function scoreChordLookups(runtime: NodesView, scored: ChordScored): number {
  const ids: number[] = [];
  const owners: number[] = [];
  const chords: ChordView[] = [];
  for (let id = 0; id < runtime.nodeCount; id++) {
    const chord = (runtime.protocolOf(id, CHORD) as ChordView | undefined);
    if (chord === undefined) continue;
    chords.push(chord);
    if (chord.isJoined()) {
      ids.push(chord.ringId);
      owners.push(id);
    }
  }
  const order = ids.map((_, i) => i).sort((a, b) => ids[a] - ids[b]);
  const sortedIds = Float64Array.from(order, (i) => ids[i]);
  for (const chord of chords) {
    for (const outcome of chord.drainLookups()) {
      scored.lookups++;
      scored.hops.push(outcome.hops);
      if (!outcome.ok || sortedIds.length === 0) continue;
      scored.latencyMs.push(outcome.latencyMs);
      if (owners[order[trueSuccessorIndex(sortedIds, outcome.key)]] === outcome.owner) scored.correct++;
    }
  }
  return sortedIds.length;
}

/** Records chord.* metrics for the lookups finished since the last sample (those in `scored` first), and empties `scored`. */
export function recordChordLookups(series: MetricSeries, timeS: number, runtime: NodesView, totals: { lookups: number; correct: number }, scored: ChordScored = newChordScored()): void {
  const joined = scoreChordLookups(runtime, scored);
  const { lookups, correct, hops, latencyMs } = scored;
  scored.lookups = 0;
  scored.correct = 0;
  totals.lookups += lookups;
  totals.correct += correct;
  series.record(timeS, 'chord.joined', joined);
  series.count(timeS, 'chord.lookups', totals.lookups);
  if (totals.lookups > 0) series.record(timeS, 'chord.lookup_success', totals.correct / totals.lookups);
  if (lookups > 0) {
    series.record(timeS, 'chord.interval_lookup_success', correct / lookups);
    series.record(timeS, 'chord.mean_hops', mean(hops));
    series.record(timeS, 'chord.median_lookup_latency_ms', median(latencyMs));
  }
  hops.length = 0;
  latencyMs.length = 0;
}

/**
 * Records `chord.lookup_success_under_churn`: the share of correct lookups among those recorded
 * after `since` (a snapshot of `totals` taken at the first sample once churn had begun).
 */
export function recordChordUnderChurn(series: MetricSeries, timeS: number, totals: { lookups: number; correct: number }, since: { lookups: number; correct: number }): void {
  const lookups = totals.lookups - since.lookups;
  if (lookups > 0) series.record(timeS, 'chord.lookup_success_under_churn', (totals.correct - since.correct) / lookups);
}

/** Records can.* metrics: did lookups reach the node whose zone holds the point, among live joined nodes. */
export function recordCanLookups(series: MetricSeries, timeS: number, runtime: NodesView, totals: { lookups: number; correct: number }): void {
  const owners: { node: number; zones: readonly Zone[] }[] = [];
  const cans: CanView[] = [];
  for (let id = 0; id < runtime.nodeCount; id++) {
    const can = (runtime.protocolOf(id, CAN) as CanView | undefined);
    if (can === undefined) continue;
    cans.push(can);
    const zones = can.heldZones(); // its own zone and any taken over from crashed neighbours
    if (zones.length > 0) owners.push({ node: id, zones });
  }
  let lookups = 0;
  let correct = 0;
  const hops: number[] = [];
  for (const can of cans) {
    for (const outcome of can.drainLookups()) {
      lookups++;
      hops.push(outcome.hops);
      if (!outcome.ok) continue;
      const owner = owners.find((o) => zonesHold(o.zones, outcome.x, outcome.y));
      if (owner !== undefined && owner.node === outcome.owner) correct++;
    }
  }
  totals.lookups += lookups;
  totals.correct += correct;
  series.record(timeS, 'can.joined', owners.length);
  series.count(timeS, 'can.lookups', totals.lookups);
  if (totals.lookups > 0) series.record(timeS, 'can.lookup_success', totals.correct / totals.lookups);
  if (lookups > 0) series.record(timeS, 'can.mean_hops', mean(hops));
}

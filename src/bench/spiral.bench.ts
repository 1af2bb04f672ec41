/**
 * The spiral close-node search on an RTT matrix, through the real kernel and simulated runtime:
 * Vivaldi converges first, then searches start from random nodes one at a time; their outcomes
 * are scored against ground truth (the matrix), never by the protocol. Prints the learning curve
 * (per 100 searches), the final figures and the Vivaldi-only baseline:
 *   npm run build && node dist/bench/spiral.bench.js [searches] [convergeRounds] [seed] ['{"spiral":{...},"vivaldi":{...}}']
 */
import { fileURLToPath } from 'node:url';
import { randomStream } from '../kernel/random.js';
import { msToUs } from '../kernel/time.js';
import { loadRttMatrix } from '../platform/rtt-matrix.js';
import type { RttMatrix } from '../platform/types.js';
import { defaultGossipConfig } from '../protocols/gossip/index.js';
import { VIVALDI } from '../protocols/stack.js';
import { SPIRAL, type SpiralOutcome, type SpiralProtocol, type SpiralStackConfig, defaultSpiralConfig, spiralStack } from '../protocols/spiral/index.js';
import { type Coordinate, type VivaldiProtocol, defaultVivaldiConfig, distanceMs } from '../protocols/vivaldi/index.js';
import { MatrixHarness, PLANETLAB_490_PATH } from './vivaldi-harness.js';

export const defaultSpiralBenchConfig: SpiralStackConfig = {
  gossip: defaultGossipConfig,
  vivaldi: defaultVivaldiConfig,
  spiral: defaultSpiralConfig,
};

export interface SpiralRunOptions {
  readonly matrix: RttMatrix;
  readonly config: SpiralStackConfig;
  readonly seed: number;
  /** Vivaldi rounds (of vivaldi.periodMs) before the first search. */
  readonly convergeRounds: number;
  readonly searches: number;
  /** One search starts this often, from a node drawn uniformly. */
  readonly searchIntervalMs: number;
}

export interface SpiralRun {
  /** In start order. */
  readonly outcomes: SpiralOutcome[];
  /** Every node's coordinate when the searches start. */
  readonly coords: Coordinate[];
}

export function runSpiralOnMatrix(options: SpiralRunOptions): SpiralRun {
  const { matrix, config, seed } = options;
  const harness = new MatrixHarness({ matrix, seed, bootstrapCount: 4, spikeProbability: 0 }, spiralStack(config));
  const startMs = options.convergeRounds * config.vivaldi.periodMs;
  harness.runUntil(startMs);
  const coords = Array.from({ length: matrix.n }, (_, id) => harness.protocolOf<VivaldiProtocol>(id, VIVALDI).coordinate());
  const workload = randomStream(seed, 'spiral-workload');
  for (let s = 0; s < options.searches; s++) {
    const initiator = workload.int(matrix.n);
    harness.sim.at(msToUs(startMs + (s + 1) * options.searchIntervalMs), () => {
      harness.protocolOf<SpiralProtocol>(initiator, SPIRAL).startSearch();
    });
  }
  harness.runUntil(startMs + (options.searches + 1) * options.searchIntervalMs + config.spiral.searchTimeoutMs);
  const outcomes = Array.from({ length: matrix.n }, (_, id) => harness.protocolOf<SpiralProtocol>(id, SPIRAL).drainSearches()).flat();
  outcomes.sort((a, b) => a.startedAtMs - b.startedAtMs || a.initiator - b.initiator);
  return { outcomes, coords };
}

/** Ground truth for one initiator: the other nodes by true RTT ascending (ties by id). */
export function trueOrder(matrix: RttMatrix, initiator: number): number[] {
  const { n, rttUs } = matrix;
  const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== initiator);
  return others.sort((a, b) => rttUs[initiator * n + a] - rttUs[initiator * n + b] || a - b);
}

export interface SearchScore {
  /** RTT to the closest node found (its first answer) minus RTT to the true closest, ms. */
  readonly excessMs: number;
  /** Share of the true k nearest among the k found. */
  readonly recall: number;
  readonly messages: number;
  readonly hops: number;
}

export function scoreFound(matrix: RttMatrix, initiator: number, found: readonly number[], k: number): { excessMs: number; recall: number } {
  const { n, rttUs } = matrix;
  const truth = trueOrder(matrix, initiator);
  const bestUs = rttUs[initiator * n + truth[0]];
  const excessMs = found.length === 0 ? Number.POSITIVE_INFINITY : (rttUs[initiator * n + found[0]] - bestUs) / 1000;
  const trueK = new Set(truth.slice(0, k));
  const recall = found.slice(0, k).filter((f) => trueK.has(f)).length / k;
  return { excessMs, recall };
}

export function scoreOutcome(matrix: RttMatrix, o: SpiralOutcome, k: number): SearchScore {
  return { ...scoreFound(matrix, o.initiator, o.found, k), messages: o.messages, hops: o.hops };
}

/** The baseline: every node picks its k nearest by coordinates among all nodes (a global view, no messages). */
export function vivaldiOnlyScores(matrix: RttMatrix, coords: readonly Coordinate[], k: number): { excessMs: number; recall: number }[] {
  return Array.from({ length: matrix.n }, (_, i) => {
    const others = Array.from({ length: matrix.n }, (_, j) => j).filter((j) => j !== i);
    const est = others.map((j) => ({ j, d: distanceMs(coords[i], coords[j]) })).sort((a, b) => a.d - b.d || a.j - b.j);
    return scoreFound(matrix, i, est.slice(0, k).map((e) => e.j), k);
  });
}

export function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(0.5 * (sorted.length - 1))];
}

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export interface CurvePoint {
  readonly searchesBefore: number;
  readonly medianExcessMs: number;
  readonly meanRecall: number;
  readonly messagesPerSearch: number;
  readonly hopsPerSearch: number;
}

/** The learning curve: figures per block of `block` searches, in start order. */
export function learningCurve(scores: readonly SearchScore[], block: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (let s = 0; s < scores.length; s += block) {
    const b = scores.slice(s, s + block);
    out.push({
      searchesBefore: s,
      medianExcessMs: median(b.map((x) => x.excessMs)),
      meanRecall: mean(b.map((x) => x.recall)),
      messagesPerSearch: mean(b.map((x) => x.messages)),
      hopsPerSearch: mean(b.map((x) => x.hops)),
    });
  }
  return out;
}

function main(argv: readonly string[]): void {
  const searches = Number(argv[0] ?? 1000);
  const convergeRounds = Number(argv[1] ?? 400);
  const seed = Number(argv[2] ?? 1);
  const overrides = JSON.parse(argv[3] ?? '{}') as { spiral?: Partial<SpiralStackConfig['spiral']>; vivaldi?: Partial<SpiralStackConfig['vivaldi']> };
  const matrix = loadRttMatrix(process.env.RTT_MATRIX ?? PLANETLAB_490_PATH, { unit: 'ms' });
  const config: SpiralStackConfig = {
    gossip: defaultGossipConfig,
    vivaldi: { ...defaultVivaldiConfig, ...overrides.vivaldi },
    spiral: { ...defaultSpiralConfig, ...overrides.spiral },
  };
  const k = config.spiral.resultSize;
  const startedMs = performance.now();
  const run = runSpiralOnMatrix({ matrix, config, seed, convergeRounds, searches, searchIntervalMs: 1000 });
  const scores = run.outcomes.map((o) => scoreOutcome(matrix, o, k));
  console.log(`${matrix.name}: n=${matrix.n} seed=${seed} vivaldi ${config.vivaldi.dimensions}-D${config.vivaldi.useHeight ? '+h' : ''} x ${convergeRounds} rounds; spiral ${JSON.stringify(config.spiral)}`);
  console.table(
    learningCurve(scores, 100).map((p) => ({
      searches: `${p.searchesBefore + 1}-${p.searchesBefore + 100}`,
      'median excess ms': p.medianExcessMs.toFixed(2),
      [`mean recall@${k}`]: p.meanRecall.toFixed(3),
      'messages/search': p.messagesPerSearch.toFixed(1),
      'hops/search': p.hopsPerSearch.toFixed(1),
    })),
  );
  const last = scores.slice(-100);
  const baseline = vivaldiOnlyScores(matrix, run.coords, k);
  console.log(
    `spiral, all ${scores.length} searches: median excess ${median(scores.map((s) => s.excessMs)).toFixed(2)} ms, mean recall@${k} ${mean(scores.map((s) => s.recall)).toFixed(3)}, ` +
      `${mean(scores.map((s) => s.messages)).toFixed(1)} messages/search, ${run.outcomes.filter((o) => !o.completed).length} incomplete`,
  );
  console.log(`spiral, last 100 searches: median excess ${median(last.map((s) => s.excessMs)).toFixed(2)} ms, mean recall@${k} ${mean(last.map((s) => s.recall)).toFixed(3)}`);
  console.log(
    `vivaldi-only baseline (global view, ${matrix.n} initiators): median excess ${median(baseline.map((s) => s.excessMs)).toFixed(2)} ms, mean recall@${k} ${mean(baseline.map((s) => s.recall)).toFixed(3)}`,
  );
  console.log(`target: median excess <= 5 ms and recall@${k} >= 0.8 after ${searches} searches; wall ${(performance.now() - startedMs).toFixed(0)} ms`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));

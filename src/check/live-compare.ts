/**
 * A live run against its simulated twin (`luc compare`): the final value of every global metric
 * both have, the live value beside the twins' (K seeds: their mean, min and max), the relative
 * difference, whether the live value falls within the twins' min-max, and for the metrics with a
 * target (`LIVE_TARGETS`, issue 12) whether the live value is within the target's tolerance of
 * the simulated mean. Pure: final values in, rows out.
 */
import { allowedDeviation, mean } from './compare.js';
import type { Tolerance } from './baseline.js';

export interface LiveTarget {
  /** The metrics it applies to (e.g. every `spiral.recall_at_<k>`). */
  readonly pattern: RegExp;
  /** How far the live value may be from the simulated mean: relative to it, or in the metric's unit. */
  readonly tolerance: Tolerance;
}

/**
 * The targets of issue 12 on the local testbed: Vivaldi's median relative error within 20% of
 * the simulation's, Chord's lookup success within 1 point (0.01 of a share) and its median lookup
 * latency within 20%, spiral recall within 0.05, DVMS's mean time to resolve an overload within 30%.
 */
export const LIVE_TARGETS: readonly LiveTarget[] = [
  { pattern: /^vivaldi\.median_rel_error$/, tolerance: { relative: 0.2 } },
  { pattern: /^chord\.lookup_success$/, tolerance: { absolute: 0.01 } },
  { pattern: /^chord\.median_lookup_latency_ms$/, tolerance: { relative: 0.2 } },
  { pattern: /^spiral\.recall_at_\d+$/, tolerance: { absolute: 0.05 } },
  { pattern: /^cloud\.resolve_s_mean$/, tolerance: { relative: 0.3 } },
];

export function targetOf(metric: string): Tolerance | null {
  return LIVE_TARGETS.find((t) => t.pattern.test(metric))?.tolerance ?? null;
}

export type TargetVerdict = 'pass' | 'miss';

export interface ComparisonRow {
  readonly metric: string;
  /** The mean over the twins (the same-seed twin alone when K = 1). */
  readonly simMean: number;
  /** The twin with the live run's own seed. */
  readonly simSameSeed: number;
  readonly simMin: number;
  readonly simMax: number;
  /** Twins with a finite value (K at most). */
  readonly simSeeds: number;
  readonly live: number;
  /** (live - sim) / |sim|; 0 when both are 0; null when sim is 0 and live is not, or either is not finite. */
  readonly relativeDiff: number | null;
  /** simMin <= live <= simMax; null with fewer than 2 twins. */
  readonly withinSpread: boolean | null;
  readonly target: Tolerance | null;
  /** null without a target. */
  readonly verdict: TargetVerdict | null;
}

export function relativeDifference(sim: number, live: number): number | null {
  if (!Number.isFinite(sim) || !Number.isFinite(live)) return null;
  if (sim === 0) return live === 0 ? 0 : null;
  return (live - sim) / Math.abs(sim);
}

/** Pass when both values are finite and the live one is within the tolerance of the simulated mean. */
export function targetVerdict(tolerance: Tolerance, sim: number, live: number): TargetVerdict {
  if (!Number.isFinite(sim) || !Number.isFinite(live)) return 'miss';
  return Math.abs(live - sim) <= allowedDeviation(sim, tolerance) + 1e-12 ? 'pass' : 'miss';
}

/**
 * One row per global metric of the live run that the twins have (and per metric with a target that
 * the twins have and the live run lacks, live NaN: a miss): those with a target first (in
 * the order of LIVE_TARGETS), then the others by name. `twins[0]` is the twin of the live run's
 * own seed; each is a summary.json `metrics` (final values).
 */
export function compareRuns(live: Readonly<Record<string, number>>, twins: readonly Readonly<Record<string, number>>[]): ComparisonRow[] {
  if (twins.length === 0) throw new RangeError('compareRuns: no simulated twin');
  // A metric with a target that every twin has but the live run lacks (no agent sampled it) is a miss, not left out.
  const targeted = Object.keys(twins[0]).filter((name) => targetOf(name) !== null && !(name in live) && twins.every((twin) => name in twin));
  const names = [...Object.keys(live).filter((name) => twins.every((twin) => name in twin)), ...targeted];
  const rank = (name: string): number => {
    const index = LIVE_TARGETS.findIndex((t) => t.pattern.test(name));
    return index < 0 ? LIVE_TARGETS.length : index;
  };
  names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return names.map((metric) => {
    const values = twins.map((twin) => twin[metric]);
    const finite = values.filter(Number.isFinite);
    const simMean = finite.length === 0 ? NaN : mean(finite);
    const simMin = finite.length === 0 ? NaN : Math.min(...finite);
    const simMax = finite.length === 0 ? NaN : Math.max(...finite);
    const value = live[metric] ?? NaN;
    const target = targetOf(metric);
    return {
      metric,
      simMean,
      simSameSeed: values[0],
      simMin,
      simMax,
      simSeeds: finite.length,
      live: value,
      relativeDiff: relativeDifference(simMean, value),
      withinSpread: finite.length < 2 || !Number.isFinite(value) ? null : value >= simMin && value <= simMax,
      target,
      verdict: target === null ? null : targetVerdict(target, simMean, value),
    };
  });
}

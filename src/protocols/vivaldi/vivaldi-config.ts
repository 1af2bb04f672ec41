/**
 * Every Vivaldi parameter, fully filled: callers spread `defaultVivaldiConfig` and override.
 * Defaults tuned on planetlab-490 with src/bench/vivaldi-harness.ts (500 rounds, median relative
 * error over all pairs; published update alone: 10.0% 2-D+h, 9.6% 8-D+h). What moved it:
 * relative force (forceReferenceMs 100, timestepMax 0.25) -1.0 point and p90 52% -> 37%;
 * reciprocal updates -0.5..0.9; exploring 30% of periods with a rotating random share -0.1..0.4;
 * together 8.0% (2-D+h) and 7.2% (8-D+h). A close share of neighbours made it worse here (kept
 * at 0); gravity and larger neighbour sets were neutral; decaying cc was worse.
 */
import type { VivaldiParams } from './vivaldi-core.js';

export interface VivaldiConfig extends VivaldiParams {
  readonly dimensions: number;
  /** One ping per period, to one neighbour. */
  readonly periodMs: number;
  /** Size of the neighbour set. */
  readonly neighboursMax: number;
  /** Share of the neighbour set kept for the nearest peers measured. */
  readonly closeShare: number;
  /** Share kept for the farthest peers measured (Vivaldi: ~5% distant neighbours avoid distortion). */
  readonly farShare: number;
  /** Probability that an unknown peer answering replaces a random member of the random share. */
  readonly rotateProbability: number;
  /** Probability that a period pings a fresh peer from the sampler rather than a neighbour. */
  readonly exploreProbability: number;
  /** Latency filter: median of the last this many samples per peer. */
  readonly filterSamples: number;
  /** Latency filter: at most this many peers remembered (least recently heard forgotten). */
  readonly filterPeersMax: number;
  /** A neighbour pinged this many times in a row without an answer is dropped. */
  readonly unansweredMax: number;
  /**
   * The ping carries the pinger's coordinate and its last filtered RTT to the receiver, so the
   * receiver updates too (an RTT is symmetric): two samples per round trip instead of one.
   */
  readonly reciprocal: boolean;
  /**
   * How many peers' last advertised coordinates to remember for `peerCoordinate` (least
   * recently heard forgotten). 0 = none: at 10,000 nodes remembering 256 each costs ~1 GB, so
   * only stacks that use it (spiral, Chord with proximity) turn it on.
   */
  readonly peerCoordinatesMax: number;
}

export const defaultVivaldiConfig: VivaldiConfig = {
  dimensions: 8,
  useHeight: true,
  cc: 0.25,
  ce: 0.25,
  errorMax: 1.5,
  heightMinMs: 0.01,
  gravityRhoMs: 0,
  forceReferenceMs: 100,
  timestepMax: 0.25,
  periodMs: 1000,
  neighboursMax: 32,
  closeShare: 0,
  farShare: 0,
  rotateProbability: 1,
  exploreProbability: 0.3,
  filterSamples: 3,
  filterPeersMax: 256,
  unansweredMax: 3,
  reciprocal: true,
  peerCoordinatesMax: 0,
};

/** `config`, remembering at least `peersMin` peers' coordinates (for stacks whose protocols read them). */
export function rememberingPeerCoordinates(config: VivaldiConfig, peersMin: number): VivaldiConfig {
  return config.peerCoordinatesMax >= peersMin ? config : { ...config, peerCoordinatesMax: peersMin };
}

/** Check a config once, at construction (style: options normalised once). */
export function validateVivaldiConfig(config: VivaldiConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`VivaldiConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  if (!(Number.isInteger(config.dimensions) && config.dimensions >= 1)) fail('dimensions', 'an integer >= 1');
  if (!(config.cc > 0 && config.cc <= 1)) fail('cc', 'a number in (0, 1]');
  if (!(config.ce > 0 && config.ce <= 1)) fail('ce', 'a number in (0, 1]');
  if (!(config.errorMax > 0)) fail('errorMax', 'a number > 0');
  if (!(config.heightMinMs >= 0)) fail('heightMinMs', 'a number >= 0');
  if (!(config.gravityRhoMs >= 0)) fail('gravityRhoMs', 'a number >= 0');
  if (!(config.forceReferenceMs >= 0)) fail('forceReferenceMs', 'a number >= 0');
  if (!(config.timestepMax > 0 && config.timestepMax <= 1)) fail('timestepMax', 'a number in (0, 1]');
  if (!(config.periodMs > 0)) fail('periodMs', 'a number > 0');
  if (!(Number.isInteger(config.neighboursMax) && config.neighboursMax >= 1)) fail('neighboursMax', 'an integer >= 1');
  if (!(config.closeShare >= 0 && config.farShare >= 0 && config.closeShare + config.farShare <= 1)) fail('closeShare', 'closeShare + farShare in [0, 1]');
  if (!(config.rotateProbability >= 0 && config.rotateProbability <= 1)) fail('rotateProbability', 'a probability');
  if (!(config.exploreProbability >= 0 && config.exploreProbability <= 1)) fail('exploreProbability', 'a probability');
  if (!(Number.isInteger(config.filterSamples) && config.filterSamples >= 1)) fail('filterSamples', 'an integer >= 1');
  if (!(Number.isInteger(config.filterPeersMax) && config.filterPeersMax >= 1)) fail('filterPeersMax', 'an integer >= 1');
  if (!(Number.isInteger(config.unansweredMax) && config.unansweredMax >= 1)) fail('unansweredMax', 'an integer >= 1');
  if (!(Number.isInteger(config.peerCoordinatesMax) && config.peerCoordinatesMax >= 0)) fail('peerCoordinatesMax', 'an integer >= 0');
}

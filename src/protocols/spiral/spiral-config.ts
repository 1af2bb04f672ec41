/** Every spiral-search parameter, fully filled: callers spread `defaultSpiralConfig` and override. */

export interface SpiralConfig {
  /** n: entries of the spiral view a search carries (the nodes closest to the initiator seen so far). */
  readonly viewSize: number;
  /** k: nodes a search gathers; it ends once the k closest of its view have all been visited. */
  readonly resultSize: number;
  /** Long-distance entries forced into the spiral view (the farthest from the initiator), so a search never runs dry. */
  readonly farCount: number;
  /** Learning: each node keeps this many nodes closest to itself, seen in passing in searches. */
  readonly closeSetSize: number;
  /** A search visits at most this many nodes. */
  readonly hopsMax: number;
  /**
   * The initiator measures its RTT to this many of the closest candidates of the final view
   * (one probe and its reply each) and orders the result by measured RTT; 0 = coordinates only.
   */
  readonly probeCount: number;
  /** Each node starts a search this often (random phase); 0 = only when `startSearch()` is called. */
  readonly searchPeriodMs: number;
  /** A search not finished after this long is recorded as incomplete (messages can be lost). */
  readonly searchTimeoutMs: number;
  /** Searches of one initiator in flight at once; a search beyond it is refused (counted). */
  readonly pendingMax: number;
  /** Finished searches kept until drained; the oldest are dropped beyond it (counted). */
  readonly outcomesMax: number;
}

/**
 * Tuned on planetlab-490 with src/bench/spiral.bench.ts (8-D+h Vivaldi after 400 rounds, 1,000
 * searches, seed 1). Probing is what turns a coordinate-good answer into a true one: without it
 * (probeCount 0) 14 messages/search, median excess 3.7 ms, recall@10 0.55; probing 16 of 24:
 * 0 ms, 0.70 at 46 messages; 32 of 32: 0 ms, 0.84 (0.87 over the last 100) at 78 messages.
 */
export const defaultSpiralConfig: SpiralConfig = {
  viewSize: 32,
  resultSize: 10,
  farCount: 2,
  closeSetSize: 32,
  hopsMax: 32,
  probeCount: 32,
  searchPeriodMs: 0,
  searchTimeoutMs: 30_000,
  pendingMax: 16,
  outcomesMax: 4096,
};

export function validateSpiralConfig(config: SpiralConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`SpiralConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  const isInt = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;
  if (!isInt(config.viewSize, 1)) fail('viewSize', 'an integer >= 1');
  if (!(isInt(config.resultSize, 1) && config.resultSize <= config.viewSize)) fail('resultSize', 'an integer in [1, viewSize]');
  if (!(isInt(config.farCount, 0) && config.farCount <= config.viewSize - config.resultSize)) fail('farCount', 'an integer in [0, viewSize - resultSize]');
  if (!isInt(config.closeSetSize, 0)) fail('closeSetSize', 'an integer >= 0');
  if (!isInt(config.hopsMax, 1)) fail('hopsMax', 'an integer >= 1');
  if (!(isInt(config.probeCount, 0) && config.probeCount <= config.viewSize)) fail('probeCount', 'an integer in [0, viewSize]');
  if (!(config.searchPeriodMs >= 0 && Number.isFinite(config.searchPeriodMs))) fail('searchPeriodMs', 'a number >= 0');
  if (!(config.searchTimeoutMs > 0 && Number.isFinite(config.searchTimeoutMs))) fail('searchTimeoutMs', 'a number > 0');
  if (!isInt(config.pendingMax, 1)) fail('pendingMax', 'an integer >= 1');
  if (!isInt(config.outcomesMax, 1)) fail('outcomesMax', 'an integer >= 1');
}

/** Every routing parameter, fully filled: callers spread `defaultRoutingConfig` and override. */

export interface RoutingConfig {
  /**
   * Long-link cache, distance-stratified: bucket b holds links at coordinate distance
   * [baseMs * 2^(b-1), baseMs * 2^b) from self (bucket 0: below baseMs; the last: everything
   * beyond). One octave per bucket is Kleinberg's d^-2 on a plane (equal mass per octave).
   */
  readonly longLinkBuckets: number;
  /** Links per bucket; the least recently seen link of a full bucket is replaced (LRU). */
  readonly longLinksPerBucket: number;
  readonly longLinkBaseMs: number;
  /**
   * Every period, a node greets (`routing.hello`) the close peers whose coordinate it does not
   * hold yet: the answer gives the coordinate, and the greeted node keeps the greeter as an
   * inbound neighbour (close links count both ways). 0 = never: close peers are then usable only
   * when Vivaldi happens to remember their coordinate.
   */
  readonly neighbourPeriodMs: number;
  /** Coordinates of close neighbours kept, and of inbound ones (each table apart), the least recently refreshed dropped first. */
  readonly neighboursMax: number;
  /** A request visits at most this many nodes (source and target included). */
  readonly hopsMax: number;
  /**
   * The target's answer to `routing.locate` lists up to this many of its close peers (closest
   * first), and the request carries them: close links count both ways, so a node among them
   * forwards to the target, and a node linked to one of them forwards to it. In a dense region
   * where coordinates cannot tell the nodes apart, this is what finds the target. 0 = off.
   */
  readonly landingMax: number;
  /**
   * Each node routes a request to a target drawn uniformly among all other nodes this often
   * (random phase); 0 = only when `requestTo` or `startRequest` is called.
   */
  readonly requestPeriodMs: number;
  /** A node's first self-issued request waits this long after it starts (coordinates and close sets settle first). */
  readonly requestStartMs: number;
  /** A request with no answer after this long is recorded as undelivered (messages can be lost). */
  readonly requestTimeoutMs: number;
  /** Requests of one source in flight at once; one beyond it is refused (counted). */
  readonly pendingMax: number;
  /** Finished requests kept until drained; the oldest are dropped beyond it (counted). */
  readonly outcomesMax: number;
}

export const defaultRoutingConfig: RoutingConfig = {
  longLinkBuckets: 12,
  longLinksPerBucket: 4,
  longLinkBaseMs: 2,
  neighbourPeriodMs: 30_000,
  neighboursMax: 96,
  hopsMax: 128,
  landingMax: 16,
  requestPeriodMs: 0,
  requestStartMs: 0,
  requestTimeoutMs: 30_000,
  pendingMax: 16,
  outcomesMax: 4096,
};

export function validateRoutingConfig(config: RoutingConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`RoutingConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  const isInt = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;
  if (!isInt(config.longLinkBuckets, 1)) fail('longLinkBuckets', 'an integer >= 1');
  if (!isInt(config.longLinksPerBucket, 0)) fail('longLinksPerBucket', 'an integer >= 0');
  if (!(config.longLinkBaseMs > 0 && Number.isFinite(config.longLinkBaseMs))) fail('longLinkBaseMs', 'a number > 0');
  if (!(config.neighbourPeriodMs >= 0 && Number.isFinite(config.neighbourPeriodMs))) fail('neighbourPeriodMs', 'a number >= 0');
  if (!isInt(config.neighboursMax, 0)) fail('neighboursMax', 'an integer >= 0');
  if (!isInt(config.hopsMax, 2)) fail('hopsMax', 'an integer >= 2');
  if (!isInt(config.landingMax, 0)) fail('landingMax', 'an integer >= 0');
  if (!(config.requestPeriodMs >= 0 && Number.isFinite(config.requestPeriodMs))) fail('requestPeriodMs', 'a number >= 0');
  if (!(config.requestStartMs >= 0 && Number.isFinite(config.requestStartMs))) fail('requestStartMs', 'a number >= 0');
  if (!(config.requestTimeoutMs > 0 && Number.isFinite(config.requestTimeoutMs))) fail('requestTimeoutMs', 'a number > 0');
  if (!isInt(config.pendingMax, 1)) fail('pendingMax', 'an integer >= 1');
  if (!isInt(config.outcomesMax, 1)) fail('outcomesMax', 'an integer >= 1');
}

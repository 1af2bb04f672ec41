/** Every CAN parameter, fully filled: callers spread `defaultCanConfig` and override. */

export interface CanConfig {
  /** The node that owns the whole space at start; the others join through their bootstrap peers. */
  readonly zoneCreator: number;
  /** Node k sends its first join at k * joinStaggerMs (0: all at once). */
  readonly joinStaggerMs: number;
  /** A join answered "not joined yet" by a bootstrap peer is retried at the next one after this. */
  readonly joinRetryMs: number;
  /** A join with no answer at all is retried after this (a lost route; a late accept is then a duplicate). */
  readonly joinTimeoutMs: number;
  /** Every period a node sends its zone and neighbour list to its neighbours (heartbeat and repair). */
  readonly refreshPeriodMs: number;
  /**
   * A neighbour whose zone reports stopped this long is dropped, and each of its zones that
   * abuts one of ours becomes an orphan we compete to take over (the failure detector).
   */
  readonly neighbourTimeoutMs: number;
  /** Neighbours kept at most (a 2-d CAN of halved zones has about 4; more are refused and counted). */
  readonly neighboursMax: number;
  /** One lookup of a random point per period, recorded in the outcome log; 0 disables the workload. */
  readonly lookupPeriodMs: number;
  /** A lookup unanswered this long fails. */
  readonly lookupTimeoutMs: number;
  /** A join or lookup forwarded this many times is dropped (routing on stale neighbour sets). */
  readonly hopsMax: number;
  readonly lookupsInFlightMax: number;
  /** Finished lookups kept until drained (oldest dropped beyond it). */
  readonly outcomeLogMax: number;
  /**
   * The takeover timer of a candidate holding as much area as the orphaned zone; it scales with
   * the candidate's area (Ratnasamy et al.: proportional to its volume), capped at 8 times this,
   * so the smallest neighbour usually claims first.
   */
  readonly takeoverDelayMs: number;
  /**
   * After sending TAKEOVER, a candidate waits this long for a better claim before taking the zone;
   * longer than a round trip between neighbours, so of claims racing in the same instant only the
   * best survives.
   */
  readonly takeoverClaimWaitMs: number;
  /** A candidate that yielded claims again after this if the zone is still nobody's (the winner died). */
  readonly takeoverRetryMs: number;
  /**
   * Zones a node holds at most (its own plus taken-over ones not merged into a sibling). A node
   * holding this many does not compete for another zone unless it merges (counted in
   * can.takeover.full); a zone handed to it beyond the bound is counted in can.zones.lost.
   */
  readonly zonesMax: number;
}

const DEFAULT_TAKEOVER_DELAY_MS = 2000;
const DEFAULT_TAKEOVER_CLAIM_WAIT_MS = 1000;
const DEFAULT_TAKEOVER_RETRY_MS = 15_000;
const DEFAULT_ZONES_MAX = 4;

export const defaultCanConfig: CanConfig = {
  zoneCreator: 0,
  joinStaggerMs: 500,
  joinRetryMs: 1000,
  joinTimeoutMs: 30_000,
  refreshPeriodMs: 5000,
  neighbourTimeoutMs: 16_000,
  neighboursMax: 64,
  lookupPeriodMs: 10_000,
  lookupTimeoutMs: 10_000,
  hopsMax: 256,
  lookupsInFlightMax: 16,
  outcomeLogMax: 256,
  takeoverDelayMs: DEFAULT_TAKEOVER_DELAY_MS,
  takeoverClaimWaitMs: DEFAULT_TAKEOVER_CLAIM_WAIT_MS,
  takeoverRetryMs: DEFAULT_TAKEOVER_RETRY_MS,
  zonesMax: DEFAULT_ZONES_MAX,
};

export function validateCanConfig(config: CanConfig): void {
  const fail = (field: keyof CanConfig, expected: string): never => {
    throw new RangeError(`CanConfig.${field}: expected ${expected}, got ${String(config[field])}`);
  };
  const int = (field: keyof CanConfig, min: number): void => {
    const v = config[field];
    if (!(Number.isInteger(v) && v >= min)) fail(field, `an integer >= ${min}`);
  };
  const positive = (field: keyof CanConfig): void => {
    if (!(config[field] > 0)) fail(field, 'a number > 0');
  };
  int('zoneCreator', 0);
  if (!(config.joinStaggerMs >= 0)) fail('joinStaggerMs', 'a number >= 0');
  positive('joinRetryMs');
  positive('joinTimeoutMs');
  positive('refreshPeriodMs');
  if (!(config.neighbourTimeoutMs > config.refreshPeriodMs)) fail('neighbourTimeoutMs', 'a number > refreshPeriodMs');
  int('neighboursMax', 4);
  if (!(config.lookupPeriodMs >= 0)) fail('lookupPeriodMs', 'a number >= 0');
  positive('lookupTimeoutMs');
  int('hopsMax', 1);
  int('lookupsInFlightMax', 1);
  int('outcomeLogMax', 1);
  if (!(config.takeoverDelayMs >= 0)) fail('takeoverDelayMs', 'a number >= 0');
  positive('takeoverClaimWaitMs');
  if (!(config.takeoverRetryMs > config.takeoverClaimWaitMs)) fail('takeoverRetryMs', 'a number > takeoverClaimWaitMs');
  int('zonesMax', 1);
}

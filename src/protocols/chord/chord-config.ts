/**
 * Every Chord parameter, fully filled: callers spread `defaultChordConfig` and override.
 * Defaults follow SimGrid's s4u-dht-chord example (stabilize every 20 s, fix one finger every
 * 120 s, check the predecessor every 120 s, one lookup every 10 s, 50 s timeouts), except the
 * identifier width: 32 bits rather than 24, because identifiers are hashed from node ids here
 * and 32 bits make that hash collision-free.
 */

export interface ChordConfig {
  /** m: identifiers live on a ring of 2^idBits (1..32). */
  readonly idBits: number;
  /** r: successors kept (successorListLengthFor(n) = ceil(log2 n) is the usual choice). */
  readonly successorListLength: number;
  readonly stabilizePeriodMs: number;
  readonly fixFingersPeriodMs: number;
  /** Fingers refreshed by a lookup per period (fingers whose start falls before the successor are set locally, free). */
  readonly fingersPerFix: number;
  readonly checkPredecessorPeriodMs: number;
  /** One lookup of a random key per period, recorded in the outcome log; 0 disables the workload. */
  readonly lookupPeriodMs: number;
  /** A peer silent this long after a request is taken for dead (every request of this protocol). */
  readonly rpcTimeoutMs: number;
  /** A lookup whose route failed restarts from the origin at most this many times. */
  readonly lookupRetries: number;
  /** A lookup attempt longer than this many hops fails (routing loops while the ring is unsettled). */
  readonly lookupHopsMax: number;
  /**
   * Lookups (workload, finger fixes) in flight per node; a workload lookup beyond it is skipped.
   * Service lookups (`ChordProtocol.lookup`) have a budget of their own of the same size.
   */
  readonly lookupsInFlightMax: number;
  /** The node that creates the ring (others join through their bootstrap peers, retrying every stabilize period). */
  readonly ringCreator: number;
  /** Finished workload lookups kept until drained (oldest dropped beyond it). */
  readonly outcomeLogMax: number;
  /** Proximity neighbour selection of fingers, when the node has a coordinate source. */
  readonly proximity: boolean;
  /**
   * How workload and service lookups travel. 'iterative': the origin asks each hop in turn and falls back to
   * a hop's backup when one is silent (robust under churn; 2 messages per hop). 'recursive': each
   * hop forwards the request and the owner answers the origin (hops + 1 messages, as in SimGrid's
   * example); a dead hop loses the request, and the origin retries after `rpcTimeoutMs`.
   * Joins, successor checks and finger fixes are always iterative.
   */
  readonly lookupStyle: LookupStyle;
  /**
   * Recent notifiers a node remembers to answer a get-pred from far behind with the node nearest
   * after the asker (see NotifierCache); 0 answers with the predecessor only, as plain Chord.
   */
  readonly notifierHints: number;
}

export const LOOKUP_STYLES = ['iterative', 'recursive'] as const;
export type LookupStyle = (typeof LOOKUP_STYLES)[number];

export const defaultChordConfig: ChordConfig = {
  idBits: 32,
  successorListLength: 16,
  stabilizePeriodMs: 20_000,
  fixFingersPeriodMs: 120_000,
  fingersPerFix: 1,
  checkPredecessorPeriodMs: 120_000,
  lookupPeriodMs: 10_000,
  rpcTimeoutMs: 50_000,
  lookupRetries: 2,
  lookupHopsMax: 64,
  lookupsInFlightMax: 16,
  ringCreator: 0,
  outcomeLogMax: 256,
  proximity: true,
  lookupStyle: 'iterative',
  notifierHints: 16,
};

/** ceil(log2 n), at least 1: the successor list length that survives the failure of half the nodes. */
export function successorListLengthFor(nodeCount: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(2, nodeCount))));
}

export function validateChordConfig(config: ChordConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`ChordConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  const positiveInt = (field: keyof ChordConfig, min: number): void => {
    const v = config[field];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) fail(field, `an integer >= ${min}`);
  };
  if (!(Number.isInteger(config.idBits) && config.idBits >= 1 && config.idBits <= 32)) fail('idBits', 'an integer in [1, 32]');
  positiveInt('successorListLength', 1);
  if (config.successorListLength > 256) fail('successorListLength', 'at most 256');
  if (!(config.stabilizePeriodMs > 0)) fail('stabilizePeriodMs', 'a number > 0');
  if (!(config.fixFingersPeriodMs > 0)) fail('fixFingersPeriodMs', 'a number > 0');
  positiveInt('fingersPerFix', 1);
  if (!(config.checkPredecessorPeriodMs > 0)) fail('checkPredecessorPeriodMs', 'a number > 0');
  if (!(config.lookupPeriodMs >= 0)) fail('lookupPeriodMs', 'a number >= 0');
  if (!(config.rpcTimeoutMs > 0)) fail('rpcTimeoutMs', 'a number > 0');
  positiveInt('lookupRetries', 0);
  positiveInt('lookupHopsMax', 1);
  positiveInt('lookupsInFlightMax', 1);
  positiveInt('ringCreator', 0);
  positiveInt('outcomeLogMax', 1);
  if (typeof config.proximity !== 'boolean') fail('proximity', 'a boolean');
  positiveInt('notifierHints', 0);
  if (config.notifierHints > 256) fail('notifierHints', 'at most 256');
  if (!LOOKUP_STYLES.includes(config.lookupStyle)) fail('lookupStyle', `one of ${LOOKUP_STYLES.join(', ')}`);
}

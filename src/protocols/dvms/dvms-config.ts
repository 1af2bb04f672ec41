/**
 * Every DVMS parameter, fully filled: callers spread `defaultDvmsConfig` and override.
 * Defaults follow the published DVMS (Quesnel, Lebre, Südholt, CCPE 2012), DVMS2
 * (BeyondTheClouds/DVMS) and VMPlaceS: monitoring every second, at least 4 hosts before the first
 * plan, keep-alives every second and members leaving after 4 s without one (published 3.5-4.5 s).
 */
import { DEFAULT_PLANNING_COST, DVMS_TIME_LIMIT_MS, type PlanningCostModel, validatePlanningCost } from '../../placement/cost-model.js';
import { DEFAULT_SEARCH_STEPS_MAX } from '../../placement/plan.js';
import type { VeConstraint } from '../../placement/problem.js';
import { type PolicyFacts, policyFactsFault } from '../policy-view.js';

export const DVMS_VARIANTS = ['ring', 'neighbour', 'locality'] as const;
/**
 * Where an ISP goes next: 'ring' the ring successor (the original DVMS); 'neighbour' the first
 * overlay neighbour outside the partition (DVMS2); 'locality' nowhere: the initiator stays leader
 * and pulls the nearest free node by estimated RTT, one at a time.
 */
export type DvmsVariant = (typeof DVMS_VARIANTS)[number];

export interface DvmsConfig {
  readonly variant: DvmsVariant;
  /** Each node compares its CPU demand with its capacity this often. */
  readonly monitorPeriodMs: number;
  /** A host is overloaded when its demand exceeds cores x this (1.0: demand above capacity); plans keep hosts under it too. */
  readonly overloadThreshold: number;
  /** Hosts a partition gathers before its first plan (VMPlaceS: 4). */
  readonly partitionSizeMin: number;
  /** A partition never grows beyond this; one that cannot plan at this size is dissolved. */
  readonly partitionSizeMax: number;
  /** A leader sends its members a keep-alive this often. */
  readonly keepAlivePeriodMs: number;
  /** A member without news of its leader this long leaves the partition; a leader drops a member silent this long. */
  readonly memberTimeoutMs: number;
  /** An ISP, pull or merge question not answered this long: the peer is suspected and the next one is tried. */
  readonly forwardTimeoutMs: number;
  /** Next nodes tried for one ISP hop after the first timed out, before the hop gives up. */
  readonly forwardRetriesMax: number;
  /** ISP hops a node awaits acknowledgements for; an ISP beyond it is not acknowledged (the sender tries elsewhere). */
  readonly forwardsInFlightMax: number;
  /** An ISP passed on more than this many times since its leader sent it goes back to its leader (as if around the ring): set it above the number of hosts. */
  readonly ispHopsMax: number;
  /** A leader whose ISP has been out this long without news (a join, a return) dissolves the partition. */
  readonly ispTimeoutMs: number;
  /** A leader that agreed to be merged waits this long for the merge before it dissolves. */
  readonly mergeLockTimeoutMs: number;
  /** Locality variant: nodes asked to join one partition at most. */
  readonly pullAttemptsMax: number;
  /** Peers that failed to answer, avoided as next nodes for `suspectTimeMs`; at most this many remembered. */
  readonly suspectsMax: number;
  readonly suspectTimeMs: number;
  /** Modelled computing time of a plan, waited on a timer before the plan is applied (default: DVMS2's 2 s limit). */
  readonly planningCost: PlanningCostModel;
  /** The planner's search budget (steps); a search that exhausts it fails, and the partition grows. */
  readonly planSearchStepsMax: number;
  /** A leader waits this long for its migrations to be reported, then counts the rest as failed and dissolves. */
  readonly migrationTimeoutMs: number;
  /** Migrations a source host runs at once for DVMS; the others wait in its queue. */
  readonly migrationsPerHostMax: number;
  /** A host with more VMs than this neither starts an ISP nor joins a partition (bounds messages and queues). */
  readonly vmsPerHostMax: number;
  /** VE constraints the plans must respect (scope 'site' ones pin their VMs: a partition sees only part of a site). */
  readonly constraints: readonly VeConstraint[];
  /** The VM count of each VE (by id), so a plan knows when it sees only part of a gather. */
  readonly veSizes: readonly number[];
  /** User policies and the static facts they need, narrowed to what a partition sees (`policy-view.ts`); null: none. */
  readonly policies: PolicyFacts | null;
  /** Finished ISPs kept until drained (oldest dropped beyond it). */
  readonly outcomeLogMax: number;
}

export const defaultDvmsConfig: DvmsConfig = {
  variant: 'ring',
  monitorPeriodMs: 1000,
  overloadThreshold: 1,
  partitionSizeMin: 4,
  partitionSizeMax: 64,
  keepAlivePeriodMs: 1000,
  memberTimeoutMs: 4000,
  forwardTimeoutMs: 1000,
  forwardRetriesMax: 3,
  forwardsInFlightMax: 64,
  ispHopsMax: 4096,
  ispTimeoutMs: 30_000,
  mergeLockTimeoutMs: 2000,
  pullAttemptsMax: 64,
  suspectsMax: 16,
  suspectTimeMs: 30_000,
  planningCost: { ...DEFAULT_PLANNING_COST, timeLimitMs: DVMS_TIME_LIMIT_MS },
  planSearchStepsMax: DEFAULT_SEARCH_STEPS_MAX,
  migrationTimeoutMs: 120_000,
  migrationsPerHostMax: 2,
  vmsPerHostMax: 256,
  constraints: [],
  veSizes: [],
  policies: null,
  outcomeLogMax: 256,
};

export function validateDvmsConfig(config: DvmsConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`DvmsConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  const integer = (field: keyof DvmsConfig, min: number): void => {
    const v = config[field];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) fail(field, `an integer >= ${min}`);
  };
  const positive = (field: keyof DvmsConfig): void => {
    const v = config[field];
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) fail(field, 'a finite number > 0');
  };
  if (!DVMS_VARIANTS.includes(config.variant)) fail('variant', `one of ${DVMS_VARIANTS.join(', ')}`);
  positive('monitorPeriodMs');
  positive('overloadThreshold');
  integer('partitionSizeMin', 2);
  integer('partitionSizeMax', config.partitionSizeMin);
  positive('keepAlivePeriodMs');
  if (!(config.memberTimeoutMs > config.keepAlivePeriodMs && Number.isFinite(config.memberTimeoutMs))) fail('memberTimeoutMs', `a finite number > keepAlivePeriodMs (${config.keepAlivePeriodMs})`);
  positive('forwardTimeoutMs');
  integer('forwardRetriesMax', 0);
  integer('forwardsInFlightMax', 1);
  integer('ispHopsMax', 1);
  if (!(config.ispTimeoutMs > config.forwardTimeoutMs && Number.isFinite(config.ispTimeoutMs))) fail('ispTimeoutMs', `a finite number > forwardTimeoutMs (${config.forwardTimeoutMs})`);
  positive('mergeLockTimeoutMs');
  integer('pullAttemptsMax', 1);
  integer('suspectsMax', 1);
  positive('suspectTimeMs');
  if (typeof config.planningCost !== 'object' || config.planningCost === null) fail('planningCost', 'a PlanningCostModel');
  validatePlanningCost(config.planningCost);
  integer('planSearchStepsMax', 1);
  positive('migrationTimeoutMs');
  integer('migrationsPerHostMax', 1);
  integer('vmsPerHostMax', 1);
  if (!Array.isArray(config.constraints)) fail('constraints', 'an array of VE constraints');
  if (!(Array.isArray(config.veSizes) && config.veSizes.every((n) => Number.isInteger(n) && n >= 1))) fail('veSizes', 'an array of integers >= 1');
  if (config.policies !== null && policyFactsFault(config.policies) !== '') fail('policies', `facts whose ${policyFactsFault(config.policies)}`);
  integer('outcomeLogMax', 1);
}

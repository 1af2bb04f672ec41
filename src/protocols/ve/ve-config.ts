/**
 * Every parameter of the VE lifecycle protocol, fully filled: callers spread `defaultVeConfig`
 * and override. A VE's record lives at the owner of its key (`veKey`); the hosts of its members
 * re-report them every `refreshPeriodMs`, and the owner forgets a member's host after
 * `entryTtlMs` without a report.
 *
 * Timeouts: the issuing node gives an operation `operationTimeoutMs` from the moment it is
 * issued (Chord lookup included; a relocation gets `migrationTimeoutMs` more); the owner gives
 * the hosts `hostAnswerTimeoutMs` to acknowledge a command (`+ migrationTimeoutMs` for a
 * migration), shorter, so that a silent host is reported as such before the issuer gives up.
 *
 * Workload (scenarios): every `workloadPeriodMs` each node draws a VE uniformly from
 * 0..veCount-1 and an operation by the shares below (they sum to 1).
 */
import type { VeConstraint } from '../../placement/problem.js';

/**
 * Where a VE's record lives: 'soft', at its owner alone, kept by the hosts' reports and their
 * copies; 'store', its durable state in the node's replicated store (read at R before every
 * request, written at W before every answer that changed it).
 */
export type VeRegistry = 'soft' | 'store';
export const VE_REGISTRIES: readonly VeRegistry[] = ['soft', 'store'];

export interface VeConfig {
  /** VE ids the workload draws from, uniformly: 0..veCount-1. */
  readonly veCount: number;
  /** Relocation targets the workload draws from, uniformly: nodes 0..targetNodeCount-1 (the host count). */
  readonly targetNodeCount: number;
  /** Each node issues one workload operation per period; 0 disables the workload. */
  readonly workloadPeriodMs: number;
  /** A node's first workload operation waits this long after it starts (the ring and the reports settle first). */
  readonly workloadStartMs: number;
  /** Share of workload operations that are finds. */
  readonly findShare: number;
  /** Share that suspend a VE, then resume it `suspendDurationMs` later. */
  readonly suspendShare: number;
  /** Share that find a VE, then relocate one of its members (drawn uniformly) to a node drawn uniformly. */
  readonly relocateShare: number;
  /** Share that stop a VE (its departure), then start it again `departureDurationMs` later (its re-arrival). */
  readonly departureShare: number;
  readonly suspendDurationMs: number;
  readonly departureDurationMs: number;
  /** An operation not finished this long after it was issued fails ('timeout'). */
  readonly operationTimeoutMs: number;
  /**
   * The owner waits this long for the hosts' acknowledgements of a command, and for a
   * relocation's target to say where it is (less than half operationTimeoutMs, so that a silent
   * host is reported as such before the issuer gives up).
   */
  readonly hostAnswerTimeoutMs: number;
  /** Added to both waits for a relocation (a live migration takes seconds to minutes). */
  readonly migrationTimeoutMs: number;
  /** The hosting node re-reports the VE members it hosts this often (soft state). */
  readonly refreshPeriodMs: number;
  /** An owner forgets a member's host not reported for this long (more than one refresh period). */
  readonly entryTtlMs: number;
  /** A report Chord refused (not in a ring yet, lookups busy) or that failed is retried after this. */
  readonly reportRetryMs: number;
  /** VE records an owner keeps (configured ones and placeholders from reports); beyond it, configure fails ('full'). */
  readonly vesMax: number;
  /** Members of one VE; a larger `configure` is a RangeError, a larger message is dropped. */
  readonly membersMax: number;
  /** VE members a node reports as hosted; one arriving beyond it is not reported (counted). */
  readonly hostedMax: number;
  /** Operations issued by a node and not finished yet; one beyond it fails at once ('busy'). */
  readonly opsInFlightMax: number;
  /** Commands an owner coordinates at once (one per VE at most); one beyond it fails ('busy'). */
  readonly coordinationsMax: number;
  /** Relocations a host migrates at once, and waiting in its queue. */
  readonly migrationsInFlightMax: number;
  readonly migrationQueueMax: number;
  /** Finished operations kept until drained (oldest dropped beyond it). */
  readonly outcomeLogMax: number;
  /**
   * The VE constraints a relocation must keep (the cloud's, as the schedulers get them): a
   * relocation of a member of a constrained VE first asks the target where it is.
   */
  readonly constraints: readonly VeConstraint[];
  readonly registry: VeRegistry;
}

export const defaultVeConfig: VeConfig = {
  veCount: 100,
  targetNodeCount: 1,
  workloadPeriodMs: 0,
  workloadStartMs: 0,
  findShare: 0.7,
  suspendShare: 0.1,
  relocateShare: 0.15,
  departureShare: 0.05,
  suspendDurationMs: 60_000,
  departureDurationMs: 300_000,
  operationTimeoutMs: 30_000,
  hostAnswerTimeoutMs: 10_000,
  migrationTimeoutMs: 600_000,
  refreshPeriodMs: 60_000,
  entryTtlMs: 180_000,
  reportRetryMs: 1000,
  vesMax: 4096,
  membersMax: 256,
  hostedMax: 1024,
  opsInFlightMax: 16,
  coordinationsMax: 64,
  migrationsInFlightMax: 2,
  migrationQueueMax: 16,
  outcomeLogMax: 256,
  constraints: [],
  registry: 'soft',
};

export function validateVeConfig(config: VeConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`VeConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  const integer = (field: keyof VeConfig, min: number): void => {
    const v = config[field];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) fail(field, `an integer >= ${min}`);
  };
  const atLeast = (field: keyof VeConfig, min: number): void => {
    const v = config[field];
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= min)) fail(field, `a finite number >= ${min}`);
  };
  const positive = (field: keyof VeConfig): void => {
    const v = config[field];
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) fail(field, 'a finite number > 0');
  };
  integer('veCount', 1);
  integer('targetNodeCount', 1);
  atLeast('workloadPeriodMs', 0);
  atLeast('workloadStartMs', 0);
  for (const share of ['findShare', 'suspendShare', 'relocateShare', 'departureShare'] as const) {
    const v = config[share];
    if (!(typeof v === 'number' && v >= 0 && v <= 1)) fail(share, 'a share in [0, 1]');
  }
  const sum = config.findShare + config.suspendShare + config.relocateShare + config.departureShare;
  if (!(Math.abs(sum - 1) <= 1e-9)) fail('departureShare', `shares that sum to 1 with findShare, suspendShare and relocateShare (they sum to ${sum})`);
  positive('suspendDurationMs');
  positive('departureDurationMs');
  positive('operationTimeoutMs');
  positive('hostAnswerTimeoutMs');
  if (!(2 * config.hostAnswerTimeoutMs < config.operationTimeoutMs)) fail('hostAnswerTimeoutMs', `a number < operationTimeoutMs / 2 (${config.operationTimeoutMs / 2})`);
  positive('migrationTimeoutMs');
  positive('refreshPeriodMs');
  if (!(typeof config.entryTtlMs === 'number' && config.entryTtlMs > config.refreshPeriodMs && Number.isFinite(config.entryTtlMs))) fail('entryTtlMs', `a finite number > refreshPeriodMs (${config.refreshPeriodMs})`);
  positive('reportRetryMs');
  integer('vesMax', 1);
  integer('membersMax', 1);
  integer('hostedMax', 1);
  integer('opsInFlightMax', 1);
  integer('coordinationsMax', 1);
  integer('migrationsInFlightMax', 1);
  integer('migrationQueueMax', 0);
  integer('outcomeLogMax', 1);
  if (!VE_REGISTRIES.includes(config.registry)) fail('registry', `one of ${VE_REGISTRIES.join(', ')}`);
  if (!Array.isArray(config.constraints)) fail('constraints', 'an array of VE constraints');
  config.constraints.forEach((c, i) => {
    const ok = typeof c === 'object' && c !== null && Number.isInteger(c.ve) && c.ve >= 0 && (c.kind === 'fence' ? Array.isArray(c.sites) && Array.isArray(c.countries) : (c.kind === 'gather' || c.kind === 'spread') && (c.scope === 'host' || c.scope === 'site'));
    if (!ok) throw new RangeError(`VeConfig.constraints[${i}]: expected a gather, spread or fence constraint on a VE id >= 0, got ${JSON.stringify(c)}`);
  });
}

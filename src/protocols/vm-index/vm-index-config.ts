/**
 * Every parameter of the VM location index, fully filled: callers spread `defaultVmIndexConfig`
 * and override. Entries are soft state: the hosting node re-publishes each of its VMs every
 * `refreshPeriodMs`, and an owner forgets an entry not refreshed for `entryTtlMs`; or, with
 * `registry: 'store'`, they live in the node's replicated store (no owner, refresh nor expiry).
 */

/** 'soft': entries at the owner of the VM's key on Chord; 'store': in the replicated store. */
export type VmIndexRegistry = 'soft' | 'store';
export const VM_INDEX_REGISTRIES: readonly VmIndexRegistry[] = ['soft', 'store'];

export interface VmIndexConfig {
  /** VM ids the locate workload draws from, uniformly: 0..vmCount-1. */
  readonly vmCount: number;
  /** Each node locates one VM per period; 0 disables the workload. */
  readonly locatePeriodMs: number;
  /** A node's first locate waits this long after it starts (the ring and the index settle first). */
  readonly locateStartMs: number;
  /** A locate whose owner has not answered this long after the get was sent fails. */
  readonly answerTimeoutMs: number;
  /** Locates in flight per node; one beyond it is refused (counted). */
  readonly locatesInFlightMax: number;
  /** The hosting node re-publishes each of its VMs this often (soft state). */
  readonly refreshPeriodMs: number;
  /** An owner forgets an entry not refreshed for this long (more than one refresh period). */
  readonly entryTtlMs: number;
  /** Entries an owner keeps; beyond it, the least recently refreshed is evicted (counted). */
  readonly entriesMax: number;
  /** VMs a node reports as hosted; a VM arriving beyond it is not indexed (counted). */
  readonly hostedMax: number;
  /** A publish Chord refused (not in a ring yet, lookups busy) or that failed is retried after this. */
  readonly publishRetryMs: number;
  /** Finished locates kept until drained (oldest dropped beyond it). */
  readonly outcomeLogMax: number;
  readonly registry: VmIndexRegistry;
}

export const defaultVmIndexConfig: VmIndexConfig = {
  vmCount: 1000,
  locatePeriodMs: 10_000,
  locateStartMs: 0,
  answerTimeoutMs: 10_000,
  locatesInFlightMax: 16,
  refreshPeriodMs: 60_000,
  entryTtlMs: 180_000,
  entriesMax: 4096,
  hostedMax: 1024,
  publishRetryMs: 1000,
  outcomeLogMax: 256,
  registry: 'soft',
};

export function validateVmIndexConfig(config: VmIndexConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`VmIndexConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  const integer = (field: keyof VmIndexConfig, min: number): void => {
    const v = config[field];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) fail(field, `an integer >= ${min}`);
  };
  integer('vmCount', 1);
  if (!(config.locatePeriodMs >= 0)) fail('locatePeriodMs', 'a number >= 0');
  if (!(config.locateStartMs >= 0)) fail('locateStartMs', 'a number >= 0');
  if (!(config.answerTimeoutMs > 0)) fail('answerTimeoutMs', 'a number > 0');
  integer('locatesInFlightMax', 1);
  if (!(config.refreshPeriodMs > 0)) fail('refreshPeriodMs', 'a number > 0');
  if (!(config.entryTtlMs > config.refreshPeriodMs)) fail('entryTtlMs', `a number > refreshPeriodMs (${config.refreshPeriodMs})`);
  integer('entriesMax', 1);
  integer('hostedMax', 1);
  if (!(config.publishRetryMs > 0)) fail('publishRetryMs', 'a number > 0');
  integer('outcomeLogMax', 1);
  if (!VM_INDEX_REGISTRIES.includes(config.registry)) fail('registry', `one of ${VM_INDEX_REGISTRIES.join(', ')}`);
}

/**
 * What a protocol of the agent needs of the replicated state store on its own node (the VE
 * registry, the VM location index): put a value under a key at the store's write quorum, get
 * the newest value at its read quorum. `protocols/store/` implements it; `agent/` hands the node's
 * store to the protocols that keep their state in it, so neither side imports the other.
 *
 * Keys: each kind of state has its own space (`stateKey`), apart from the store's own workload
 * (keys 0..keyCount-1, space 0), so a VE id and a VM id never share a key.
 */

/** A value: a list of finite numbers the client encodes its state in (the store never reads it). */
export type StateData = readonly number[];

/** What a get returns: `data` null when no home replica that answered held the key. */
export interface StateRead {
  /** False when R replicas did not answer within the store's request timeout. */
  readonly ok: boolean;
  readonly data: StateData | null;
}

export interface StateStore {
  /**
   * Write `data` under `key`; `done(true)` once W home replicas acknowledged it, `done(false)`
   * on a timeout (the write may still land). False, and `done` never called, when refused (too
   * many operations in flight). `done` always runs from a later event than the call.
   */
  put(key: number, data: StateData, done: (ok: boolean) => void): boolean;
  /** Read `key` at quorum R; same contract as `put`. */
  get(key: number, done: (read: StateRead) => void): boolean;
}

/** Ids of one space: [0, 2^31), as VE and VM ids are. */
export const STATE_SPACE_SIZE = 2 ** 31;
/** Spaces: 0 is the store's own workload; the VE registry's records; the VM index's entries. */
export const STATE_SPACE_VE = 1;
export const STATE_SPACE_VM = 2;
export const STATE_SPACES = 3;

/** The store key of id `id` in space `space`. */
export function stateKey(space: number, id: number): number {
  if (!(Number.isInteger(space) && space >= 0 && space < STATE_SPACES)) throw new RangeError(`stateKey: space must be an integer in [0, ${STATE_SPACES}), got ${space}`);
  if (!(Number.isInteger(id) && id >= 0 && id < STATE_SPACE_SIZE)) throw new RangeError(`stateKey: id must be an integer in [0, 2^31), got ${id}`);
  return space * STATE_SPACE_SIZE + id;
}

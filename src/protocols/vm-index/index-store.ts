/**
 * The entries an owner holds: VM id -> (host, version), soft state. Pure: time is an argument.
 *   - versions: a put whose version is below the entry's is rejected ('older'), so a late put of
 *     a VM's previous host never overwrites its newer location; an equal version refreshes the
 *     entry (same host) or is rejected as a conflict (another host: the first one is kept);
 *   - expiry: an entry not refreshed for `ttlMs` is gone (read as unknown, purged lazily by
 *     puts, gets and `sweep`); an expired entry no longer guards its version, so any put is taken;
 *   - bound: at most `entriesMax` entries. A new VM beyond it first purges expired entries, then
 *     evicts the least recently refreshed one (the next to expire anyway), counted in `evicted`;
 *     the evicted VM is unknown here until its host's next refresh, which evicts another in turn:
 *     beyond the bound the index is lossy, never unbounded.
 * The map is kept in refresh order (an entry refreshed moves to the back), so with one TTL the
 * front is the next to expire: purging and eviction cost O(1) per entry.
 */
import type { NodeId } from '../../runtime/context.js';

export type PutResult = 'stored' | 'refreshed' | 'older' | 'conflict';

export interface IndexEntry {
  readonly host: NodeId;
  readonly version: number;
}

interface Slot {
  host: NodeId;
  version: number;
  expiresAtMs: number;
}

export class IndexStore {
  private readonly entries = new Map<number, Slot>();
  /** Entries evicted by the bound (not expired ones). */
  evicted = 0;
  /** Entries that expired (purged, or replaced after expiring). */
  expired = 0;

  constructor(
    readonly entriesMax: number,
    readonly ttlMs: number,
  ) {
    if (!(Number.isInteger(entriesMax) && entriesMax >= 1)) throw new RangeError(`entriesMax must be an integer >= 1, got ${entriesMax}`);
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${ttlMs}`);
  }

  get size(): number {
    return this.entries.size;
  }

  put(vm: number, host: NodeId, version: number, nowMs: number): PutResult {
    const slot = this.entries.get(vm);
    if (slot !== undefined && slot.expiresAtMs > nowMs) {
      if (version < slot.version) return 'older';
      if (version === slot.version && host !== slot.host) return 'conflict';
      const refreshed = version === slot.version;
      this.entries.delete(vm); // to the back: refresh order
      slot.host = host;
      slot.version = version;
      slot.expiresAtMs = nowMs + this.ttlMs;
      this.entries.set(vm, slot);
      return refreshed ? 'refreshed' : 'stored';
    }
    if (slot !== undefined) {
      this.entries.delete(vm);
      this.expired++;
    }
    if (this.entries.size >= this.entriesMax) {
      this.sweep(nowMs);
      if (this.entries.size >= this.entriesMax) {
        const oldest = this.entries.keys().next().value as number;
        this.entries.delete(oldest);
        this.evicted++;
      }
    }
    this.entries.set(vm, { host, version, expiresAtMs: nowMs + this.ttlMs });
    return 'stored';
  }

  /** The live entry of `vm`, or null (never stored, evicted, or expired). */
  get(vm: number, nowMs: number): IndexEntry | null {
    const slot = this.entries.get(vm);
    if (slot === undefined) return null;
    if (slot.expiresAtMs <= nowMs) {
      this.entries.delete(vm);
      this.expired++;
      return null;
    }
    return { host: slot.host, version: slot.version };
  }

  /** Purge the expired entries (all at the front); returns how many. */
  sweep(nowMs: number): number {
    let purged = 0;
    for (const [vm, slot] of this.entries) {
      if (slot.expiresAtMs > nowMs) break;
      this.entries.delete(vm);
      purged++;
    }
    this.expired += purged;
    return purged;
  }
}

/**
 * The values a node holds as a replica: key -> (version, value), newest version wins
 * (last-writer-wins on hybrid timestamps). Pure: no time, no messages. Digests of a key range,
 * one hash per bucket (order-independent sums of a mix of key and version), let two replicas find
 * the buckets where they differ without sending the keys.
 */
import { compareVersions, type Version } from './hlc.js';
import { bucketOf, inRange, type KeyRange, storeKey } from './store-ring.js';

export interface StoredValue extends Version {
  /** The write's id (the workload's random value; any client's write draws one too). */
  readonly value: number;
  /** The client's payload (`StateStore.put`); empty for the workload's registers. */
  readonly data: readonly number[];
}

/** A stored value with its key, as it travels in anti-entropy and hand-off messages. */
export interface KeyedValue extends StoredValue {
  readonly key: number;
}

export class ReplicaTable {
  private readonly values = new Map<number, StoredValue>();

  get size(): number {
    return this.values.size;
  }

  get(key: number): StoredValue | undefined {
    return this.values.get(key);
  }

  /** Keeps `value` if it is newer than what the key holds; true if it did. */
  put(key: number, value: StoredValue): boolean {
    const held = this.values.get(key);
    if (held !== undefined && compareVersions(value, held) <= 0) return false;
    this.values.set(key, { ts: value.ts, writer: value.writer, value: value.value, data: value.data });
    return true;
  }

  /** One hash per bucket of `range` over the keys held in it. */
  digest(range: KeyRange, buckets: number): number[] {
    const hashes = new Array<number>(buckets).fill(0);
    for (const [key, held] of this.values) {
      const position = storeKey(key);
      if (!inRange(position, range)) continue;
      const b = bucketOf(position, range, buckets);
      hashes[b] = (hashes[b] + entryHash(key, held)) >>> 0;
    }
    return hashes;
  }

  /** The entries of `range` in the listed buckets, at most `max` (in the table's order). */
  entriesIn(range: KeyRange, buckets: number, which: ReadonlySet<number>, max: number): KeyedValue[] {
    const out: KeyedValue[] = [];
    for (const [key, held] of this.values) {
      if (out.length >= max) break;
      const position = storeKey(key);
      if (inRange(position, range) && which.has(bucketOf(position, range, buckets))) out.push({ key, ...held });
    }
    return out;
  }
}

/** A 32-bit mix of a key and its version (lowbias32 rounds over the fields). */
export function entryHash(key: number, version: Version): number {
  let h = key | 0;
  for (const word of [version.ts % 0x100000000, Math.floor(version.ts / 0x100000000), version.writer]) {
    h = Math.imul(h ^ (word | 0), 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * The long links a node has learnt from the requests it saw, distance-stratified: one bucket per
 * octave of coordinate distance from self (bucket 0 below `baseMs`, the last open-ended), each
 * of at most `perBucket` links. Replacement: least recently seen first (LRU inside a bucket), so
 * a bucket's share never depends on how often its octave is offered. An octave per bucket gives
 * Kleinberg's d^-2 law on a plane. Bounded by buckets * perBucket; no duplicates; never self.
 */
import type { NodeId } from '../../runtime/context.js';
import type { RoutedNode } from './routing-messages.js';

export interface LongLinkCacheParams {
  readonly buckets: number;
  readonly perBucket: number;
  readonly baseMs: number;
}

/** The bucket of a link at `distMs`: 0 below baseMs, then one per octave, capped at buckets - 1. */
export function bucketOf(distMs: number, params: LongLinkCacheParams): number {
  if (!(distMs >= params.baseMs)) return 0;
  // Compare against powers of two rather than Math.log2, so the last bit of a log never decides.
  let b = 1;
  let upperMs = 2 * params.baseMs;
  while (distMs >= upperMs && b < params.buckets - 1) {
    b++;
    upperMs *= 2;
  }
  return Math.min(b, params.buckets - 1);
}

export class LongLinkCache {
  /** Per bucket, least recently seen first. */
  private readonly buckets: RoutedNode[][];
  private count = 0;

  constructor(private readonly params: LongLinkCacheParams) {
    if (!(Number.isInteger(params.buckets) && params.buckets >= 1)) throw new RangeError(`long-link buckets must be an integer >= 1, got ${params.buckets}`);
    if (!(Number.isInteger(params.perBucket) && params.perBucket >= 0)) throw new RangeError(`long links per bucket must be an integer >= 0, got ${params.perBucket}`);
    this.buckets = Array.from({ length: params.buckets }, () => []);
  }

  get capacity(): number {
    return this.params.buckets * this.params.perBucket;
  }

  get size(): number {
    return this.count;
  }

  /** Offer `node` seen at `distMs` from self: it becomes the most recent of its bucket. */
  offer(node: RoutedNode, distMs: number): void {
    if (this.params.perBucket === 0 || !Number.isFinite(distMs)) return;
    this.remove(node.peer);
    const bucket = this.buckets[bucketOf(distMs, this.params)];
    if (bucket.length >= this.params.perBucket) {
      bucket.shift();
      this.count--;
    }
    bucket.push(node);
    this.count++;
    if (this.count > this.capacity) throw new Error(`long-link cache holds ${this.count} > ${this.capacity}`);
  }

  remove(peer: NodeId): void {
    for (const bucket of this.buckets) {
      const i = bucket.findIndex((n) => n.peer === peer);
      if (i >= 0) {
        bucket.splice(i, 1);
        this.count--;
        return;
      }
    }
  }

  /** Every link, bucket by bucket (nearest octave first), least recent first inside a bucket. */
  links(): RoutedNode[] {
    return this.buckets.flat();
  }
}

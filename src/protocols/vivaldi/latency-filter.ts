/**
 * Latency filter (Ledlie, Gardner, Seltzer, NSDI 2007; Serf keeps 3): the RTT fed to Vivaldi is
 * the median of the last `samplesMax` raw samples from that peer, which discards the occasional
 * queueing spike of live networks. At most `peersMax` peers are remembered; the peer heard from
 * least recently is forgotten first.
 */
import type { NodeId } from '../../runtime/context.js';

/**
 * Peers' samples live in records of one Float64Array, [count, next, heardAt, samples...], found
 * by slot: a sample costs one map lookup and one record, not three objects to chase (this runs
 * for every pong, and a node remembers hundreds of peers).
 */
const COUNT = 0;
/** Where the next sample goes: the window is a ring, the oldest sample overwritten first. */
const NEXT = 1;
/** Logical time of the last sample: the smallest is the least recently heard peer. */
const HEARD_AT = 2;
const SAMPLES = 3;

export class LatencyFilter {
  private readonly slotByPeer = new Map<NodeId, number>();
  private slotPeer: number[] = [];
  private readonly freeSlots: number[] = [];
  private records: Float64Array;
  private readonly stride: number;
  private clock = 0;
  /** Scratch for medians of more than three samples. */
  private readonly window: number[] = [];

  constructor(
    private readonly samplesMax: number,
    private readonly peersMax: number,
  ) {
    if (!(samplesMax >= 1 && Number.isInteger(samplesMax))) throw new RangeError(`samplesMax must be an integer >= 1, got ${samplesMax}`);
    if (!(peersMax >= 1 && Number.isInteger(peersMax))) throw new RangeError(`peersMax must be an integer >= 1, got ${peersMax}`);
    this.stride = SAMPLES + samplesMax;
    // Grown by doubling up to peersMax records, so a node that hears few peers stays small.
    this.records = new Float64Array(Math.min(peersMax, 8) * this.stride);
  }

  get size(): number {
    return this.slotByPeer.size;
  }

  /** Record a raw sample and return the filtered RTT (the median of the recent ones). */
  push(peer: NodeId, rttMs: number): number {
    let slot = this.slotByPeer.get(peer);
    if (slot === undefined) {
      if (this.slotByPeer.size >= this.peersMax) this.forget(this.leastRecentlyHeard());
      slot = this.allocate(peer);
    }
    const records = this.records;
    const at = slot * this.stride;
    records[at + HEARD_AT] = ++this.clock;
    const next = records[at + NEXT];
    records[at + SAMPLES + next] = rttMs;
    records[at + NEXT] = next + 1 === this.samplesMax ? 0 : next + 1;
    if (records[at + COUNT] < this.samplesMax) records[at + COUNT]++;
    return this.medianAt(at);
  }

  /** The filtered RTT to `peer`, or undefined if it was never measured (or was forgotten). */
  filteredMs(peer: NodeId): number | undefined {
    const slot = this.slotByPeer.get(peer);
    return slot === undefined ? undefined : this.medianAt(slot * this.stride);
  }

  forget(peer: NodeId): void {
    const slot = this.slotByPeer.get(peer);
    if (slot === undefined) return;
    this.slotByPeer.delete(peer);
    this.slotPeer[slot] = -1;
    this.freeSlots.push(slot);
  }

  private allocate(peer: NodeId): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotPeer.length;
      this.slotPeer.push(peer);
      if ((slot + 1) * this.stride > this.records.length) {
        const grown = new Float64Array(Math.min(this.peersMax, 2 * (slot + 1)) * this.stride);
        grown.set(this.records);
        this.records = grown;
      }
    }
    this.slotPeer[slot] = peer;
    this.slotByPeer.set(peer, slot);
    this.records.fill(0, slot * this.stride, slot * this.stride + SAMPLES);
    return slot;
  }

  /** A scan, but only when the filter is full and a new peer arrives. */
  private leastRecentlyHeard(): NodeId {
    let oldest = -1;
    let oldestAt = Infinity;
    for (let slot = 0; slot < this.slotPeer.length; slot++) {
      if (this.slotPeer[slot] < 0) continue;
      const heardAt = this.records[slot * this.stride + HEARD_AT];
      if (heardAt < oldestAt) {
        oldest = this.slotPeer[slot];
        oldestAt = heardAt;
      }
    }
    return oldest;
  }

  /** Median of the record's samples (their order in the ring does not matter to a median). */
  private medianAt(at: number): number {
    const records = this.records;
    const n = records[at + COUNT];
    const s = at + SAMPLES;
    if (n === 1) return records[s];
    if (n === 2) return (records[s] + records[s + 1]) / 2;
    if (n === 3) return medianOfThree(records[s], records[s + 1], records[s + 2]);
    const window = this.window;
    window.length = 0;
    for (let k = 0; k < n; k++) window.push(records[s + k]);
    return median(window);
  }
}

function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) throw new RangeError('median of an empty list');
  // The filter's usual sizes, without allocating (this runs for every sample).
  if (n === 1) return values[0];
  if (n === 2) return (values[0] + values[1]) / 2;
  if (n === 3) return medianOfThree(values[0], values[1], values[2]);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

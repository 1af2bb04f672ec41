/**
 * Latency filter (Ledlie, Gardner, Seltzer, NSDI 2007; Serf keeps 3): the RTT fed to Vivaldi is
 * the median of the last `samplesMax` raw samples from that peer, which discards the occasional
 * queueing spike of live networks. At most `peersMax` peers are remembered; the peer heard from
 * least recently is forgotten first.
 */
import type { NodeId } from '../../runtime/context.js';

interface PeerSamples {
  readonly samples: number[];
  /** Logical time of the last sample: the smallest is the least recently heard peer. */
  heardAt: number;
}

export class LatencyFilter {
  private readonly samplesByPeer = new Map<NodeId, PeerSamples>();
  private clock = 0;

  constructor(
    private readonly samplesMax: number,
    private readonly peersMax: number,
  ) {
    if (!(samplesMax >= 1 && Number.isInteger(samplesMax))) throw new RangeError(`samplesMax must be an integer >= 1, got ${samplesMax}`);
    if (!(peersMax >= 1 && Number.isInteger(peersMax))) throw new RangeError(`peersMax must be an integer >= 1, got ${peersMax}`);
  }

  get size(): number {
    return this.samplesByPeer.size;
  }

  /** Record a raw sample and return the filtered RTT (the median of the recent ones). */
  push(peer: NodeId, rttMs: number): number {
    let entry = this.samplesByPeer.get(peer);
    if (entry === undefined) {
      if (this.samplesByPeer.size >= this.peersMax) this.forget(this.leastRecentlyHeard());
      entry = { samples: [], heardAt: 0 };
      this.samplesByPeer.set(peer, entry);
    }
    entry.heardAt = ++this.clock;
    const samples = entry.samples;
    samples.push(rttMs);
    if (samples.length > this.samplesMax) samples.shift();
    return median(samples);
  }

  /** The filtered RTT to `peer`, or undefined if it was never measured (or was forgotten). */
  filteredMs(peer: NodeId): number | undefined {
    const entry = this.samplesByPeer.get(peer);
    return entry === undefined ? undefined : median(entry.samples);
  }

  /** A scan, but only when the filter is full and a new peer arrives. */
  private leastRecentlyHeard(): NodeId {
    let oldest = -1;
    let oldestAt = Infinity;
    for (const [peer, entry] of this.samplesByPeer) {
      if (entry.heardAt < oldestAt) {
        oldest = peer;
        oldestAt = entry.heardAt;
      }
    }
    return oldest;
  }

  forget(peer: NodeId): void {
    this.samplesByPeer.delete(peer);
  }
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) throw new RangeError('median of an empty list');
  // The filter's usual sizes, without allocating (this runs for every sample).
  if (n === 1) return values[0];
  if (n === 2) return (values[0] + values[1]) / 2;
  if (n === 3) {
    const a = values[0];
    const b = values[1];
    const c = values[2];
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

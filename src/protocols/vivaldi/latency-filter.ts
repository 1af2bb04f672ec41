/**
 * Latency filter (Ledlie, Gardner, Seltzer, NSDI 2007; Serf keeps 3): the RTT fed to Vivaldi is
 * the median of the last `samplesMax` raw samples from that peer, which discards the occasional
 * queueing spike of live networks. At most `peersMax` peers are remembered; the peer heard from
 * least recently is forgotten first.
 */
import type { NodeId } from '../../runtime/context.js';

export class LatencyFilter {
  /** Map iteration order is insertion order: re-inserting on every sample makes it an LRU. */
  private readonly samplesByPeer = new Map<NodeId, number[]>();

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
    let samples = this.samplesByPeer.get(peer);
    if (samples === undefined) {
      if (this.samplesByPeer.size >= this.peersMax) {
        const oldest = this.samplesByPeer.keys().next().value as NodeId;
        this.samplesByPeer.delete(oldest);
      }
      samples = [];
    } else {
      this.samplesByPeer.delete(peer);
    }
    samples.push(rttMs);
    if (samples.length > this.samplesMax) samples.shift();
    this.samplesByPeer.set(peer, samples);
    return median(samples);
  }

  /** The filtered RTT to `peer`, or undefined if it was never measured (or was forgotten). */
  filteredMs(peer: NodeId): number | undefined {
    const samples = this.samplesByPeer.get(peer);
    return samples === undefined ? undefined : median(samples);
  }

  forget(peer: NodeId): void {
    this.samplesByPeer.delete(peer);
  }
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

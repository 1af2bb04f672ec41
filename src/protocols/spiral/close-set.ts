/**
 * The learning mechanism's state: the `size` nodes closest to this node seen in passing (in the
 * searches it takes part in), with their last known coordinate and a distance, measured when it
 * was (probes), else estimated from coordinates. Bounded; no duplicates; the farthest goes first.
 */
import type { NodeId } from '../../runtime/context.js';
import type { SpiralCandidate } from './spiral-core.js';

interface CloseEntry {
  candidate: SpiralCandidate;
  distMs: number;
  measured: boolean;
}

export class CloseSet {
  private readonly entries: CloseEntry[] = [];

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size >= 0)) throw new RangeError(`close set size must be an integer >= 0, got ${size}`);
  }

  get length(): number {
    return this.entries.length;
  }

  /** Offer a node at `distMs` from self; a measured distance is never replaced by an estimate. */
  offer(candidate: SpiralCandidate, distMs: number, measured: boolean): void {
    if (this.size === 0 || !Number.isFinite(distMs)) return;
    const known = this.entries.find((e) => e.candidate.peer === candidate.peer);
    if (known !== undefined) {
      known.candidate = candidate;
      if (measured || !known.measured) {
        known.distMs = distMs;
        known.measured = measured;
      }
      return;
    }
    if (this.entries.length < this.size) {
      this.entries.push({ candidate, distMs, measured });
      return;
    }
    let farthest = 0;
    for (let i = 1; i < this.entries.length; i++) if (this.entries[i].distMs > this.entries[farthest].distMs) farthest = i;
    if (distMs < this.entries[farthest].distMs) this.entries[farthest] = { candidate, distMs, measured };
  }

  /** The entries as candidates, closest first (ties by id). */
  candidates(): SpiralCandidate[] {
    return [...this.entries].sort((a, b) => a.distMs - b.distMs || a.candidate.peer - b.candidate.peer).map((e) => e.candidate);
  }

  peers(): NodeId[] {
    return this.candidates().map((c) => c.peer);
  }
}

/**
 * A hybrid logical clock folded into one integer of microseconds: a timestamp is the physical
 * time, or one more than the last timestamp seen if that is later. Timestamps this node issues
 * only grow, every timestamp it has seen (in a reply or a replicated write) is below the next
 * one it issues, and they stay within a few microseconds of physical time while it runs ahead of
 * no one. Versions are (timestamp, writer): a total order, newest wins.
 */
export class HybridClock {
  private last = 0;

  /** A fresh timestamp at physical time `nowMs`. */
  tick(nowMs: number): number {
    this.last = Math.max(Math.round(nowMs * 1000), this.last + 1);
    return this.last;
  }

  /** A timestamp from another node: the next tick is after it. */
  observe(ts: number): void {
    if (ts > this.last) this.last = ts;
  }
}

/** A value's version: its writer's timestamp, ties broken by the writer's id. */
export interface Version {
  readonly ts: number;
  readonly writer: number;
}

/** No version: a key never written (as read from a replica that has none). */
export const NO_VERSION: Version = { ts: -1, writer: -1 };

/** > 0 when `a` is newer than `b`, 0 when the same version. */
export function compareVersions(a: Version, b: Version): number {
  return a.ts !== b.ts ? a.ts - b.ts : a.writer - b.writer;
}

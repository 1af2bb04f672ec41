/**
 * A change of one VM's CPU load, and the streaming shape every load source shares: a simulator
 * pulls one change at a time and schedules it, so no source materialises its events.
 */
export interface LoadChange {
  /** Kernel time of the change, integer microseconds. */
  readonly timeUs: number;
  /** Dense VM index, 0..vmCount-1. */
  readonly vm: number;
  /** The VM's new CPU load, in [0, 100] percent of its vCPUs. */
  readonly loadPercent: number;
}

/** A source of load changes in non-decreasing time order; `undefined` once it is exhausted. */
export interface LoadChangeSource {
  next(): LoadChange | undefined;
}

/**
 * A live host's overload episodes, seen as they happen rather than at the metrics ticks: the agent
 * checks its hypervisor's demand whenever it may have changed (a load change played, a VM moved,
 * an operation finished, a sample taken), so an overload that DVMS resolves between two ticks is
 * still counted and timed, as the simulation's cloud model counts it.
 */

/** An overload on the run's clock (ms); `endMs` absent while it lasts. */
export interface OverloadEpisode {
  readonly startMs: number;
  readonly endMs?: number;
}

export class OverloadWatch {
  private openSinceMs = NaN;
  private ended: OverloadEpisode[] = [];

  constructor(
    /** Cores the running VMs ask for now. */
    private readonly demand: () => number,
    private readonly cores: number,
    /** Now on the run's clock (ms). */
    private readonly nowMs: () => number,
  ) {}

  check(): void {
    const over = this.demand() > this.cores + 1e-9;
    if (over && Number.isNaN(this.openSinceMs)) this.openSinceMs = this.nowMs();
    else if (!over && !Number.isNaN(this.openSinceMs)) {
      this.ended.push({ startMs: this.openSinceMs, endMs: this.nowMs() });
      this.openSinceMs = NaN;
    }
  }

  /** The episodes that ended since the last call, then the one still open (if any); checks first. */
  take(): OverloadEpisode[] {
    this.check();
    const episodes = this.ended;
    this.ended = [];
    if (!Number.isNaN(this.openSinceMs)) episodes.push({ startMs: this.openSinceMs });
    return episodes;
  }
}

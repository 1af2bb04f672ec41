import type { Random } from '../kernel/index.js';

/**
 * The load a VMPlaceS load change draws: max(N(mean, sd), 0) capped at 100, quantised to the
 * nearest of `slots` equal steps of 100 / slots percent (0, 10, ..., 100 with 10 slots; ties
 * round up, as Java's Math.round in VMPlaceS's Injector).
 */
export interface LoadDistributionConfig {
  readonly loadPercentMean: number;
  readonly loadPercentSd: number;
  readonly slots: number;
}

/** Clip to [0, 100] and round to the nearest multiple of 100 / slots (half up). */
export function quantiseLoadPercent(rawPercent: number, slots: number): number {
  const clipped = Math.min(100, Math.max(0, rawPercent));
  return (Math.round((clipped * slots) / 100) * 100) / slots;
}

/**
 * Normal deviates by the Box-Muller transform on the stream's `next()`, both values used: each
 * pair of uniforms (u, v) gives r cos(2 pi v), then r sin(2 pi v) on the following call, with
 * r = sqrt(-2 ln u) and u drawn again while it is 0. The spare lives here, not in the Random, so
 * the stream's numbers depend only on this consumer's calls.
 */
export class BoxMuller {
  private spare = NaN;

  constructor(private readonly rng: Random) {}

  next(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.rng.next();
    const v = this.rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** Draws of the VMPlaceS load distribution from one stream. */
export class LoadDistribution {
  private readonly normal: BoxMuller;

  constructor(
    private readonly config: LoadDistributionConfig,
    rng: Random,
  ) {
    this.normal = new BoxMuller(rng);
  }

  /** N(mean, sd), before clipping and quantisation. */
  drawRawPercent(): number {
    return this.config.loadPercentMean + this.config.loadPercentSd * this.normal.next();
  }

  /** A load in percent: a multiple of 100 / slots in [0, 100]. */
  draw(): number {
    return quantiseLoadPercent(this.drawRawPercent(), this.config.slots);
  }
}

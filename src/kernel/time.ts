/**
 * Units of time. The kernel keeps time as integer microseconds so that event order never
 * depends on the last bits of a floating-point computation; scenarios and results speak
 * milliseconds. Every conversion into kernel time rounds here, at the boundary.
 */
export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;

/** Milliseconds (any finite number >= 0) to whole microseconds. */
export function msToUs(ms: number): number {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`time in ms must be finite and >= 0, got ${ms}`);
  return Math.round(ms * US_PER_MS);
}

export function usToMs(us: number): number {
  return us / US_PER_MS;
}

export function sToUs(s: number): number {
  return msToUs(s * 1000);
}

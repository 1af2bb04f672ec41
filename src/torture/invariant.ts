/**
 * What a torture check is, and how it fails: a check returns null while its invariant holds, or
 * a line saying what broke; the monitor turns that into `InvariantBroken`, thrown from inside the
 * run loop so the run stops at the very event that broke it.
 */

export interface Check {
  /** Short stable name, reported with the failure (e.g. `cloud.model`, `chord.ring`). */
  readonly name: string;
  /**
   * Null while the invariant holds, else what broke; undefined when it was not checked (nothing
   * it reads changed, or its window has not begun). `nowUs` is the virtual time.
   */
  check(nowUs: number): string | null | undefined;
}

export class InvariantBroken extends Error {
  constructor(
    readonly invariant: string,
    readonly timeUs: number,
    readonly detail: string,
  ) {
    super(`invariant ${invariant} broken at ${timeUs / 1e6} s: ${detail}`);
    this.name = 'InvariantBroken';
  }
}

/** Seconds of virtual time, for messages: whole microseconds shown as seconds. */
export function seconds(us: number): string {
  return `${us / 1e6} s`;
}

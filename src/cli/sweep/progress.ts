/**
 * The progress line of a sweep on stderr: runs done of total, failures, elapsed time and the
 * estimated time left (from the mean wall time per run of this session). Drawn only when stderr
 * is a terminal and not --quiet, redrawn after each run and every second.
 */

const REDRAW_MS = 1000;

/** `42 s`, `3m05s`, `2h03m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The line itself, pure: `12/30 runs  1 failed  8 s elapsed  ETA 12 s`. */
export function progressText(done: number, total: number, failed: number, elapsedS: number, ranThisSession: number): string {
  const remaining = total - done;
  const eta = ranThisSession === 0 ? '?' : formatDuration((elapsedS / ranThisSession) * remaining);
  const failures = failed > 0 ? `  ${failed} failed` : '';
  return `${done}/${total} runs${failures}  ${formatDuration(elapsedS)} elapsed  ETA ${remaining === 0 ? '0 s' : eta}`;
}

export class SweepProgress {
  private readonly startMs = performance.now();
  private readonly enabled: boolean;
  private readonly timer: NodeJS.Timeout | undefined;
  private done: number;
  private ran = 0;
  private failed = 0;

  /**
   * @param total runs of the sweep (or task)
   * @param finishedBefore runs already finished by an earlier attempt (counted as done, not in the ETA)
   */
  constructor(
    private readonly total: number,
    finishedBefore: number,
    quiet: boolean,
  ) {
    this.done = finishedBefore;
    this.enabled = !quiet && process.stderr.isTTY === true;
    if (this.enabled) {
      this.timer = setInterval(() => this.draw(), REDRAW_MS);
      this.timer.unref();
      this.draw();
    }
  }

  runDone(ok: boolean): void {
    this.done++;
    this.ran++;
    if (!ok) this.failed++;
    this.draw();
  }

  finish(): void {
    if (!this.enabled) return;
    clearInterval(this.timer);
    this.draw();
    process.stderr.write('\n');
  }

  private draw(): void {
    if (!this.enabled) return;
    const elapsedS = (performance.now() - this.startMs) / 1000;
    process.stderr.write(`\r${progressText(this.done, this.total, this.failed, elapsedS, this.ran)}    `);
  }
}

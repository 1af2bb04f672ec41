/**
 * Progress on stderr while a run goes: virtual time and events per second. Shown only when
 * stderr is a terminal (and not --quiet), so logs and CI output stay clean.
 */
export class ProgressLine {
  private readonly startMs = performance.now();
  private lastDrawMs = 0;
  private readonly enabled: boolean;

  constructor(quiet: boolean) {
    this.enabled = !quiet && process.stderr.isTTY === true;
  }

  update(virtualS: number, durationS: number, events: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDrawMs < 200 && virtualS < durationS) return;
    this.lastDrawMs = now;
    const wallS = (now - this.startMs) / 1000;
    const rate = wallS > 0 ? events / wallS : 0;
    const pct = ((100 * virtualS) / durationS).toFixed(0).padStart(3);
    process.stderr.write(
      `\r${pct}%  t=${virtualS.toFixed(1)}/${durationS} s virtual  ${(events / 1e6).toFixed(2)} M events  ${(rate / 1e6).toFixed(2)} M events/s  `,
    );
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}

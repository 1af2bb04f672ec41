/**
 * Progress of a run on stderr: first its set-up phases (topology, paths, hosts, cloud, agents)
 * with the wall time each took, then virtual time with an ETA and the events per second measured
 * from the first event (set-up excluded). Shown only when stderr is a terminal (and not --quiet),
 * so logs, CI output and every results file stay as they are.
 */
import { formatDuration } from './sweep/progress.js';

/** Where the line goes and what time it is: stderr and the wall clock, or a test's stand-ins. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** `set-up: topology 0.12 s, paths 0.30 s, hosts ...` (the phase under way last, without a time). */
export function setupText(phases: readonly { readonly name: string; readonly wallS: number | null }[]): string {
  return `set-up: ${phases.map((p) => (p.wallS === null ? `${p.name}...` : `${p.name} ${p.wallS.toFixed(2)} s`)).join(', ')}`;
}

/** `40%  t=240/600 s virtual  ETA 12 s  1.23 M events  0.45 M events/s`, from wall time since the first event. */
export function runText(virtualS: number, durationS: number, events: number, runWallS: number): string {
  const share = durationS > 0 ? virtualS / durationS : 1;
  const eta = virtualS >= durationS ? '0 s' : share > 0 && runWallS > 0 ? formatDuration((runWallS * (1 - share)) / share) : '?';
  const rate = runWallS > 0 ? events / runWallS : 0;
  const pct = (100 * share).toFixed(0).padStart(3);
  return `${pct}%  t=${virtualS.toFixed(1)}/${durationS} s virtual  ETA ${eta}  ${(events / 1e6).toFixed(2)} M events  ${(rate / 1e6).toFixed(2)} M events/s`;
}

export class ProgressLine {
  private readonly enabled: boolean;
  private readonly phases: { name: string; startMs: number; wallS: number | null }[] = [];
  private runStartMs: number | null = null;
  private lastDrawMs = -Infinity;
  private width = 0;

  constructor(
    quiet: boolean,
    private readonly sink: ProgressSink = process.stderr,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.enabled = !quiet && sink.isTTY === true;
  }

  /** A set-up phase begins (the one before it ends). */
  phase(name: string): void {
    if (!this.enabled) return;
    this.endPhase();
    this.phases.push({ name, startMs: this.nowMs(), wallS: null });
    this.draw(setupText(this.phases));
  }

  /** Set-up is over: its line stays, events/s count from here. */
  startRun(): void {
    if (!this.enabled) return;
    this.endPhase();
    if (this.phases.length > 0) {
      this.draw(setupText(this.phases));
      this.sink.write('\n');
      this.width = 0;
    }
    this.runStartMs = this.nowMs();
  }

  update(virtualS: number, durationS: number, events: number): void {
    if (!this.enabled) return;
    const now = this.nowMs();
    if (now - this.lastDrawMs < 200 && virtualS < durationS) return;
    this.lastDrawMs = now;
    const runWallS = this.runStartMs === null ? 0 : (now - this.runStartMs) / 1000;
    this.draw(runText(virtualS, durationS, events, runWallS));
  }

  done(): void {
    if (this.enabled && this.width > 0) this.sink.write('\n');
  }

  private endPhase(): void {
    const last = this.phases.at(-1);
    if (last !== undefined && last.wallS === null) last.wallS = (this.nowMs() - last.startMs) / 1000;
  }

  /** Rewrites the line, padding over a longer previous one. */
  private draw(text: string): void {
    this.sink.write(`\r${text.padEnd(this.width)}`);
    this.width = text.length;
  }
}

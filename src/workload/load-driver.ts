/**
 * Plays a load source in virtual time: pulls one change at a time, schedules it as a kernel
 * event, applies it, pulls the next. At most one pending event whatever the source's length, and
 * nothing at or after `endUs` is pulled twice (the first change past the end stops the driver).
 */
import type { Simulator } from '../kernel/simulator.js';
import type { LoadChange, LoadChangeSource } from './load-change.js';

export class LoadDriver {
  private pending: LoadChange | undefined;
  private appliedCount = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly source: LoadChangeSource,
    private readonly apply: (vm: number, loadPercent: number) => void,
    private readonly endUs: number,
  ) {}

  /** Changes applied so far. */
  get applied(): number {
    return this.appliedCount;
  }

  start(): void {
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const change = this.source.next();
    if (change === undefined || change.timeUs >= this.endUs) return;
    if (change.timeUs < this.sim.nowUs()) throw new RangeError(`load change at ${change.timeUs} us is before now (${this.sim.nowUs()} us): sources must be in time order`);
    this.pending = change;
    this.sim.at(change.timeUs, this.fire);
  }

  private readonly fire = (): void => {
    const change = this.pending as LoadChange;
    this.pending = undefined;
    this.apply(change.vm, change.loadPercent);
    this.appliedCount++;
    this.scheduleNext();
  };
}

/**
 * Bulk transfers (migrations, image copies) sharing link bandwidth with max-min fairness over
 * the links of their paths, recomputed whenever a transfer starts or ends: the flow-level model
 * of SimGrid. Between two such events every transfer moves at a constant rate, so one kernel
 * timer, armed for the earliest completion, is all the scheduling there is.
 *
 * Bandwidth only: the caller adds the path's propagation latency. Completion times are rounded
 * up to whole microseconds (kernel time); transfers finishing at the same microsecond complete
 * in the order they started. Bounded: at most `transfersMax` in progress.
 */
import type { Simulator, TimerHandle } from '../kernel/simulator.js';
import { maxMinRates } from './max-min.js';

export interface BulkTransfersOptions {
  readonly sim: Simulator;
  /** Per link, in bits per second (links are dense indices). */
  readonly capacityBps: ArrayLike<number>;
  readonly transfersMax: number;
}

/** Called when a transfer ends, with its duration (start to last byte) in microseconds. */
export type TransferDone = (durationUs: number) => void;

interface Transfer {
  readonly id: number;
  readonly links: readonly number[];
  readonly capBps: number;
  readonly startedUs: number;
  readonly onDone: TransferDone;
  remainingBits: number;
  rateBps: number;
}

export class BulkTransfers {
  private readonly active: Transfer[] = [];
  /** The options' links, then those added by `addLink`. */
  private readonly capacityBps: number[];
  private nextId = 1;
  private updatedUs = 0;
  private timer: TimerHandle | null = null;

  constructor(private readonly options: BulkTransfersOptions) {
    if (!(Number.isInteger(options.transfersMax) && options.transfersMax >= 1)) throw new RangeError(`BulkTransfers: transfersMax must be an integer >= 1, got ${options.transfersMax}`);
    this.capacityBps = Array.from(options.capacityBps);
  }

  /** One more shared resource (a store's disk) that transfers may cross like a link: its index. */
  addLink(capacityBps: number): number {
    if (!(capacityBps > 0 && Number.isFinite(capacityBps))) throw new RangeError(`BulkTransfers.addLink: capacityBps must be a finite number > 0, got ${capacityBps}`);
    this.capacityBps.push(capacityBps);
    return this.capacityBps.length - 1;
  }

  get activeCount(): number {
    return this.active.length;
  }

  /**
   * Start moving `bytes` over `links`; `capBps` bounds its rate (e.g. the slower NIC). Returns
   * the transfer's id. A transfer over no link needs a finite cap.
   */
  start(links: readonly number[], bytes: number, onDone: TransferDone, capBps = Infinity): number {
    if (!(bytes >= 0 && Number.isFinite(bytes))) throw new RangeError(`BulkTransfers.start: bytes must be a finite number >= 0, got ${bytes}`);
    if (links.length === 0 && !Number.isFinite(capBps)) throw new RangeError('BulkTransfers.start: a transfer over no link needs a finite capBps');
    if (!(capBps > 0)) throw new RangeError(`BulkTransfers.start: capBps must be > 0, got ${capBps}`);
    if (this.active.length >= this.options.transfersMax) throw new RangeError(`BulkTransfers: more than ${this.options.transfersMax} transfers in progress`);
    this.advance();
    const id = this.nextId++;
    this.active.push({ id, links: [...links], capBps, startedUs: this.options.sim.nowUs(), onDone, remainingBits: 8 * bytes, rateBps: 0 });
    this.reschedule();
    return id;
  }

  /**
   * Stop a transfer in progress (its path's end crashed): it never calls back, and the others
   * share the freed bandwidth from now on. False when it is not in progress.
   */
  cancel(id: number): boolean {
    const k = this.active.findIndex((t) => t.id === id);
    if (k < 0) return false;
    this.advance();
    this.active.splice(k, 1);
    this.reschedule();
    return true;
  }

  /** The current rate of a transfer in progress, in bits per second (undefined once done). */
  rateOf(id: number): number | undefined {
    return this.active.find((t) => t.id === id)?.rateBps;
  }

  /** Bits a transfer in progress has still to move as of now (undefined once done); reads only, so rates and timers are untouched. */
  remainingBitsOf(id: number): number | undefined {
    const t = this.active.find((x) => x.id === id);
    if (t === undefined) return undefined;
    return Math.max(0, t.remainingBits - (t.rateBps * (this.options.sim.nowUs() - this.updatedUs)) / 1e6);
  }

  /** Move every transfer forward to now at its current rate. */
  private advance(): void {
    const nowUs = this.options.sim.nowUs();
    const elapsedS = (nowUs - this.updatedUs) / 1e6;
    if (elapsedS > 0) for (const t of this.active) t.remainingBits = Math.max(0, t.remainingBits - t.rateBps * elapsedS);
    this.updatedUs = nowUs;
  }

  /** New rates for the transfers in progress, and the timer for the first to finish. */
  private reschedule(): void {
    this.timer?.cancel();
    this.timer = null;
    if (this.active.length === 0) return;
    const rates = maxMinRates(this.capacityBps, this.active);
    let soonestUs = Infinity;
    this.active.forEach((t, k) => {
      t.rateBps = rates[k];
      const leftUs = t.rateBps > 0 ? Math.ceil((t.remainingBits / t.rateBps) * 1e6) : Infinity;
      soonestUs = Math.min(soonestUs, leftUs);
    });
    if (soonestUs === Infinity) return; // every transfer is stuck on a zero-capacity link
    this.timer = this.options.sim.setTimer(soonestUs, this.onTimer);
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.advance();
    const nowUs = this.options.sim.nowUs();
    // Done: less than one microsecond's worth of bits left (completion times are rounded up).
    const done = this.active.filter((t) => t.remainingBits <= t.rateBps * 1e-6);
    for (const t of done) this.active.splice(this.active.indexOf(t), 1);
    this.reschedule();
    for (const t of done) t.onDone(nowUs - t.startedUs);
  };
}

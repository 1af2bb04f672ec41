import { BoundExceededError, EventQueue } from './event-queue.js';

export { BoundExceededError };

/** What the kernel runs: a function called at its due time, to completion. */
export type EventHandler = () => void;

/**
 * An event as an object whose `fire()` the kernel calls at its due time. Hot paths schedule
 * records (a timer, a message in flight) that carry their own data, and may reuse them once
 * fired, instead of allocating a closure per event.
 */
export interface EventRecord {
  fire(): void;
}

export type Schedulable = EventHandler | EventRecord;

/** A handle on a scheduled timer. Cancelling an already fired or cancelled timer does nothing. */
export interface TimerHandle {
  cancel(): void;
  readonly active: boolean;
}

export interface RunLimits {
  /** Virtual time at which the run stops (inclusive: events due exactly then still run). */
  endUs: number;
  /** The run fails with BoundExceededError past this many events. */
  eventsMax: number;
}

class Timer implements TimerHandle, EventRecord {
  active = true;
  constructor(private readonly handler: EventHandler) {}
  cancel(): void {
    this.active = false;
  }
  fire(): void {
    if (!this.active) return;
    this.active = false;
    this.handler();
  }
}

/**
 * The discrete-event kernel: a virtual clock in integer microseconds, an event queue with FIFO
 * order on equal times, timers with cancellation, and a run loop bounded by an end time and an
 * event count. It knows nothing of networks, VMs or protocols.
 */
export class Simulator {
  private readonly queue: EventQueue<Schedulable>;
  private clockUs = 0;
  private processed = 0;
  private running = false;
  private stopRequested = false;
  /** Called after every event when set (invariant checks in test runs). */
  afterEvent: (() => void) | null = null;

  constructor(pendingMax = 1 << 26) {
    if (!(Number.isInteger(pendingMax) && pendingMax >= 1)) throw new RangeError(`Simulator: pendingMax must be an integer >= 1, got ${pendingMax}`);
    this.queue = new EventQueue<Schedulable>(Math.min(1024, pendingMax), pendingMax);
  }

  nowUs(): number {
    return this.clockUs;
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Run `handler` (or fire the record) at absolute time `atUs` (integer, not in the past). */
  at(atUs: number, handler: Schedulable): void {
    if (!(atUs >= this.clockUs) || !Number.isInteger(atUs)) {
      throw new RangeError(`Simulator.at: time ${atUs} us is not an integer at or after now (${this.clockUs} us)`);
    }
    this.queue.push(atUs, handler);
  }

  /** Run `handler` (or fire the record) after `delayUs` (integer >= 0). */
  after(delayUs: number, handler: Schedulable): void {
    this.schedule(delayUs, handler);
  }

  /** A cancellable version of `after`. */
  setTimer(delayUs: number, handler: EventHandler): TimerHandle {
    const timer = new Timer(handler);
    this.schedule(delayUs, timer);
    return timer;
  }

  /** Relative scheduling: the queue may keep the event in its delay's FIFO lane. */
  private schedule(delayUs: number, handler: Schedulable): void {
    if (!(delayUs >= 0) || !Number.isInteger(delayUs)) {
      throw new RangeError(`Simulator.after: delay ${delayUs} us is not an integer >= 0 (now ${this.clockUs} us)`);
    }
    this.queue.push(this.clockUs + delayUs, handler, delayUs);
  }

  /** Ask the current run to return after the event being processed. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Process events in (time, insertion) order until the next one is due after `endUs`, then set
   * the clock to `endUs`. Returns the number of events processed by this call.
   */
  run(limits: RunLimits): number {
    if (this.running) throw new Error('Simulator.run is not reentrant');
    const { endUs, eventsMax } = limits;
    const queue = this.queue;
    const start = this.processed;
    this.running = true;
    this.stopRequested = false;
    try {
      for (;;) {
        if (this.stopRequested) return this.processed - start;
        const t = queue.peekTimeUs();
        if (t > endUs) break;
        if (this.processed >= eventsMax) {
          throw new BoundExceededError(
            `run exceeded its event limit of ${eventsMax} events at t=${this.clockUs} us (raise limits.eventsMax)`,
          );
        }
        const handler = queue.pop();
        this.clockUs = t;
        this.processed++;
        if (typeof handler === 'function') handler();
        else handler.fire();
        if (this.afterEvent !== null) this.afterEvent();
      }
      if (endUs > this.clockUs && Number.isFinite(endUs)) this.clockUs = endUs;
    } finally {
      this.running = false;
    }
    return this.processed - start;
  }
}

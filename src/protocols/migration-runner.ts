/**
 * The source side of ordered migrations: runs at most `inFlightMax` at once through the host's
 * hypervisor, the rest waiting in a FIFO queue of at most `queueMax` orders. `onDone` is always
 * called later, from an event (a timer for refusals, the hypervisor's callback otherwise), never
 * from inside `order`, and never after `stop`.
 */
import type { Hypervisor, NodeContext, NodeId } from '../runtime/context.js';

export type MigrationDone = (ok: boolean, reason: string) => void;

interface Order {
  readonly vm: number;
  readonly to: NodeId;
  readonly onDone: MigrationDone;
}

export class MigrationRunner {
  private readonly queue: Order[] = [];
  private inFlight = 0;
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly hypervisor: Hypervisor,
    private readonly inFlightMax: number,
    private readonly queueMax: number,
    /** Counter names are `${metricPrefix}.migrations_...`. */
    private readonly metricPrefix: string,
  ) {}

  get running(): number {
    return this.inFlight;
  }

  get queued(): number {
    return this.queue.length;
  }

  order(vm: number, to: NodeId, onDone: MigrationDone): void {
    if (this.inFlight < this.inFlightMax) return this.start({ vm, to, onDone });
    if (this.queue.length >= this.queueMax) return this.refuse(onDone, 'queue-full');
    this.queue.push({ vm, to, onDone });
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private start(order: Order): void {
    this.inFlight++;
    this.ctx.metrics.count(`${this.metricPrefix}.migrations_started`);
    this.hypervisor.migrate(order.vm, order.to, (outcome) => {
      if (this.stopped) return;
      this.inFlight--;
      this.ctx.metrics.count(`${this.metricPrefix}.${outcome.ok ? 'migrations_done' : 'migrations_failed'}`);
      const next = this.queue.shift();
      if (next !== undefined) this.start(next);
      order.onDone(outcome.ok, outcome.reason);
    }, this.metricPrefix);
  }

  private refuse(onDone: MigrationDone, reason: string): void {
    this.ctx.metrics.count(`${this.metricPrefix}.migrations_refused`);
    this.ctx.setTimer(0, () => {
      if (!this.stopped) onDone(false, reason);
    });
  }
}

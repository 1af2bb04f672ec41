/**
 * The source side of ordered migrations: runs at most `inFlightMax` at once through the host's
 * hypervisor, the rest waiting in a FIFO queue of at most `queueMax` orders. An order is one VM,
 * or a gather's VMs (`orderTogether`: admitted or refused whole by the hypervisor, so a refusal
 * never splits the gather), started once there is a slot for each of its VMs (alone, when it
 * has more VMs than `inFlightMax`). `onDone` is always called later, from an event (a timer for
 * refusals, the hypervisor's callback otherwise), never from inside `order`, and never after `stop`.
 */
import type { Hypervisor, MigrationOutcome, NodeContext, NodeId } from '../runtime/context.js';

export type MigrationDone = (ok: boolean, reason: string) => void;
/** Each VM's outcome of an order, in the order of its VMs. */
export type GroupDone = (outcomes: readonly Pick<MigrationOutcome, 'ok' | 'reason'>[]) => void;

interface Order {
  readonly vms: readonly number[];
  readonly to: NodeId;
  readonly onDone: GroupDone;
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
    this.orderTogether([vm], to, ([outcome]) => onDone(outcome.ok, outcome.reason));
  }

  orderTogether(vms: readonly number[], to: NodeId, onDone: GroupDone): void {
    const order: Order = { vms, to, onDone };
    if (this.queue.length === 0 && this.fits(order)) return this.start(order);
    if (this.queue.length >= this.queueMax) return this.refuse(order, 'queue-full');
    this.queue.push(order);
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private fits(order: Order): boolean {
    return this.inFlight === 0 || this.inFlight + order.vms.length <= this.inFlightMax;
  }

  private start(order: Order): void {
    const slots = order.vms.length;
    this.inFlight += slots;
    this.ctx.metrics.count(`${this.metricPrefix}.migrations_started`, slots);
    this.hypervisor.migrateTogether(order.vms, order.to, (outcomes) => {
      if (this.stopped) return;
      this.inFlight -= slots;
      for (const outcome of outcomes) this.ctx.metrics.count(`${this.metricPrefix}.${outcome.ok ? 'migrations_done' : 'migrations_failed'}`);
      while (this.queue.length > 0 && this.fits(this.queue[0])) this.start(this.queue.shift() as Order);
      order.onDone(outcomes);
    }, this.metricPrefix);
  }

  private refuse(order: Order, reason: string): void {
    this.ctx.metrics.count(`${this.metricPrefix}.migrations_refused`, order.vms.length);
    this.ctx.setTimer(0, () => {
      if (!this.stopped) order.onDone(order.vms.map(() => ({ ok: false, reason })));
    });
  }
}

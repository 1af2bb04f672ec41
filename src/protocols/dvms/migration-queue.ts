/**
 * The source side of a plan: migrations ordered to this host by leaders, run at most
 * `migrationsPerHostMax` at a time through the hypervisor, the rest queued (at most
 * `vmsPerHostMax`: a host cannot send more VMs than it holds). Each ends in one report to the
 * leader that ordered it, always from a later event. A VM no longer here fails ('not-here').
 * An order that waited longer than `migrationTimeoutMs` is dropped unrun ('expired'): its leader
 * has counted it as timed out and dissolved the partition, so its plan is stale (under heavy WAN
 * contention a migration ahead of it can take minutes).
 */
import type { NodeContext, NodeId } from '../../runtime/context.js';
import type { DvmsConfig } from './dvms-config.js';
import type { DvmsMigrated } from './dvms-messages.js';

interface Order {
  readonly leader: NodeId;
  readonly orderId: number;
  readonly vm: number;
  readonly to: NodeId;
  readonly queuedAtMs: number;
}

export class MigrationQueue {
  private readonly queue: Order[] = [];
  private running = 0;
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: DvmsConfig,
    private readonly report: (leader: NodeId, report: DvmsMigrated) => void,
  ) {}

  enqueue(leader: NodeId, orderId: number, vm: number, to: NodeId): void {
    const order: Order = { leader, orderId, vm, to, queuedAtMs: this.ctx.nowMs() };
    const refused = this.ctx.hypervisor === undefined ? 'no-hypervisor' : this.queue.length >= this.config.vmsPerHostMax ? 'queue-full' : '';
    if (refused !== '') {
      this.ctx.setTimer(0, () => this.done(order, false, refused));
      return;
    }
    this.queue.push(order);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private pump(): void {
    const hv = this.ctx.hypervisor;
    while (hv !== undefined && this.running < this.config.migrationsPerHostMax && this.queue.length > 0) {
      const order = this.queue.shift() as Order;
      if (this.ctx.nowMs() - order.queuedAtMs > this.config.migrationTimeoutMs) {
        this.ctx.metrics.count('dvms.migrations_expired');
        this.ctx.setTimer(0, () => this.done(order, false, 'expired'));
        continue;
      }
      this.running++;
      hv.migrate(order.vm, order.to, (outcome) => {
        if (this.stopped) return;
        this.running--;
        this.done(order, outcome.ok, outcome.reason);
        this.pump();
      });
    }
  }

  private done(order: Order, ok: boolean, reason: string): void {
    if (this.stopped) return;
    this.report(order.leader, { type: 'dvms.migrated', orderId: order.orderId, vm: order.vm, ok, reason });
  }
}

/**
 * The source side of a plan: orders sent to this host by leaders, each one move or a gather's
 * moves (admitted or refused together by the hypervisor, so a refusal never splits the gather),
 * run at most `migrationsPerHostMax` migrations at a time through the hypervisor (a group larger
 * than that runs alone), the rest queued (at most `vmsPerHostMax` VMs: a host cannot send more
 * VMs than it holds). Each move ends in one report to the leader that ordered it, always from a
 * later event; a group's reports all go when its last migration ends. A VM no longer here fails
 * ('not-here'). An order that waited longer than `migrationTimeoutMs` is dropped unrun
 * ('expired'): its leader has counted it as timed out and dissolved the partition, so its plan
 * is stale (under heavy WAN contention a migration ahead of it can take minutes).
 */
import type { MigrationOutcome, NodeContext, NodeId } from '../../runtime/context.js';
import type { DvmsConfig } from './dvms-config.js';
import type { DvmsMigrated, DvmsMove } from './dvms-messages.js';

interface Order {
  readonly leader: NodeId;
  readonly moves: readonly DvmsMove[];
  readonly to: NodeId;
  readonly queuedAtMs: number;
}

export class MigrationQueue {
  private readonly queue: Order[] = [];
  private queuedVms = 0;
  private running = 0;
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: DvmsConfig,
    private readonly report: (leader: NodeId, report: DvmsMigrated) => void,
  ) {}

  enqueue(leader: NodeId, moves: readonly DvmsMove[], to: NodeId): void {
    const order: Order = { leader, moves, to, queuedAtMs: this.ctx.nowMs() };
    const refused = this.ctx.hypervisor === undefined ? 'no-hypervisor' : this.queuedVms + moves.length > this.config.vmsPerHostMax ? 'queue-full' : '';
    if (refused !== '') {
      this.ctx.setTimer(0, () => this.done(order, null, refused));
      return;
    }
    this.queue.push(order);
    this.queuedVms += moves.length;
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  /** Starts the orders at the head of the queue while there are slots for them (FIFO: a group waits for enough). */
  private pump(): void {
    const hv = this.ctx.hypervisor;
    while (hv !== undefined && this.queue.length > 0) {
      const order = this.queue[0];
      const slots = order.moves.length;
      if (this.running > 0 && this.running + slots > this.config.migrationsPerHostMax) return;
      this.queue.shift();
      this.queuedVms -= slots;
      if (this.ctx.nowMs() - order.queuedAtMs > this.config.migrationTimeoutMs) {
        this.ctx.metrics.count('dvms.migrations_expired', slots);
        this.ctx.setTimer(0, () => this.done(order, null, 'expired'));
        continue;
      }
      this.running += slots;
      hv.migrateTogether(
        order.moves.map((move) => move.vm),
        order.to,
        (outcomes) => {
          if (this.stopped) return;
          this.running -= slots;
          this.done(order, outcomes, '');
          this.pump();
        },
      );
    }
  }

  /** Reports each move of `order`: its outcome, or `refused` for all when it never ran. */
  private done(order: Order, outcomes: readonly MigrationOutcome[] | null, refused: string): void {
    if (this.stopped) return;
    order.moves.forEach((move, k) => {
      const outcome = outcomes?.[k];
      this.report(order.leader, { type: 'dvms.migrated', orderId: move.orderId, vm: move.vm, ok: outcome?.ok ?? false, reason: outcome?.reason ?? refused });
    });
  }
}

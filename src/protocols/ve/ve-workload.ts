/**
 * The VE workload of a node, for scenarios: every `workloadPeriodMs` (the first after
 * `workloadStartMs` plus a uniform share of a period), a VE drawn uniformly from 0..veCount-1
 * and one of, by the config's shares:
 *   - find (`findShare`, 0.7 by default): where its members run;
 *   - suspend, then resume `suspendDurationMs` later if the suspend reached the hosts
 *     (`suspendShare`, 0.1): a VE paused by its user;
 *   - find, then relocate a member drawn uniformly among those of known host to a node drawn
 *     uniformly among 0..targetNodeCount-1 other than its host (`relocateShare`, 0.15): an
 *     operator moving a VM by hand (refused when it would break the VE's constraints);
 *   - stop, then start `departureDurationMs` later if the stop reached the hosts
 *     (`departureShare`, 0.05): the VE departs, and arrives again.
 * A relocation without a member of known host, or with targetNodeCount 1, is skipped
 * (`ve.workload_relocations_skipped`). Every draw comes from the node's stream, in event order. Follow-ups waiting (resumes, starts)
 * are at most `opsInFlightMax`; one beyond is dropped (`ve.workload_followups_dropped`).
 */
import type { NodeContext, NodeId, TimerHandle, VmId } from '../../runtime/context.js';
import type { VeConfig } from './ve-config.js';

/** The operations the workload issues (a VeProtocol). */
export interface VeOperations {
  find(ve: number, onDone?: (r: { readonly ok: boolean; readonly members: readonly VmId[]; readonly hosts: readonly NodeId[] }) => void): number;
  suspend(ve: number, onDone?: (r: { readonly acted: number }) => void): number;
  resume(ve: number): number;
  stop(ve: number, onDone?: (r: { readonly acted: number }) => void): number;
  start(ve: number): number;
  relocate(ve: number, vm: VmId, to: NodeId): number;
}

export class VeWorkload {
  private timer: TimerHandle | null = null;
  private readonly followUps = new Set<TimerHandle>();
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: VeConfig,
    private readonly ops: VeOperations,
  ) {}

  start(): void {
    this.timer = this.ctx.setTimer(this.config.workloadStartMs + this.ctx.rng.next() * this.config.workloadPeriodMs, this.onPeriod);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    for (const t of this.followUps) t.cancel();
    this.followUps.clear();
  }

  private readonly onPeriod = (): void => {
    const { config, ctx, ops } = this;
    const ve = ctx.rng.int(config.veCount);
    const u = ctx.rng.next();
    ctx.metrics.count('ve.workload_operations');
    if (u < config.findShare) ops.find(ve);
    else if (u < config.findShare + config.suspendShare) ops.suspend(ve, (r) => r.acted > 0 && this.later(config.suspendDurationMs, () => ops.resume(ve)));
    else if (u < config.findShare + config.suspendShare + config.relocateShare) ops.find(ve, (r) => r.ok && this.relocateOne(ve, r.members, r.hosts));
    else ops.stop(ve, (r) => r.acted > 0 && this.later(config.departureDurationMs, () => ops.start(ve)));
    this.timer = ctx.setTimer(config.workloadPeriodMs, this.onPeriod);
  };

  private relocateOne(ve: number, members: readonly VmId[], hosts: readonly NodeId[]): void {
    if (this.stopped) return;
    const known = members.filter((_, k) => hosts[k] >= 0);
    const n = this.config.targetNodeCount;
    if (known.length === 0 || n < 2) {
      this.ctx.metrics.count('ve.workload_relocations_skipped');
      return;
    }
    const vm = known[this.ctx.rng.int(known.length)];
    const host = hosts[members.indexOf(vm)];
    let to = this.ctx.rng.int(n - 1);
    if (to >= host) to++;
    this.ops.relocate(ve, vm, to);
  }

  private later(delayMs: number, action: () => void): void {
    if (this.stopped) return;
    if (this.followUps.size >= this.config.opsInFlightMax) {
      this.ctx.metrics.count('ve.workload_followups_dropped');
      return;
    }
    const timer = this.ctx.setTimer(delayMs, () => {
      this.followUps.delete(timer);
      action();
    });
    this.followUps.add(timer);
  }
}

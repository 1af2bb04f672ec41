/**
 * The centralised baseline: Entropy as VMPlaceS runs it, with its monitoring paid in messages.
 *   - every host sends its monitoring data (its HostInfo, and the VmInfo[] of its VMs and of those
 *     on their way to it, read from its hypervisor) to the manager every `reportPeriodMs` (the manager reads its own host directly);
 *   - every `planPeriodMs`, on a fixed grid from its start, the manager builds the problem over
 *     the latest reports (those fresher than `reportStaleMs`; VMs migrating already, pinned where
 *     they go when their target reported them, and VMs not running, pinned). A viable configuration (no host overloaded, every VE constraint held)
 *     ends the round at once, uncharged and unlogged (VMPlaceS's Entropy computes only on a
 *     violation). Otherwise the manager waits the modelled planning time (`planningTimeMs(planningCost, hosts, vms)`,
 *     a timer), plans, and orders each move from its source host, which migrates through its
 *     hypervisor and reports back;
 *   - the round ends when every ordered migration has reported, or `migrationTimeoutMs` after
 *     the orders; period ticks that find a round still running are skipped (rounds never
 *     overlap, as Entropy's do not), so the next round starts at the first tick after.
 * One SchedulingOutcome is logged per round that found a violation; counters `central.*`. The
 * round itself is `SchedulingRounds` (`../scheduling-round.ts`), shared with Snooze's GMs.
 * A manager that is down schedules nothing: the single point of failure of the design. A
 * recovered manager starts afresh (no reports, a new grid from its restart).
 *
 * Bounds: `hostsMax` reports, `vmsPerReportMax` VMs per report, one round's orders (at most the
 * VMs of the problem), `migrationsInFlightMax` + `migrationQueueMax` orders per source host,
 * `outcomeLogMax` logged rounds.
 */
import type { Hypervisor, Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import { isViable } from '../../placement/check.js';
import type { OutcomeLog } from '../outcome-log.js';
import { isId } from '../scheduler-wire.js';
import { newSchedulingLog, type SchedulerProtocol, type SchedulingOutcome } from '../scheduling-outcome.js';
import { runMigrateOrder, SchedulingRounds } from '../scheduling-round.js';
import { type CentralConfig, validateCentralConfig } from './central-config.js';
import { type CentralMessage, type CentralMigrate, type CentralReport, MIGRATED_BYTES, reportBytes } from './central-messages.js';
import { HostView, problemOf, validReport } from './host-view.js';
import { MigrationRunner } from '../migration-runner.js';

export class CentralSchedulerProtocol implements Protocol, SchedulerProtocol {
  private readonly hypervisor: Hypervisor;
  private readonly view: HostView;
  private readonly runner: MigrationRunner;
  private readonly log: OutcomeLog<SchedulingOutcome>;
  private readonly rounds: SchedulingRounds<'central'>;
  private seq = 0;
  private reportTimer: TimerHandle | null = null;
  private planTimer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: CentralConfig,
  ) {
    validateCentralConfig(config);
    if (ctx.hypervisor === undefined) throw new RangeError(`CentralSchedulerProtocol: node ${ctx.id} has no hypervisor (the run models no cloud)`);
    this.hypervisor = ctx.hypervisor;
    this.view = new HostView(config.hostsMax);
    this.runner = new MigrationRunner(ctx, this.hypervisor, config.migrationsInFlightMax, config.migrationQueueMax, 'central');
    this.log = newSchedulingLog(config.outcomeLogMax);
    this.rounds = new SchedulingRounds({ ctx, config, runner: this.runner, log: this.log, prefix: 'central', applyMove: (vm, from, to) => this.view.applyMove(vm, from, to) });
  }

  get isManager(): boolean {
    return this.ctx.id === this.config.managerNode;
  }

  /** True while a round (planning or migrations) is in progress at the manager. */
  get roundInProgress(): boolean {
    return this.rounds.inProgress;
  }

  /** Hosts the manager holds a report of. */
  get reportedHosts(): number {
    return this.view.size;
  }

  drainSchedulingOutcomes(): SchedulingOutcome[] {
    return this.log.drain();
  }

  onStart(): void {
    // Reports are spread over the period with the node's own stream, so they do not arrive in one burst.
    this.reportTimer = this.ctx.setTimer(this.ctx.rng.next() * this.config.reportPeriodMs, this.onReportPeriod);
    if (this.isManager) this.planTimer = this.ctx.setTimer(this.config.planPeriodMs, this.onPlanPeriod);
  }

  onStop(): void {
    this.runner.stop();
    for (const timer of [this.reportTimer, this.planTimer]) timer?.cancel();
    this.reportTimer = this.planTimer = null;
    this.rounds.abandon();
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as CentralMessage;
    switch (msg.type) {
      case 'central.report':
        return this.onReport(from, msg);
      case 'central.migrate':
        return this.onMigrate(from, msg);
      case 'central.migrated':
        return this.rounds.onMigrated(from, msg);
      default:
        this.ctx.metrics.count('central.unknown_messages');
    }
  }

  // ---- every host: monitoring and migrations ordered by the manager ----

  private readonly onReportPeriod = (): void => {
    this.reportTimer = this.ctx.setTimer(this.config.reportPeriodMs, this.onReportPeriod);
    const report = this.snapshot();
    if (this.isManager) this.keep(report);
    else this.ctx.send(this.config.managerNode, report, reportBytes(report.vms.length));
  };

  /** This host's monitoring data now: its VMs, then those on their way here (the plan sees them where they go). */
  private snapshot(): CentralReport {
    let vms = [...this.hypervisor.vms(), ...this.hypervisor.incomingVms()];
    if (vms.length > this.config.vmsPerReportMax) {
      this.ctx.metrics.count('central.reports_cut');
      vms = vms.slice(0, this.config.vmsPerReportMax);
    }
    return { type: 'central.report', seq: ++this.seq, host: this.hypervisor.host(), vms };
  }

  private onMigrate(from: NodeId, msg: CentralMigrate): void {
    const ran = from === this.config.managerNode && runMigrateOrder('central', this.runner, msg, (reply) => this.ctx.send(from, reply, MIGRATED_BYTES));
    if (!ran) this.ctx.metrics.count('central.bad_messages');
  }

  // ---- the manager ----

  private onReport(from: NodeId, msg: CentralReport): void {
    if (!this.isManager || !validReport(msg.host, msg.vms) || msg.host.node !== from || !isId(msg.seq)) {
      this.ctx.metrics.count('central.bad_messages');
      return;
    }
    this.keep(msg);
  }

  private keep(report: CentralReport): void {
    const refusedBefore = this.view.refused;
    this.view.update({ host: report.host, vms: report.vms, seq: report.seq, receivedAtMs: this.ctx.nowMs() });
    if (this.view.refused > refusedBefore) this.ctx.metrics.count('central.reports_refused');
  }

  private readonly onPlanPeriod = (): void => {
    this.planTimer = this.ctx.setTimer(this.config.planPeriodMs, this.onPlanPeriod);
    if (this.rounds.inProgress) {
      this.ctx.metrics.count('central.rounds_skipped');
      return;
    }
    this.keep(this.snapshot());
    const problem = problemOf(this.view.fresh(this.ctx.nowMs(), this.config.reportStaleMs), this.config.constraints, this.config.policies);
    if (isViable(problem)) {
      this.ctx.metrics.count('central.rounds_viable');
      return;
    }
    this.rounds.start(problem);
  };
}

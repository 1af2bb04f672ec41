/**
 * A scheduling round as the centralised manager and a Snooze group manager run it, one at a
 * time: from a placement problem, the modelled planning time waited on a timer (the plan is
 * known only then), the plan, one order per group of moves to its source host (`moveGroups`: a
 * gather's moves together, so they run or are refused together; run here, without a message,
 * when the source is this node), each move reported done applied to the owner's view
 * at once, and the end when every order has reported or `migrationTimeoutMs` after the orders.
 * One SchedulingOutcome logged per round. Counters `${prefix}.rounds`, `.plans`,
 * `.rounds_unsolved`, `.migrations_ordered`, `.migration_timeouts`, `.late_reports`.
 */
import type { NodeContext, NodeId, TimerHandle } from '../runtime/context.js';
import { planningTimeMs, policyVmCount } from '../placement/cost-model.js';
import { planPlacement } from '../placement/plan.js';
import { type MoveGroup, moveGroups } from '../placement/move-groups.js';
import type { PlacementProblem, Move } from '../placement/problem.js';
import type { MigrationRunner } from './migration-runner.js';
import type { OutcomeLog } from './outcome-log.js';
import type { SchedulerConfigFields } from './scheduler-config.js';
import type { SchedulingOutcome } from './scheduling-outcome.js';
import { isId, migrateBytes, type MigratedMessage, type MigrateMessage, migrateMessage, migratedMessage } from './scheduler-wire.js';

export interface RoundEnv<P extends string> {
  readonly ctx: NodeContext;
  readonly config: Pick<SchedulerConfigFields, 'planningCost' | 'searchStepsMax' | 'migrationTimeoutMs'>;
  /** This node's runner, for the moves this node is the source of. */
  readonly runner: MigrationRunner;
  readonly log: OutcomeLog<SchedulingOutcome>;
  /** Of counter names and message types: 'central', 'snooze'. */
  readonly prefix: P;
  /** A move reported done: show it in the view, so the next problem does not plan it again. */
  applyMove(vm: number, from: NodeId, to: NodeId): void;
}

interface Round {
  readonly id: number;
  readonly startMs: number;
  readonly problem: PlacementProblem;
  readonly planningMs: number;
  /** Ordered moves not reported yet, by VM. */
  readonly pending: Map<number, Move>;
  ordered: number;
  done: number;
  /** The planning time has passed (a plan was computed), and whether it found a plan. */
  computed: boolean;
  planned: boolean;
  timer: TimerHandle | null;
}

export class SchedulingRounds<P extends string> {
  private round: Round | null = null;
  private roundCount = 0;

  constructor(private readonly env: RoundEnv<P>) {}

  get inProgress(): boolean {
    return this.round !== null;
  }

  /** Start a round over `problem`; the caller has checked that none is in progress. */
  start(problem: PlacementProblem): void {
    if (this.round !== null) throw new Error(`SchedulingRounds(${this.env.prefix}).start: round ${this.round.id} is in progress`);
    const { ctx, config, prefix } = this.env;
    const planningMs = planningTimeMs(config.planningCost, problem.hosts.length, problem.vms.length, policyVmCount(problem));
    const round: Round = { id: ++this.roundCount, startMs: ctx.nowMs(), problem, planningMs, pending: new Map(), ordered: 0, done: 0, computed: false, planned: false, timer: null };
    this.round = round;
    ctx.metrics.count(`${prefix}.rounds`);
    round.timer = ctx.setTimer(planningMs, () => this.onPlanned(round));
  }

  /** A source host's report (this node's own come here too); one not awaited is counted late. */
  onMigrated(from: NodeId, msg: MigratedMessage<P>): void {
    const round = this.round;
    const move = round?.pending.get(msg.vm);
    if (round === null || round.id !== msg.round || move === undefined || move.from !== from || move.to !== msg.to) {
      this.env.ctx.metrics.count(`${this.env.prefix}.late_reports`);
      return;
    }
    round.pending.delete(msg.vm);
    if (msg.ok === true) {
      round.done++;
      this.env.applyMove(move.vm, move.from, move.to);
    }
    if (round.pending.size === 0) this.finish(round, true);
  }

  /** Drop the round unlogged (the node is down: what it would log is lost with it). */
  abandon(): void {
    this.round?.timer?.cancel();
    this.round = null;
  }

  /** End the round now and log it, solved if a plan was found (the role stops, the node may not). */
  endNow(): void {
    if (this.round !== null) this.finish(this.round, this.round.planned);
  }

  /** The planning time has passed: the plan is known now; order its moves. */
  private onPlanned(round: Round): void {
    const { ctx, config, prefix } = this.env;
    round.timer = null;
    round.computed = true;
    const result = planPlacement(round.problem, { searchStepsMax: config.searchStepsMax });
    ctx.metrics.count(`${prefix}.plans`);
    if (!result.ok) {
      ctx.metrics.count(`${prefix}.rounds_unsolved`);
      return this.finish(round, false);
    }
    round.planned = true;
    for (const move of result.moves) round.pending.set(move.vm, move);
    round.ordered = round.pending.size;
    ctx.metrics.count(`${prefix}.migrations_ordered`, round.ordered);
    if (round.ordered === 0) return this.finish(round, true);
    for (const group of moveGroups([...round.pending.values()], round.problem)) this.order(round, group);
    round.timer = ctx.setTimer(config.migrationTimeoutMs, () => {
      round.timer = null;
      ctx.metrics.count(`${prefix}.migration_timeouts`, round.pending.size);
      this.finish(round, true);
    });
  }

  /** Orders a group of moves (one source, one target) from its source. */
  private order(round: Round, group: MoveGroup): void {
    const { ctx, prefix, runner } = this.env;
    const { from, to } = group[0];
    const vms = group.map((move) => move.vm);
    if (from !== ctx.id) {
      ctx.send(from, migrateMessage(prefix, round.id, vms, to), migrateBytes(vms.length));
      return;
    }
    runner.orderTogether(vms, to, (outcomes) => outcomes.forEach((o, k) => this.onMigrated(ctx.id, migratedMessage(prefix, round.id, vms[k], to, o.ok, o.reason))));
  }

  private finish(round: Round, solved: boolean): void {
    round.timer?.cancel();
    round.timer = null;
    this.round = null;
    this.env.log.record({
      startMs: round.startMs,
      endMs: this.env.ctx.nowMs(),
      hosts: round.problem.hosts.length,
      vms: round.problem.vms.length,
      plans: round.computed ? 1 : 0,
      planningMs: round.planningMs,
      migrationsOrdered: round.ordered,
      migrationsDone: round.done,
      solved,
    });
  }
}

/**
 * The source host's side of an order: run it through `runner`, then `reply` with how it ended.
 * False, and nothing run, when the order is malformed (the caller counts it).
 */
export function runMigrateOrder<P extends string>(prefix: P, runner: MigrationRunner, msg: MigrateMessage<P>, reply: (answer: MigratedMessage<P>) => void): boolean {
  if (!Array.isArray(msg.vms) || msg.vms.length === 0 || !msg.vms.every(isId) || !isId(msg.to) || !isId(msg.round)) return false;
  const { vms, to, round } = msg;
  runner.orderTogether(vms, to, (outcomes) => outcomes.forEach((o, k) => reply(migratedMessage(prefix, round, vms[k], to, o.ok, o.reason))));
  return true;
}

/**
 * A leader's plan and its application. Planning: the placement problem of the partition (from
 * the members' snapshots), the planner run at once, its modelled computing time waited on a
 * timer; then, if no member left meanwhile, the plan is applied: one order per group of moves
 * (`moveGroups`: a gather's moves together, any other move alone) to its source host, each move
 * reported back; the round ends when every move is reported or `migrationTimeoutMs` has passed
 * (the rest count as failed).
 */
import { planningTimeMs, policyVmCount } from '../../placement/cost-model.js';
import { planPlacement } from '../../placement/plan.js';
import { type MoveGroup, moveGroups } from '../../placement/move-groups.js';
import type { Move } from '../../placement/problem.js';
import type { NodeContext, NodeId, TimerHandle } from '../../runtime/context.js';
import type { SchedulingOutcome } from '../scheduling-outcome.js';
import type { DvmsConfig } from './dvms-config.js';
import { type DvmsMigrate, type DvmsMigrated, type DvmsMove, type MemberData, migrateBytes } from './dvms-messages.js';
import { partitionProblem } from './partition-problem.js';
import { withPolicies } from '../policy-view.js';

export interface RoundEnv {
  readonly ctx: NodeContext;
  readonly config: DvmsConfig;
  /** A fresh id, unique on this node (orders, pulls, merge questions). */
  newId(): number;
  /** Run migrations this node is the source of, together; their reports come back through `onMigrated`. */
  migrateLocal(moves: readonly DvmsMove[], to: NodeId): void;
}

/** How a planning ended: no plan (grow), a member left while planning (plan again), or the plan is being applied. */
export type PlanVerdict = 'failed' | 'stale' | 'applying';

export class PlanRound {
  private planTimer: TimerHandle | null = null;
  private applyTimer: TimerHandle | null = null;
  private readonly orders = new Map<number, Move>();
  private changed = false;
  plans = 0;
  planningMs = 0;
  migrationsOrdered = 0;
  migrationsDone = 0;

  constructor(
    private readonly env: RoundEnv,
    /** Planning is over: `verdict`. */
    private readonly planned: (verdict: PlanVerdict, groups: readonly MoveGroup[]) => void,
    /** Every order was reported, or the time ran out. */
    private readonly applied: () => void,
  ) {}

  get planning(): boolean {
    return this.planTimer !== null;
  }

  /** Plan for `members` now; the verdict comes after the modelled planning time. */
  plan(members: readonly MemberData[]): void {
    const { config, ctx } = this.env;
    const problem = withPolicies(partitionProblem(members, config.constraints, config.overloadThreshold, config.veSizes), config.policies);
    const result = planPlacement(problem, { searchStepsMax: config.planSearchStepsMax });
    const costMs = planningTimeMs(config.planningCost, problem.hosts.length, problem.vms.length, policyVmCount(problem));
    this.plans++;
    this.planningMs += costMs;
    ctx.metrics.count('dvms.plans');
    this.changed = false;
    this.planTimer = ctx.setTimer(costMs, () => {
      this.planTimer = null;
      if (this.changed) return this.planned('stale', []);
      if (!result.ok) {
        ctx.metrics.count('dvms.plans_failed');
        return this.planned('failed', []);
      }
      this.planned('applying', moveGroups(result.moves, problem));
    });
  }

  /** The round as logged when its partition ends. */
  outcome(startMs: number, hosts: number, vms: number, solved: boolean): SchedulingOutcome {
    const { plans, planningMs, migrationsOrdered, migrationsDone } = this;
    return { startMs, endMs: this.env.ctx.nowMs(), hosts, vms, plans, planningMs, migrationsOrdered, migrationsDone, solved };
  }

  /** A member left the partition: a plan being computed is out of date. */
  membershipChanged(): void {
    this.changed = true;
  }

  /** Order every group of moves from its source host (one source and one target per group). */
  apply(groups: readonly MoveGroup[]): void {
    const { ctx, config } = this.env;
    if (groups.length === 0) return this.applied();
    let ordered = 0;
    for (const group of groups) {
      const { from, to } = group[0];
      const moves: DvmsMove[] = group.map((move) => {
        const orderId = this.env.newId();
        this.orders.set(orderId, move);
        return { orderId, vm: move.vm };
      });
      ordered += moves.length;
      if (from === ctx.id) this.env.migrateLocal(moves, to);
      else {
        const order: DvmsMigrate = { type: 'dvms.migrate', moves, to };
        ctx.send(from, order, migrateBytes(moves.length));
      }
    }
    this.migrationsOrdered += ordered;
    ctx.metrics.count('dvms.migrations_ordered', ordered);
    this.applyTimer = ctx.setTimer(config.migrationTimeoutMs, () => {
      this.applyTimer = null;
      ctx.metrics.count('dvms.migrations_timed_out', this.orders.size);
      this.orders.clear();
      this.applied();
    });
  }

  onMigrated(from: NodeId, msg: DvmsMigrated): void {
    const order = this.orders.get(msg.orderId);
    if (order === undefined || order.from !== from || order.vm !== msg.vm) return;
    this.orders.delete(msg.orderId);
    if (msg.ok) this.migrationsDone++;
    this.env.ctx.metrics.count(msg.ok ? 'dvms.migrations_done' : 'dvms.migrations_failed');
    if (this.orders.size > 0 || this.applyTimer === null) return;
    this.applyTimer.cancel();
    this.applyTimer = null;
    this.applied();
  }

  /** `node` left the partition: migrations ordered from it will never be reported; count them as failed now. */
  sourceLost(node: NodeId): void {
    if (this.applyTimer === null) return;
    let lost = 0;
    for (const [orderId, move] of this.orders) {
      if (move.from !== node) continue;
      this.orders.delete(orderId);
      lost++;
    }
    if (lost === 0) return;
    this.env.ctx.metrics.count('dvms.migrations_lost', lost);
    if (this.orders.size > 0) return;
    this.applyTimer.cancel();
    this.applyTimer = null;
    this.applied();
  }

  stop(): void {
    this.planTimer?.cancel();
    this.applyTimer?.cancel();
    this.planTimer = this.applyTimer = null;
    this.orders.clear();
  }
}

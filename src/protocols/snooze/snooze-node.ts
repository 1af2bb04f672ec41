/**
 * What Snooze's roles (local controller, group manager, group leader) share on one node: its
 * context and config, a send that also reaches the node itself, its host's monitoring data,
 * its migration runner and round log, and the role changes (a GM promoted to GL, a GL that
 * steps down). Implemented by `SnoozeProtocol`.
 */
import type { Message, NodeContext, NodeId } from '../../runtime/context.js';
import type { OutcomeLog } from '../outcome-log.js';
import type { SchedulingOutcome } from '../scheduling-outcome.js';
import type { MemberReport } from './group-view.js';
import type { MigrationRunner } from '../migration-runner.js';
import type { SnoozeConfig } from './snooze-config.js';

export interface SnoozeNode {
  readonly ctx: NodeContext;
  readonly config: SnoozeConfig;
  readonly runner: MigrationRunner;
  readonly log: OutcomeLog<SchedulingOutcome>;
  /** Send, or deliver to this node itself after a zero delay (no network cost) when `to` is this node. */
  post(to: NodeId, message: Message, sizeBytes: number): void;
  /** This host's monitoring data now (a fresh sequence number). */
  snapshot(): MemberReport;
  /** Whether this host is overloaded now (the hypervisor's cheap totals, no VM list). */
  overloadedNow(): boolean;
  /** A GM finds the GL silent and is the lowest live GM: it leads from now on, in `term`. */
  promote(term: number): void;
  /** This GL learnt of a better claim (`gl` in `term`): it stops leading. */
  stepDown(gl: NodeId, term: number): void;
}

export { isId } from '../scheduler-wire.js';

/** A claim to lead: a higher term wins, then the lower node id. */
export function claimBeats(term: number, gl: NodeId, otherTerm: number, otherGl: NodeId): boolean {
  return term > otherTerm || (term === otherTerm && gl < otherGl);
}

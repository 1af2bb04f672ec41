/**
 * A group manager's view of its group: each member (local controller, and the GM's own host)
 * with when it was last heard, and its latest heartbeat (`LatestReports`: a late heartbeat never
 * overwrites a newer one; completed migrations applied at once); and the pure step from the
 * members' reports to the group's placement problem.
 *
 * Units: CPU in cores, summed in whole millicores (as the cloud model keeps it); memory in MiB.
 */
import type { NodeId } from '../../runtime/context.js';
import type { PlacementProblem, VeConstraint } from '../../placement/problem.js';
import { LatestReports, type MonitoringReport, reportsProblem } from '../host-reports.js';
import { type PolicyFacts, withPolicies } from '../policy-view.js';

export { validReport } from '../host-reports.js';

export type MemberReport = MonitoringReport;

/** Demand above capacity (the cloud model's definition), or memory above the host's; VMs on their way here count on their source until they arrive. */
export function isOverloaded(report: Pick<MemberReport, 'host' | 'vms'>): boolean {
  let milli = 0;
  let memoryMiB = 0;
  for (const vm of report.vms) {
    if (vm.incoming) continue;
    milli += Math.round(vm.cpuDemand * 1000);
    memoryMiB += vm.memoryMiB;
  }
  return milli > Math.round(report.host.cores * 1000) || memoryMiB > report.host.memoryMiB;
}

/**
 * The group's problem. Pinned besides (see `reportsProblem`): VMs of VEs under a gather or
 * spread constraint (their other members may sit in other groups, which this GM cannot see);
 * only fence constraints are kept, as they bind each VM alone. Policies are narrowed to the
 * group's hosts (`withPolicies`): a group may hold part of a PoP.
 */
export function groupProblemOf(reports: readonly MemberReport[], constraints: readonly VeConstraint[], policies: PolicyFacts | null = null): PlacementProblem {
  const bound = new Set<number>();
  for (const c of constraints) if (c.kind !== 'fence') bound.add(c.ve);
  return withPolicies(reportsProblem(reports, constraints.filter((c) => c.kind === 'fence'), bound), policies);
}

export class GroupView {
  /** When each member was last heard; its report, once it sent one, is in `latest`. */
  private readonly lastHeardMs = new Map<NodeId, number>();
  private readonly latest = new LatestReports<MemberReport>();

  constructor(private readonly groupSizeMax: number) {}

  get size(): number {
    return this.lastHeardMs.size;
  }

  has(node: NodeId): boolean {
    return this.lastHeardMs.has(node);
  }

  /** The members, by increasing node id. */
  nodes(): NodeId[] {
    return [...this.lastHeardMs.keys()].sort((a, b) => a - b);
  }

  /** Add `node` as heard now; false when the group is full. */
  add(node: NodeId, nowMs: number): boolean {
    if (this.lastHeardMs.has(node)) return true;
    if (this.lastHeardMs.size >= this.groupSizeMax) return false;
    this.lastHeardMs.set(node, nowMs);
    return true;
  }

  remove(node: NodeId): boolean {
    this.latest.delete(node);
    return this.lastHeardMs.delete(node);
  }

  /** A member's heartbeat: heard now; its report kept unless a newer one is. */
  heard(node: NodeId, report: MemberReport, nowMs: number): void {
    if (!this.lastHeardMs.has(node)) return;
    this.lastHeardMs.set(node, nowMs);
    this.latest.keep(node, report);
  }

  report(node: NodeId): MemberReport | null {
    return this.latest.get(node) ?? null;
  }

  /** Members silent for more than `timeoutMs`, removed and returned by increasing id. */
  expire(nowMs: number, timeoutMs: number, keep: NodeId): NodeId[] {
    const gone: NodeId[] = [];
    for (const [node, heardMs] of this.lastHeardMs) if (node !== keep && nowMs - heardMs > timeoutMs) gone.push(node);
    for (const node of gone) this.remove(node);
    return gone.sort((a, b) => a - b);
  }

  /** The members' reports, by increasing node id (members not heard from yet are left out). */
  reports(): MemberReport[] {
    return this.latest.sorted();
  }

  /** A migration of `vm` from `from` to `to` ended well: show it on `to` until `to` reports again. */
  applyMove(vm: number, from: NodeId, to: NodeId): void {
    this.latest.applyMove(vm, from, to);
  }
}

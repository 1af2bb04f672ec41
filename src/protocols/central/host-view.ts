/**
 * The manager's view of the hosts: the latest report of each (`LatestReports`), at most
 * `hostsMax` hosts, with when each arrived so stale hosts are left out of the problem. The
 * problem itself is `reportsProblem` with every VE constraint.
 */
import type { NodeId } from '../../runtime/context.js';
import type { PlacementProblem, VeConstraint } from '../../placement/problem.js';
import { LatestReports, type MonitoringReport, reportsProblem } from '../host-reports.js';
import { type PolicyFacts, withPolicies } from '../policy-view.js';

export { validReport } from '../host-reports.js';

export interface HostReport extends MonitoringReport {
  /** When the manager received it (its own clock). */
  readonly receivedAtMs: number;
}

/** The problem over `reports`: every constraint applies, since every host is seen; policies narrowed to the hosts reported (`withPolicies`). */
export function problemOf(reports: readonly HostReport[], constraints: readonly VeConstraint[], policies: PolicyFacts | null = null): PlacementProblem {
  return withPolicies(reportsProblem(reports, constraints), policies);
}

/** The latest report of each host, at most `hostsMax` hosts. */
export class HostView {
  private readonly reports = new LatestReports<HostReport>();
  private refusedCount = 0;

  constructor(private readonly hostsMax: number) {}

  get size(): number {
    return this.reports.size;
  }

  /** Reports refused because `hostsMax` hosts were known already. */
  get refused(): number {
    return this.refusedCount;
  }

  /** Keep `report` unless a newer one of the same host is kept; false when refused or older. */
  update(report: HostReport): boolean {
    const node = report.host.node;
    if (!this.reports.has(node) && this.reports.size >= this.hostsMax) {
      this.refusedCount++;
      return false;
    }
    return this.reports.keep(node, report);
  }

  get(node: NodeId): HostReport | undefined {
    return this.reports.get(node);
  }

  /** A migration of `vm` from `from` to `to` ended well: show it on `to` until `to` reports again. */
  applyMove(vm: number, from: NodeId, to: NodeId): void {
    this.reports.applyMove(vm, from, to);
  }

  /** Reports received at most `staleMs` before `nowMs`, by increasing node id. */
  fresh(nowMs: number, staleMs: number): HostReport[] {
    return this.reports.sorted().filter((report) => nowMs - report.receivedAtMs <= staleMs);
  }
}

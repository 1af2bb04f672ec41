/**
 * What a scheduler that plans from its hosts' monitoring reports needs of them, whoever keeps
 * them (the centralised manager, a Snooze group manager): the check of a report from the wire,
 * the latest report of each host with finished migrations applied at once, and the pure step
 * from reports to a placement problem. Whether a problem is viable is the placement checker's
 * call (`isViable`). Units: cores, MiB.
 */
import type { HostInfo, NodeId, VmInfo } from '../runtime/context.js';
import type { PlacementProblem, PlanHost, PlanVm, VeConstraint } from '../placement/problem.js';

/** A host's monitoring data; `seq` increases with each report of the host. */
export interface MonitoringReport {
  readonly host: HostInfo;
  readonly vms: readonly VmInfo[];
  readonly seq: number;
}

/** Whether a host and VM list from the wire are well formed (the planner rejects malformed problems). */
export function validReport(host: HostInfo | undefined, vms: readonly VmInfo[] | undefined): host is HostInfo {
  const amount = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (typeof host !== 'object' || host === null || !Number.isInteger(host.node) || !amount(host.cores) || !amount(host.memoryMiB)) return false;
  if (!Number.isInteger(host.site) || typeof host.country !== 'string' || !Array.isArray(vms)) return false;
  return vms.every((vm) => Number.isInteger(vm?.vm) && vm.vm >= 0 && amount(vm.cpuDemand) && amount(vm.memoryMiB) && Number.isInteger(vm.ve) && vm.ve >= -1 && typeof vm.migrating === 'boolean' && typeof vm.state === 'string');
}

/**
 * The problem over `reports` (hosts by increasing node id). A VM listed by two hosts (a
 * migration that ended between two reports) is kept once: the copy not marked migrating, else
 * the first. Pinned: VMs migrating already, VMs not running (only running VMs migrate live), and
 * VMs of the VEs in `pinnedVes`.
 */
export function reportsProblem(reports: readonly MonitoringReport[], constraints: readonly VeConstraint[], pinnedVes?: ReadonlySet<number>): PlacementProblem {
  const sorted = [...reports].sort((a, b) => a.host.node - b.host.node);
  const hosts: PlanHost[] = sorted.map((r) => ({ id: r.host.node, cores: r.host.cores, memoryMiB: r.host.memoryMiB, site: r.host.site, country: r.host.country }));
  const byVm = new Map<number, { readonly plan: PlanVm; readonly migrating: boolean }>();
  for (const r of sorted) {
    for (const vm of r.vms) {
      const kept = byVm.get(vm.vm);
      if (kept !== undefined && !(kept.migrating && !vm.migrating)) continue;
      const pinned = vm.migrating || vm.state !== 'running' || pinnedVes?.has(vm.ve) === true;
      byVm.set(vm.vm, { plan: { id: vm.vm, host: r.host.node, cpuDemand: vm.cpuDemand, memoryMiB: vm.memoryMiB, ve: vm.ve, pinned }, migrating: vm.migrating });
    }
  }
  const vms = [...byVm.values()].map((v) => v.plan).sort((a, b) => a.id - b.id);
  return { hosts, vms, constraints };
}

/** The latest report of each host. Unbounded itself: its owner bounds the hosts it admits. */
export class LatestReports<R extends MonitoringReport> {
  private readonly byNode = new Map<NodeId, R>();

  get size(): number {
    return this.byNode.size;
  }

  has(node: NodeId): boolean {
    return this.byNode.has(node);
  }

  get(node: NodeId): R | undefined {
    return this.byNode.get(node);
  }

  /** Keep `report` as `node`'s unless one as new (by `seq`) is kept; false when older. */
  keep(node: NodeId, report: R): boolean {
    const kept = this.byNode.get(node);
    if (kept !== undefined && kept.seq >= report.seq) return false;
    this.byNode.set(node, report);
    return true;
  }

  delete(node: NodeId): void {
    this.byNode.delete(node);
  }

  /** The reports, by increasing node id. */
  sorted(): R[] {
    return [...this.byNode.entries()].sort((a, b) => a[0] - b[0]).map(([, report]) => report);
  }

  /** A migration of `vm` from `from` to `to` ended well: show it on `to` until `to` reports again. */
  applyMove(vm: number, from: NodeId, to: NodeId): void {
    const source = this.byNode.get(from);
    const target = this.byNode.get(to);
    const info = source?.vms.find((v) => v.vm === vm);
    if (source !== undefined) this.byNode.set(from, { ...source, vms: source.vms.filter((v) => v.vm !== vm) });
    if (target !== undefined && info !== undefined && !target.vms.some((v) => v.vm === vm)) {
      const vms = [...target.vms, { ...info, migrating: false }].sort((a, b) => a.vm - b.vm);
      this.byNode.set(to, { ...target, vms });
    }
  }
}

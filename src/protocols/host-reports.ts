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
  return vms.every((vm) => Number.isInteger(vm?.vm) && vm.vm >= 0 && amount(vm.cpuDemand) && amount(vm.memoryMiB) && Number.isInteger(vm.ve) && vm.ve >= -1 && typeof vm.migrating === 'boolean' && typeof vm.incoming === 'boolean' && typeof vm.state === 'string');
}

/** Which listing of a VM a problem keeps (lowest): hosted and staying, leaving its source, on its way to its target. */
const listingRank = (vm: VmInfo): number => (vm.migrating ? 1 : vm.incoming ? 2 : 0);

/**
 * The problem over `reports` (hosts by increasing node id). A VM listed by two hosts is kept
 * once: the copy hosted and not migrating (a migration that ended between two reports), else
 * its source's (`migrating`: its demand is there until the switch-over; its target's room is
 * reduced by its demand and memory, reserved there for it), else its target's (`incoming`, the
 * source unseen), else the first. Pinned: VMs in flight, VMs not running (only running VMs
 * migrate live), every VM of a VE with a member in flight (a plan must not move the others by
 * where that one was: a spread's VM put beside it on its target), and VMs of the VEs in `pinnedVes`.
 */
export function reportsProblem(reports: readonly MonitoringReport[], constraints: readonly VeConstraint[], pinnedVes?: ReadonlySet<number>): PlacementProblem {
  const sorted = [...reports].sort((a, b) => a.host.node - b.host.node);
  const byVm = new Map<number, { readonly plan: PlanVm; readonly rank: number }>();
  for (const r of sorted) {
    for (const vm of r.vms) {
      const kept = byVm.get(vm.vm);
      const rank = listingRank(vm);
      if (kept !== undefined && kept.rank <= rank) continue;
      const pinned = vm.migrating || vm.incoming || vm.state !== 'running' || pinnedVes?.has(vm.ve) === true;
      byVm.set(vm.vm, { plan: { id: vm.vm, host: r.host.node, cpuDemand: vm.cpuDemand, memoryMiB: vm.memoryMiB, ve: vm.ve, pinned }, rank });
    }
  }
  const hosts: PlanHost[] = sorted.map((r) => {
    let cores = 0;
    let memoryMiB = 0;
    for (const vm of r.vms) {
      if (!vm.incoming || byVm.get(vm.vm)?.rank !== 1) continue;
      cores += vm.cpuDemand;
      memoryMiB += vm.memoryMiB;
    }
    return { id: r.host.node, cores: r.host.cores - cores, memoryMiB: r.host.memoryMiB - memoryMiB, site: r.host.site, country: r.host.country };
  });
  const inFlight = new Set<number>();
  for (const { plan, rank } of byVm.values()) if (rank > 0 && plan.ve >= 0) inFlight.add(plan.ve);
  const vms = [...byVm.values()].map((v) => (v.plan.pinned === true || !inFlight.has(v.plan.ve) ? v.plan : { ...v.plan, pinned: true })).sort((a, b) => a.id - b.id);
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

  /** A migration of `vm` from `from` to `to` ended well: show it on `to`, hosted, until `to` reports again. */
  applyMove(vm: number, from: NodeId, to: NodeId): void {
    const source = this.byNode.get(from);
    const target = this.byNode.get(to);
    const info = source?.vms.find((v) => v.vm === vm) ?? target?.vms.find((v) => v.vm === vm);
    if (source !== undefined) this.byNode.set(from, { ...source, vms: source.vms.filter((v) => v.vm !== vm) });
    if (target !== undefined && info !== undefined && !target.vms.some((v) => v.vm === vm && !v.incoming)) {
      const vms = [...target.vms.filter((v) => v.vm !== vm), { ...info, migrating: false, incoming: false }].sort((a, b) => a.vm - b.vm);
      this.byNode.set(to, { ...target, vms });
    }
  }
}

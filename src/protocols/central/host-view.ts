/**
 * The manager's view of the hosts: the latest report of each (by sequence number, so a late
 * report never overwrites a newer one), completed migrations applied at once, and the pure
 * step from reports to a placement problem.
 * Whether the result is viable is the placement checker's call (`isViable`). Units: cores, MiB.
 */
import type { HostInfo, NodeId, VmInfo } from '../../runtime/context.js';
import type { PlacementProblem, PlanHost, PlanVm, VeConstraint } from '../../placement/problem.js';

export interface HostReport {
  readonly host: HostInfo;
  readonly vms: readonly VmInfo[];
  readonly seq: number;
  /** When the manager received it (its own clock). */
  readonly receivedAtMs: number;
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
 * the first. Pinned: VMs migrating already and VMs not running (only running VMs migrate live).
 */
export function problemOf(reports: readonly HostReport[], constraints: readonly VeConstraint[]): PlacementProblem {
  const sorted = [...reports].sort((a, b) => a.host.node - b.host.node);
  const hosts: PlanHost[] = sorted.map((r) => ({ id: r.host.node, cores: r.host.cores, memoryMiB: r.host.memoryMiB, site: r.host.site, country: r.host.country }));
  const byVm = new Map<number, { readonly plan: PlanVm; readonly migrating: boolean }>();
  for (const r of sorted) {
    for (const vm of r.vms) {
      const kept = byVm.get(vm.vm);
      if (kept !== undefined && !(kept.migrating && !vm.migrating)) continue;
      const pinned = vm.migrating || vm.state !== 'running';
      byVm.set(vm.vm, { plan: { id: vm.vm, host: r.host.node, cpuDemand: vm.cpuDemand, memoryMiB: vm.memoryMiB, ve: vm.ve, pinned }, migrating: vm.migrating });
    }
  }
  const vms = [...byVm.values()].map((v) => v.plan).sort((a, b) => a.id - b.id);
  return { hosts, vms, constraints };
}

/** The latest report of each host, at most `hostsMax` hosts. */
export class HostView {
  private readonly reports = new Map<NodeId, HostReport>();
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
    const kept = this.reports.get(node);
    if (kept === undefined && this.reports.size >= this.hostsMax) {
      this.refusedCount++;
      return false;
    }
    if (kept !== undefined && kept.seq >= report.seq) return false;
    this.reports.set(node, report);
    return true;
  }

  get(node: NodeId): HostReport | undefined {
    return this.reports.get(node);
  }

  /** A migration of `vm` from `from` to `to` ended well: show it on `to` until `to` reports again. */
  applyMove(vm: number, from: NodeId, to: NodeId): void {
    const source = this.reports.get(from);
    const target = this.reports.get(to);
    const info = source?.vms.find((v) => v.vm === vm);
    if (source !== undefined) this.reports.set(from, { ...source, vms: source.vms.filter((v) => v.vm !== vm) });
    if (target !== undefined && info !== undefined && !target.vms.some((v) => v.vm === vm)) {
      const vms = [...target.vms, { ...info, migrating: false }].sort((a, b) => a.vm - b.vm);
      this.reports.set(to, { ...target, vms });
    }
  }

  /** Reports received at most `staleMs` before `nowMs`, by increasing node id. */
  fresh(nowMs: number, staleMs: number): HostReport[] {
    const out: HostReport[] = [];
    for (const report of this.reports.values()) if (nowMs - report.receivedAtMs <= staleMs) out.push(report);
    return out.sort((a, b) => a.host.node - b.host.node);
  }
}

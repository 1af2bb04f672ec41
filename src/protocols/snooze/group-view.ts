/**
 * A group manager's view of its group: each member (local controller, and the GM's own host)
 * with when it was last heard and its latest heartbeat (by sequence number, so a late heartbeat
 * never overwrites a newer one), completed migrations applied at once, and the pure step from
 * the members' reports to the group's placement problem.
 *
 * Units: CPU in cores, summed in whole millicores (as the cloud model keeps it); memory in MiB.
 */
import type { HostInfo, NodeId, VmInfo } from '../../runtime/context.js';
import type { PlacementProblem, PlanHost, PlanVm, VeConstraint } from '../../placement/problem.js';

export interface MemberReport {
  readonly host: HostInfo;
  readonly vms: readonly VmInfo[];
  readonly seq: number;
}

interface Member {
  report: MemberReport | null;
  lastHeardMs: number;
}

/** Whether a host and VM list from the wire are well formed (the planner rejects malformed problems). */
export function validReport(host: HostInfo | undefined, vms: readonly VmInfo[] | undefined): host is HostInfo {
  const amount = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (typeof host !== 'object' || host === null || !Number.isInteger(host.node) || !amount(host.cores) || !amount(host.memoryMiB)) return false;
  if (!Number.isInteger(host.site) || typeof host.country !== 'string' || !Array.isArray(vms)) return false;
  return vms.every((vm) => Number.isInteger(vm?.vm) && vm.vm >= 0 && amount(vm.cpuDemand) && amount(vm.memoryMiB) && Number.isInteger(vm.ve) && vm.ve >= -1 && typeof vm.migrating === 'boolean' && typeof vm.state === 'string');
}

/** Demand above capacity (the cloud model's definition), or memory above the host's. */
export function isOverloaded(report: Pick<MemberReport, 'host' | 'vms'>): boolean {
  let milli = 0;
  let memoryMiB = 0;
  for (const vm of report.vms) {
    milli += Math.round(vm.cpuDemand * 1000);
    memoryMiB += vm.memoryMiB;
  }
  return milli > Math.round(report.host.cores * 1000) || memoryMiB > report.host.memoryMiB;
}

/**
 * The group's problem (hosts by increasing node id). Pinned: VMs migrating already, VMs not
 * running, and VMs of VEs under a gather or spread constraint (their other members may sit in
 * other groups, which this GM cannot see); only fence constraints are kept, as they bind each
 * VM alone. A VM listed by two members (a migration that ended between two heartbeats) is kept
 * once: the copy not marked migrating, else the first.
 */
export function groupProblemOf(reports: readonly MemberReport[], constraints: readonly VeConstraint[]): PlacementProblem {
  const sorted = [...reports].sort((a, b) => a.host.node - b.host.node);
  const hosts: PlanHost[] = sorted.map((r) => ({ id: r.host.node, cores: r.host.cores, memoryMiB: r.host.memoryMiB, site: r.host.site, country: r.host.country }));
  const bound = new Set<number>();
  for (const c of constraints) if (c.kind !== 'fence') bound.add(c.ve);
  const byVm = new Map<number, { readonly plan: PlanVm; readonly migrating: boolean }>();
  for (const r of sorted) {
    for (const vm of r.vms) {
      const kept = byVm.get(vm.vm);
      if (kept !== undefined && !(kept.migrating && !vm.migrating)) continue;
      const pinned = vm.migrating || vm.state !== 'running' || bound.has(vm.ve);
      byVm.set(vm.vm, { plan: { id: vm.vm, host: r.host.node, cpuDemand: vm.cpuDemand, memoryMiB: vm.memoryMiB, ve: vm.ve, pinned }, migrating: vm.migrating });
    }
  }
  const vms = [...byVm.values()].map((v) => v.plan).sort((a, b) => a.id - b.id);
  return { hosts, vms, constraints: constraints.filter((c) => c.kind === 'fence') };
}

export class GroupView {
  private readonly members = new Map<NodeId, Member>();

  constructor(private readonly groupSizeMax: number) {}

  get size(): number {
    return this.members.size;
  }

  has(node: NodeId): boolean {
    return this.members.has(node);
  }

  /** The members, by increasing node id. */
  nodes(): NodeId[] {
    return [...this.members.keys()].sort((a, b) => a - b);
  }

  /** Add `node` as heard now; false when the group is full. */
  add(node: NodeId, nowMs: number): boolean {
    if (this.members.has(node)) return true;
    if (this.members.size >= this.groupSizeMax) return false;
    this.members.set(node, { report: null, lastHeardMs: nowMs });
    return true;
  }

  remove(node: NodeId): boolean {
    return this.members.delete(node);
  }

  /** A member's heartbeat: heard now; its report kept unless a newer one is. */
  heard(node: NodeId, report: MemberReport, nowMs: number): void {
    const member = this.members.get(node);
    if (member === undefined) return;
    member.lastHeardMs = nowMs;
    if (member.report === null || member.report.seq < report.seq) member.report = report;
  }

  report(node: NodeId): MemberReport | null {
    return this.members.get(node)?.report ?? null;
  }

  /** Members silent for more than `timeoutMs`, removed and returned by increasing id. */
  expire(nowMs: number, timeoutMs: number, keep: NodeId): NodeId[] {
    const gone: NodeId[] = [];
    for (const [node, member] of this.members) if (node !== keep && nowMs - member.lastHeardMs > timeoutMs) gone.push(node);
    for (const node of gone) this.members.delete(node);
    return gone.sort((a, b) => a - b);
  }

  /** The members' reports, by increasing node id (members not heard from yet are left out). */
  reports(): MemberReport[] {
    const out: MemberReport[] = [];
    for (const node of this.nodes()) {
      const report = this.members.get(node)?.report;
      if (report !== null && report !== undefined) out.push(report);
    }
    return out;
  }

  /** A migration of `vm` from `from` to `to` ended well: show it on `to` until `to` reports again. */
  applyMove(vm: number, from: NodeId, to: NodeId): void {
    const source = this.members.get(from);
    const target = this.members.get(to);
    const info = source?.report?.vms.find((v) => v.vm === vm);
    if (source?.report) source.report = { ...source.report, vms: source.report.vms.filter((v) => v.vm !== vm) };
    if (target?.report && info !== undefined && !target.report.vms.some((v) => v.vm === vm)) {
      target.report = { ...target.report, vms: [...target.report.vms, { ...info, migrating: false }].sort((a, b) => a.vm - b.vm) };
    }
  }
}

/**
 * A placement problem indexed once for the checker and the planner: ids to dense indices, each
 * VM's host index, the members of every VE a constraint names, and the structural faults of the
 * problem (duplicate ids, unknown hosts, numbers that are not finite and >= 0, malformed
 * constraints) as human-readable strings.
 *
 * Policies (`policy.ts`) add their VEs to `members`, their faults (as `policy #i: ...`), and the
 * VMs they forbid to move to `fixed` (root members, VMs on a quarantined site); the VMs of one VE
 * must share a tenant.
 *
 * A fence with both lists empty is not a fault: it allows no host, so any VM of its VE in the
 * problem violates it (the scenario layer should refuse such a fence; here it just cannot be
 * satisfied).
 */
import { policyFault, policyVes } from './policy.js';
import type { PlacementProblem, VeConstraint } from './problem.js';

export interface IndexedProblem {
  readonly problem: PlacementProblem;
  /** Host id -> index in `problem.hosts` (the first host with that id). */
  readonly hostIndex: ReadonlyMap<number, number>;
  /** VM id -> index in `problem.vms` (the first VM with that id). */
  readonly vmIndex: ReadonlyMap<number, number>;
  /** Host index of each VM (by VM index), -1 when its host is unknown. */
  readonly initialHost: Int32Array;
  /** The VM indices (input order) of each VE some constraint names, in order of first mention. */
  readonly members: ReadonlyMap<number, readonly number[]>;
  /** Tenant of each VM (by VM index), -1 if none. */
  readonly tenantOf: Int32Array;
  /** 1 for each VM that may not move: pinned, a root VE's member, or on a quarantined site. */
  readonly fixed: Uint8Array;
  readonly faults: readonly string[];
}

/** Capacity tolerance of the checker: a host is within capacity while demand <= capacity + this. */
export const CAPACITY_TOLERANCE = 1e-9;

const isAmount = (x: number): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;

export function indexProblem(problem: PlacementProblem): IndexedProblem {
  const faults: string[] = [];
  const hostIndex = new Map<number, number>();
  problem.hosts.forEach((host, i) => {
    if (!Number.isInteger(host.id)) faults.push(`host #${i}: id ${host.id} is not an integer`);
    if (hostIndex.has(host.id)) faults.push(`host ${host.id}: duplicate host id`);
    else hostIndex.set(host.id, i);
    if (!isAmount(host.cores)) faults.push(`host ${host.id}: cores ${host.cores} is not a finite number >= 0`);
    if (!isAmount(host.memoryMiB)) faults.push(`host ${host.id}: memoryMiB ${host.memoryMiB} is not a finite number >= 0`);
  });

  const vmIndex = new Map<number, number>();
  const initialHost = new Int32Array(problem.vms.length);
  const tenantOf = new Int32Array(problem.vms.length);
  const fixed = new Uint8Array(problem.vms.length);
  problem.vms.forEach((vm, i) => {
    tenantOf[i] = vm.tenant ?? -1;
    if (vm.pinned === true) fixed[i] = 1;
    if (vmIndex.has(vm.id)) faults.push(`vm ${vm.id}: duplicate vm id`);
    else vmIndex.set(vm.id, i);
    const h = hostIndex.get(vm.host);
    initialHost[i] = h ?? -1;
    if (h === undefined) faults.push(`vm ${vm.id}: on unknown host ${vm.host}`);
    if (!isAmount(vm.cpuDemand)) faults.push(`vm ${vm.id}: cpuDemand ${vm.cpuDemand} is not a finite number >= 0`);
    if (!isAmount(vm.memoryMiB)) faults.push(`vm ${vm.id}: memoryMiB ${vm.memoryMiB} is not a finite number >= 0`);
    if (!Number.isInteger(vm.ve) || vm.ve < -1) faults.push(`vm ${vm.id}: ve ${vm.ve} is not -1 or an integer >= 0`);
  });

  const members = new Map<number, number[]>();
  problem.constraints.forEach((c, i) => {
    const fault = constraintFault(c);
    if (fault !== '') faults.push(`constraint #${i}: ${fault}`);
    else if (!members.has(c.ve)) members.set(c.ve, []);
  });
  const policies = problem.policies ?? [];
  policies.forEach((p, i) => {
    const fault = policyFault(p);
    if (fault !== '') faults.push(`policy #${i}: ${fault}`);
    else for (const ve of policyVes(p)) if (!members.has(ve)) members.set(ve, []);
  });
  problem.vms.forEach((vm, i) => members.get(vm.ve)?.push(i));

  const ix = { problem, hostIndex, vmIndex, initialHost, members, tenantOf, fixed, faults };
  if (policies.length > 0) policyFacts(ix, fixed, faults);
  return ix;
}

/** Tenants' faults, and the VMs that root and quarantine policies fix (for problems with policies). */
function policyFacts(ix: IndexedProblem, fixed: Uint8Array, faults: string[]): void {
  const { problem, tenantOf, initialHost } = ix;
  for (const host of problem.hosts) {
    if (host.operator !== undefined && !(Number.isInteger(host.operator) && host.operator >= -1)) faults.push(`host ${host.id}: operator ${host.operator} is not -1 or an integer >= 0`);
  }
  const tenantOfVe = new Map<number, number>();
  problem.vms.forEach((vm, v) => {
    const t = tenantOf[v];
    if (vm.tenant !== undefined && !(Number.isInteger(vm.tenant) && vm.tenant >= -1)) faults.push(`vm ${vm.id}: tenant ${vm.tenant} is not -1 or an integer >= 0`);
    if (vm.ve < 0) return;
    const first = tenantOfVe.get(vm.ve);
    if (first === undefined) tenantOfVe.set(vm.ve, t);
    else if (first !== t) faults.push(`vm ${vm.id}: tenant ${t}, but ve ${vm.ve} has vms of tenant ${first}`);
  });
  const quarantined = new Set<number>();
  for (const p of problem.policies ?? []) {
    if (policyFault(p) !== '') continue;
    if (p.kind === 'root') for (const v of ix.members.get(p.ve) ?? []) fixed[v] = 1;
    if (p.kind === 'quarantine') for (const s of p.sites) quarantined.add(s);
  }
  if (quarantined.size > 0) problem.vms.forEach((_, v) => {
    if (initialHost[v] >= 0 && quarantined.has(problem.hosts[initialHost[v]].site)) fixed[v] = 1;
  });
}

function constraintFault(c: VeConstraint): string {
  if (!Number.isInteger(c.ve) || c.ve < 0) return `ve ${c.ve} is not an integer >= 0`;
  switch (c.kind) {
    case 'gather':
    case 'spread':
      return c.scope === 'host' || c.scope === 'site' ? '' : `${c.kind} scope '${String(c.scope)}' is not 'host' or 'site'`;
    case 'fence':
      return Array.isArray(c.sites) && Array.isArray(c.countries) ? '' : 'fence sites and countries must be lists';
    default:
      return `unknown kind '${String((c as { kind: unknown }).kind)}'`;
  }
}

/** Whether a fence allows a host: its site is listed, or its country is. */
export function fenceAllows(c: { readonly sites: readonly number[]; readonly countries: readonly string[] }, site: number, country: string): boolean {
  return c.sites.includes(site) || c.countries.includes(country);
}

/** A number for messages: at most 6 decimals, no trailing zeros (8.600000000000001 -> 8.6). */
export function fmt(x: number): string {
  return String(Number(x.toFixed(6)));
}

export function constraintLabel(c: VeConstraint): string {
  return c.kind === 'fence' ? `ve ${c.ve} (fence)` : `ve ${c.ve} (${c.kind} ${c.scope})`;
}

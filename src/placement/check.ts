/**
 * The checker of placement plans: applies a plan's moves (all at once, as the schedulers do) to
 * the problem's assignment and lists, as human-readable strings, every way the result breaks the
 * rules: structural faults of the problem, bad moves, hosts over CPU or memory capacity, and
 * VE constraints not held. An empty list means the plan is viable.
 *
 * Constraint semantics: only VMs present in the problem count; gather puts every member on one
 * host (one site), spread puts no two members on one host (one site); a fence allows a host when
 * its site is in `sites` OR its country is in `countries`, so a fence with both lists empty
 * allows nothing. Several constraints on one VE must all hold. User policies (`policy.ts`) are
 * checked by `policy-check.ts`: their hard violations count as the constraints' do, their soft
 * ones only in `placementViolations`.
 */
import { CAPACITY_TOLERANCE, constraintLabel, fenceAllows, fmt, indexProblem, type IndexedProblem } from './indexed.js';
import { policyViolations, softPoliciesBroken, type PolicyViolations } from './policy-check.js';
import type { Move, PlacementProblem } from './problem.js';
import { gatherSpreadViolations } from './ve-violations.js';

export function checkPlacement(problem: PlacementProblem, moves: readonly Move[]): readonly string[] {
  return placementViolations(problem, moves).hard;
}

/**
 * Every violation of the plan, hard (faults, bad moves, capacities, VE constraints, hard
 * policies: a viable plan has none) and soft (soft policies not held), and the number of soft
 * policies broken.
 */
export function placementViolations(problem: PlacementProblem, moves: readonly Move[]): PolicyViolations & { readonly softBroken: number } {
  const ix = indexProblem(problem);
  const violations = [...ix.faults];
  const finalHost = Int32Array.from(ix.initialHost);
  const movedBy = new Map<number, number>();
  moves.forEach((move, i) => {
    const v = ix.vmIndex.get(move.vm);
    const to = ix.hostIndex.get(move.to);
    if (v === undefined) {
      violations.push(`move ${i}: unknown vm ${move.vm}`);
      return;
    }
    const vm = problem.vms[v];
    if (to === undefined) violations.push(`move ${i}: vm ${move.vm} to unknown host ${move.to}`);
    if (vm.pinned === true) violations.push(`move ${i}: vm ${move.vm} is pinned`);
    if (move.from !== vm.host) violations.push(`move ${i}: vm ${move.vm} is on host ${vm.host}, not ${move.from}`);
    if (move.to === vm.host) violations.push(`move ${i}: vm ${move.vm} from host ${vm.host} to itself`);
    const earlier = movedBy.get(v);
    if (earlier !== undefined) violations.push(`move ${i}: vm ${move.vm} moved twice (also by move ${earlier})`);
    else {
      movedBy.set(v, i);
      if (to !== undefined) finalHost[v] = to;
    }
  });
  violations.push(...configurationViolations(ix, finalHost, Infinity));
  if (problem.policies === undefined || ix.faults.length > 0) return { hard: violations, soft: [], softBroken: 0 };
  return { hard: violations, soft: policyViolations(ix, finalHost).soft, softBroken: softPoliciesBroken(ix, finalHost) };
}

/** Whether the problem's current assignment is viable: no fault, no host overloaded, every constraint held. */
export function isViable(problem: PlacementProblem): boolean {
  const ix = indexProblem(problem);
  return ix.faults.length === 0 && configurationViolations(ix, ix.initialHost, 1).length === 0;
}

/** Ids (input order) of the hosts whose VMs demand more CPU or memory than they have. */
export function overloadedHosts(problem: PlacementProblem): readonly number[] {
  const ix = indexProblem(problem);
  const { cpu, mem } = hostLoads(ix, ix.initialHost);
  return problem.hosts.filter((h, i) => cpu[i] > h.cores + CAPACITY_TOLERANCE || mem[i] > h.memoryMiB + CAPACITY_TOLERANCE).map((h) => h.id);
}

export function hostLoads(ix: IndexedProblem, hostOf: Int32Array): { cpu: Float64Array; mem: Float64Array } {
  const cpu = new Float64Array(ix.problem.hosts.length);
  const mem = new Float64Array(ix.problem.hosts.length);
  ix.problem.vms.forEach((vm, v) => {
    const h = hostOf[v];
    if (h < 0) return;
    cpu[h] += vm.cpuDemand;
    mem[h] += vm.memoryMiB;
  });
  return { cpu, mem };
}

/**
 * Capacity and constraint violations of the configuration where VM index v is on host index
 * `hostOf[v]` (VMs at -1 are skipped: their fault is reported elsewhere); stops after `limit`.
 */
export function configurationViolations(ix: IndexedProblem, hostOf: Int32Array, limit: number): string[] {
  const out: string[] = [];
  const { hosts, vms, constraints } = ix.problem;
  const { cpu, mem } = hostLoads(ix, hostOf);
  for (let h = 0; h < hosts.length && out.length < limit; h++) {
    const host = hosts[h];
    if (cpu[h] > host.cores + CAPACITY_TOLERANCE) out.push(`host ${host.id}: cpu demand ${fmt(cpu[h])} cores > ${fmt(host.cores)} cores`);
    if (mem[h] > host.memoryMiB + CAPACITY_TOLERANCE) out.push(`host ${host.id}: memory ${fmt(mem[h])} MiB > ${fmt(host.memoryMiB)} MiB`);
  }
  for (const c of constraints) {
    if (out.length >= limit) break;
    const members = (ix.members.get(c.ve) ?? []).filter((v) => hostOf[v] >= 0);
    const label = constraintLabel(c);
    if (c.kind === 'fence') {
      for (const v of members) {
        const host = hosts[hostOf[v]];
        if (!fenceAllows(c, host.site, host.country))
          out.push(`${label}: vm ${vms[v].id} on site ${host.site} (${host.country}), allowed sites [${c.sites.join(',')}] countries [${c.countries.join(',')}]`);
      }
      continue;
    }
    gatherSpreadViolations(ix, hostOf, c.kind, c.scope, members, label, out);
  }
  if (out.length < limit && ix.problem.policies !== undefined) out.push(...policyViolations(ix, hostOf).hard);
  return out.slice(0, limit);
}

/**
 * Where a lost VM restarts, as a pure rule over what the chooser knows of the hosts (a view): a
 * host it may use (up, or answered) with room for the VM's memory, whose choice keeps the VM's VE
 * constraints against the other members' places (running, or on their way back), judged by the
 * VE service's own rule for a relocation (`relocationViolation`: gather, spread, fence as
 * `placement/check.ts`). Among the admissible hosts: the nearest to the PoP the VM was lost in
 * (its users' locality), then the least CPU demand, then the lowest id: deterministic. -1 when
 * none is admissible.
 *
 * One rule for both choosers: the recovery agent (`recovery-protocol.ts`, its view from the
 * hosts' answers) and the model-level fresh boots from images (`scenario/restart-host.ts`, its
 * view from the cloud model).
 */
import type { NodeId, VmId } from '../../runtime/context.js';
import type { VeConstraint } from '../../placement/problem.js';
import { type MemberPlaces, relocationViolation } from '../ve/ve-constraints.js';

export interface RestartView {
  readonly hostCount: number;
  readonly hostPop: ArrayLike<number>;
  readonly hostCountry: readonly string[];
  /** Whether host `h` may take a VM at all (up, or answered the chooser). */
  usable(h: NodeId): boolean;
  /** Memory free on `h` for a VM arriving, MiB: capacity - used - reserved for VMs on their way. */
  freeMiB(h: NodeId): number;
  /** CPU demand on `h`, restarts on their way included, millicores. */
  demandMilli(h: NodeId): number;
  /** One-way latency between PoPs, < 0 when unreachable. */
  popLatencyUs(pa: number, pb: number): number;
}

export interface RestartRequest {
  readonly vm: VmId;
  readonly memoryMiB: number;
  /** The PoP the VM was lost in (or the chooser's own when none of that PoP is usable). */
  readonly fromPop: number;
  /** The constraints of the VM's VE (empty when it has none). */
  readonly constraints: readonly VeConstraint[];
  /** The other members' places (running, or being restarted where they go); members nowhere left out. */
  readonly places: MemberPlaces;
}

export function restartChoice(view: RestartView, request: RestartRequest): NodeId {
  const latencyOfPop = new Map<number, number>();
  let best = -1;
  let bestUs = Infinity;
  let bestDemand = Infinity;
  for (let h = 0; h < view.hostCount; h++) {
    const pop = view.hostPop[h];
    let us = latencyOfPop.get(pop);
    if (us === undefined) latencyOfPop.set(pop, (us = pop === request.fromPop ? 0 : view.popLatencyUs(request.fromPop, pop)));
    if (us < 0 || us > bestUs) continue;
    const demand = view.demandMilli(h);
    if (us === bestUs && demand >= bestDemand) continue;
    if (!restartAdmits(view, request, h)) continue;
    best = h;
    bestUs = us;
    bestDemand = demand;
  }
  return best;
}

/** Whether host `h` may take the VM now (usable, room, VE constraints), as `restartChoice` judges. */
export function restartAdmits(view: RestartView, request: RestartRequest, h: NodeId): boolean {
  if (!view.usable(h) || request.memoryMiB > view.freeMiB(h)) return false;
  return relocationViolation(request.constraints, request.places, request.vm, { node: h, site: view.hostPop[h], country: view.hostCountry[h] }) === '';
}

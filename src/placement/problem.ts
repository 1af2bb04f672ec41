/**
 * A placement problem: hosts, the VMs on them, and the VE constraints that bind VMs together.
 * Pure data, shared by the planner (`plan.ts`), its checker (`check.ts`), DVMS inside a
 * partition and the centralised and hierarchical baselines. Units: cores, MiB. User policies
 * (`policy.ts`) are optional: a problem without them plans and checks as it always did.
 */
import type { Policy } from './policy.js';

export interface PlanHost {
  /** The host's node id (any integer, unique in the problem). */
  readonly id: number;
  readonly cores: number;
  readonly memoryMiB: number;
  /** PoP index and country, for constraints of scope 'site' and for fences. */
  readonly site: number;
  readonly country: string;
  /** Operator of the host's PoP (for minTrust policies), -1 or absent when unknown. */
  readonly operator?: number;
}

export interface PlanVm {
  readonly id: number;
  /** The host it is on now (a PlanHost id). */
  readonly host: number;
  /** CPU demand now, in cores. */
  readonly cpuDemand: number;
  readonly memoryMiB: number;
  /** The VE it belongs to, -1 if none. */
  readonly ve: number;
  /** A VM that may not move (e.g. migrating already, or with VE members outside the problem). */
  readonly pinned?: boolean;
  /** The tenant it belongs to (for isolate policies), -1 or absent if none. */
  readonly tenant?: number;
}

/**
 * A VE constraint over the VMs of VE `ve`:
 *  - gather: all on one host (scope 'host') or in one PoP (scope 'site');
 *  - spread: all on distinct hosts, or in distinct PoPs;
 *  - fence: only on hosts whose site is in `sites` or whose country is in `countries`.
 */
export type VeConstraint =
  | { readonly kind: 'gather'; readonly ve: number; readonly scope: 'host' | 'site' }
  | { readonly kind: 'spread'; readonly ve: number; readonly scope: 'host' | 'site' }
  | { readonly kind: 'fence'; readonly ve: number; readonly sites: readonly number[]; readonly countries: readonly string[] };

export interface PlacementProblem {
  readonly hosts: readonly PlanHost[];
  readonly vms: readonly PlanVm[];
  readonly constraints: readonly VeConstraint[];
  /** User policies, hard and soft (`policy.ts`); absent = none. */
  readonly policies?: readonly Policy[];
}

export interface Move {
  readonly vm: number;
  readonly from: number;
  readonly to: number;
}

/** The cloud model's VEs as the model-level services (recovery, replication) look them up: members and constraints by VE id. */
import type { Cloud } from '../platform/cloud.js';
import type { VeConstraint } from '../placement/problem.js';

export interface VeMembers {
  /** VE id -> its VMs, by increasing id. */
  readonly membersOf: ReadonlyMap<number, readonly number[]>;
  /** VE id -> its constraints, in the scenario's order. */
  readonly constraintsOf: ReadonlyMap<number, readonly VeConstraint[]>;
}

export function veMembers(cloud: Cloud, vmCount: number, constraints: readonly VeConstraint[]): VeMembers {
  const membersOf = new Map<number, number[]>();
  const constraintsOf = new Map<number, VeConstraint[]>();
  for (let vm = 0; vm < vmCount; vm++) {
    const ve = cloud.vmVe[vm];
    if (ve >= 0) push(membersOf, ve, vm);
  }
  for (const c of constraints) push(constraintsOf, c.ve, c);
  return { membersOf, constraintsOf };
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * The DISCOVERY agent: what one node runs, built once from a scenario's sections and used
 * unchanged by the simulated run (`scenario/run-scenario.ts`) and by a live agent
 * (`cli/live.ts`). In start order: the overlays of `protocols` (gossip, Vivaldi, spiral, routing,
 * CAN, Chord, VM index, store), the VM scheduler of `scheduler`, the VE manager of
 * `cloud.lifecycle`, the recovery agent of `cloud.snapshots` (`recovery-stack.ts`: snapshots to a
 * store agent, restarts from them), the failure detector of `detector`, and the actor layer of `services` on top. Probes and ground
 * truth are not part of it: the simulation observes the agent from outside.
 */
import type { VeConstraint } from '../placement/problem.js';
import type { PolicyFacts } from '../protocols/policy-view.js';
import type { StackBuilder } from '../runtime/context.js';
import { GOSSIP } from '../protocols/stack.js';
import type { Scenario } from '../scenario/schema.js';
import { type DetectorWrap, withDetector } from './detector-stack.js';
import { protocolStack } from './protocol-stack.js';
import { withScheduler } from './scheduler-stack.js';
import { withServices } from './services-stack.js';
import { veConfigOf, withVeLifecycle } from './ve-manager.js';
import type { VeObserver } from '../protocols/ve/ve-protocol.js';
import type { StoreObserver } from '../protocols/store/index.js';
import type { PlaceFacts } from '../protocols/recovery/index.js';
import { recoveryConfigOf, withRecovery } from './recovery-stack.js';

export interface AgentStackInput {
  readonly scenario: Scenario;
  /** Nodes of the deployment (ids 0..hostCount-1): the simulated hosts, or the live agents. */
  readonly hostCount: number;
  /** The VE constraints of the cloud (one per VE, ids 0..n-1); null when the node has no hypervisor. */
  readonly constraints: readonly VeConstraint[] | null;
  /** The user policies the scheduler plans with and their static facts; absent or null: none. */
  readonly policies?: PolicyFacts | null;
  /** Wraps each node's failure detector (the simulation's detector probe observes it). */
  readonly wrapDetector?: DetectorWrap;
  /** Told of every VE operation the node finishes: the simulation's scorer against the cloud model (`scenario/ve-lifecycle.ts`), a live agent's sampler. */
  readonly observeVe?: VeObserver;
  /** Told of every store operation the node invokes and completes: the simulation's history of the store (`scenario/probes/store-probe.ts`). */
  readonly observeStore?: StoreObserver;
  /** With `cloud.snapshots`: the static facts of the deployment the recovery agent plans with, and the home host of each of the cloud section's VMs (they are snapshotted). */
  readonly recovery?: { readonly facts: PlaceFacts; readonly vmHome: ArrayLike<number> };
}

/** Throws `SchedulerNodeError` when a scheduler setting does not fit `hostCount` (the caller names the file). */
export function agentStack(input: AgentStackInput): StackBuilder {
  const { scenario, hostCount, constraints } = input;
  let stack = protocolStack(scenario, hostCount, input.observeStore);
  if (scenario.scheduler !== undefined && scenario.cloud !== undefined && constraints !== null) {
    stack = withScheduler(stack, { scheduler: scenario.scheduler, cloud: scenario.cloud, hostCount, constraints, policies: input.policies ?? null });
  }
  const lifecycle = scenario.cloud?.lifecycle;
  if (lifecycle !== undefined && constraints !== null) {
    stack = withVeLifecycle(stack, veConfigOf(lifecycle, constraints.length, hostCount, constraints), input.observeVe);
  }
  const recovery = scenario.cloud === undefined || input.recovery === undefined || constraints === null ? null : recoveryConfigOf(scenario.cloud, input.recovery.vmHome, input.recovery.facts, constraints);
  if (recovery !== null) stack = withRecovery(stack, recovery);
  if (scenario.detector !== undefined) stack = withDetector(stack, GOSSIP, scenario.detector, input.wrapDetector);
  if (scenario.services !== undefined) stack = withServices(stack, scenario.services);
  return stack;
}

/**
 * What a live agent adds around its VE manager, where the simulation acts from outside the nodes
 * (`scenario/ve-lifecycle.ts`): each VE is configured at `configureAtS` by node ve mod n, the
 * node the simulation picks when all are up (a live agent cannot know who is up; a configure
 * refused or failed is retried every 10 s, at most 30 times, as there), and the VE manager is told
 * of every migration its host's hypervisor finished (`vmArrived` / `vmDeparted`), as a local
 * hypervisor agent would. The members of each VE are the scenario's definition of it (what its
 * user would configure), never where the VMs run. Events reach the manager from a 0 ms timer of
 * this protocol, so an exception in it is caught and counted like any handler's.
 */
import type { Message, NodeContext, NodeId, Protocol, StackBuilder, TimerHandle, VmId } from '../runtime/context.js';
import { serviceInstance } from '../actors/supervisor.js';
import type { VeProtocol } from '../protocols/ve/ve-protocol.js';
import { VE } from '../protocols/ve/ve-stack.js';

export const VE_AGENT = 've-agent';
const CONFIGURE_RETRY_MS = 10_000;
const CONFIGURE_ATTEMPTS_MAX = 30;

/** A VM that came to this host or left it by a migration (the libvirt hypervisor's `onVmMoved`). */
export interface VmMoves {
  onVmMoved(listener: (move: { readonly vm: VmId; readonly ve: number; readonly arrived: boolean }) => void): void;
}

export interface VeAgentHooksInput {
  readonly configureAtS: number;
  /** The members of each VE (index: VE id), as the scenario defines them. */
  readonly members: readonly (readonly VmId[])[];
  readonly nodeCount: number;
  /** The host's migrations; none when the node has no hypervisor. */
  readonly moves?: VmMoves;
}

export class VeAgentHooks implements Protocol {
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly veOf: () => VeProtocol | undefined,
    private readonly input: VeAgentHooksInput,
  ) {
    input.moves?.onVmMoved((move) => {
      if (move.ve < 0) return;
      this.later(0, () => {
        const manager = this.veOf();
        if (manager === undefined) return;
        if (move.arrived) manager.vmArrived(move.vm, move.ve);
        else manager.vmDeparted(move.vm);
        this.ctx.metrics.count(move.arrived ? 've.agent.arrivals_told' : 've.agent.departures_told');
      });
    });
  }

  /** The VEs this node configures: ve mod n = its id. */
  configuredHere(): number[] {
    const { members, nodeCount } = this.input;
    return members.flatMap((_, ve) => (ve % nodeCount === this.ctx.id && members[ve].length > 0 ? [ve] : []));
  }

  onStart(): void {
    const delayMs = Math.max(0, this.input.configureAtS * 1000 - this.ctx.nowMs());
    for (const ve of this.configuredHere()) this.later(delayMs, () => this.configure(ve, 1));
  }

  onStop(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
  }

  onMessage(_from: NodeId, _message: Message): void {
    this.ctx.metrics.count('ve.agent.unexpected_messages');
  }

  private configure(ve: number, attempt: number): void {
    const retry = (): void => {
      if (attempt >= CONFIGURE_ATTEMPTS_MAX) this.ctx.metrics.count('ve.configure_given_up');
      else this.later(CONFIGURE_RETRY_MS, () => this.configure(ve, attempt + 1));
    };
    const manager = this.veOf();
    if (manager === undefined) return retry(); // escalated, or between restarts
    manager.configure(ve, this.input.members[ve], (result) => {
      if (result.ok) this.ctx.metrics.count('ve.configured');
      else retry();
    });
  }

  private later(delayMs: number, action: () => void): void {
    const timer = this.ctx.setTimer(delayMs, () => {
      this.timers.delete(timer);
      action();
    });
    this.timers.add(timer);
  }
}

/** Adds the hooks beside the node's VE manager (a stack without one is returned as it is). */
export function withVeAgentHooks(inner: StackBuilder, input: VeAgentHooksInput): StackBuilder {
  return (contextFor) => {
    const protocols = new Map<string, Protocol>(inner(contextFor));
    if (!protocols.has(VE)) return protocols;
    protocols.set(VE_AGENT, new VeAgentHooks(contextFor(VE_AGENT), () => serviceInstance<VeProtocol>(protocols.get(VE)), input));
    return protocols;
  };
}

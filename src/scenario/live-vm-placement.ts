/**
 * The VM placement of a live launch, played on each agent: its part of the shared schedule
 * (`vm-schedule.ts`) reported to its own VM index at the schedule's times on the run's clock (ms
 * since the launch's epoch), as the host's hypervisor agent would report the VMs that arrive and
 * leave. At start it reports the VMs the schedule puts on it then, so a restarted agent (whose
 * clock continues from the epoch) reports again the VMs it holds, with their versions. It is a
 * protocol of the agent's stack only for its timers and error guard (it sends and receives no
 * message); the simulation does not run it, its `VmPlacement` reports to the nodes directly.
 */
import { type Message, type MessageSchemas, type MessageValidator, messageValidator, type NodeContext, type NodeId, type Protocol, type StackBuilder, type TimerHandle } from '../runtime/context.js';
import { VM_INDEX, type VmIndexProtocol } from '../protocols/vm-index/index.js';
import type { Scenario } from './schema.js';
import { type VmMove, VmSchedule } from './vm-schedule.js';

export const VM_PLACEMENT = 'vm-placement';

/** The schedule of a live launch of `scenario` on `agents` agents for `durationS`; null without a vmIndex section. */
export function liveVmSchedule(scenario: Scenario, agents: number, durationS: number): VmSchedule | null {
  const vmIndex = scenario.protocols.vmIndex;
  if (vmIndex === undefined) return null;
  return new VmSchedule({ seed: scenario.seed, vmCount: vmIndex.vmCount, movesPerS: vmIndex.movesPerS, hostCount: agents, durationS });
}

/** What the player tells the node's index. */
export type VmReports = Pick<VmIndexProtocol, 'vmArrived' | 'vmDeparted'>;

export class VmPlacementPlayer implements Protocol {
  private readonly moves: readonly VmMove[];
  private next = 0;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly index: VmReports,
    private readonly schedule: VmSchedule,
  ) {
    this.moves = schedule.movesOf(ctx.id);
  }

  onStart(): void {
    const nowMs = Math.max(0, this.ctx.nowMs()); // the initial placement is at time 0 exactly
    for (const { vm, version } of this.schedule.hostedAt(this.ctx.id, nowMs)) this.arrive(vm, version);
    while (this.next < this.moves.length && this.moves[this.next].timeMs <= nowMs) this.next++;
    this.arm();
  }

  onStop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  onMessage(_from: NodeId, _message: Message): void {
    this.ctx.metrics.count('vms.unknown_messages'); // its schema admits none: not reached live
  }

  /** One timer pending at a time: the next move of this host. */
  private arm(): void {
    if (this.next >= this.moves.length) return;
    this.timer = this.ctx.setTimer(Math.max(0, this.moves[this.next].timeMs - this.ctx.nowMs()), this.onDue);
  }

  private readonly onDue = (): void => {
    this.timer = null;
    const nowMs = this.ctx.nowMs();
    while (this.next < this.moves.length && this.moves[this.next].timeMs <= nowMs) this.play(this.moves[this.next++]);
    this.arm();
  };

  private play(move: VmMove): void {
    if (move.from === this.ctx.id) this.index.vmDeparted(move.vm);
    if (move.to === this.ctx.id) {
      this.arrive(move.vm, move.version);
      this.ctx.metrics.count('vms.moves');
    }
  }

  private arrive(vm: number, version: number): void {
    if (!this.index.vmArrived(vm, version)) this.ctx.metrics.count('vms.unindexed');
  }
}

/** The agent's stack with the player beside its VM index (started after it). */
export function withVmPlacement(stack: StackBuilder, schedule: VmSchedule): StackBuilder {
  return (contextFor) => {
    const protocols = new Map<string, Protocol>(stack(contextFor));
    const index = protocols.get(VM_INDEX) as VmIndexProtocol | undefined;
    if (index === undefined) throw new Error(`withVmPlacement: the stack has no ${VM_INDEX} protocol`);
    protocols.set(VM_PLACEMENT, new VmPlacementPlayer(contextFor(VM_PLACEMENT), index, schedule));
    return protocols;
  };
}

/** The player's wire schema: it has no message. */
export function withVmPlacementSchema(schemas: MessageSchemas): MessageSchemas {
  const none: MessageValidator = messageValidator({});
  return new Map<string, MessageValidator>([...schemas, [VM_PLACEMENT, none]]);
}

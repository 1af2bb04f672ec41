/**
 * The VM placement of a live launch: a schedule drawn before the run, a pure function of the
 * seed, the VM count, the move rate, the hosts (the live agents, 0..hostCount-1) and the run's
 * length, so every agent and the launcher compute the same one. It is the simulated placement's
 * model (`vm-placement.ts`) with every host up, drawn by the same functions on the same stream
 * (`vm-moves.ts`): `vmCount` VMs on uniformly drawn hosts at time 0, then a Poisson process of
 * `movesPerS` moves (a VM drawn uniformly, to another host drawn uniformly). A simulated twin of
 * the launch (every host up, no churn) thus places and moves its VMs exactly as the live run does.
 *
 * Each agent plays its part of it (`live-vm-placement.ts`), as a live host plays the injected load
 * of test-driver VMs: the VMs are labels reported to the agent's VM index at their epoch times, not
 * domains. The launcher judges the locates against it (`hostAt`, `wasOnDuring`, in ms since the
 * epoch). Not modelled: the simulated placement moves the VMs of a crashed host to live hosts; a
 * live schedule is fixed in advance and no agent knows for certain which others are down, so a
 * killed agent's VMs stay on it (as on a host that reboots with its VMs) and the restarted agent
 * reports again those it holds then.
 *
 * The draws are sequential, so a shorter run's schedule is a prefix of a longer one's.
 */
import { randomStream } from '../kernel/random.js';
import { sToUs } from '../kernel/time.js';
import type { NodeId } from '../runtime/context.js';
import { PlacementHistory, drawInitialHost, drawMoveDelayUs, drawMovingVm, drawTargetHost } from './vm-moves.js';

export interface VmScheduleOptions {
  readonly seed: number;
  readonly vmCount: number;
  /** Moves per second over all VMs (Poisson); 0 = none. */
  readonly movesPerS: number;
  /** Hosts 0..hostCount-1, all up for the whole run. */
  readonly hostCount: number;
  /** Moves are drawn up to this time (inclusive). */
  readonly durationS: number;
}

/** One move: `vm` leaves `from` for `to` at `timeMs` (since the epoch), its `version`-th move. */
export interface VmMove {
  readonly timeMs: number;
  readonly vm: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly version: number;
}

/** Moves a schedule holds at most (every agent keeps all of them). */
export const VM_SCHEDULE_MOVES_MAX = 2_000_000;

export class VmSchedule {
  private readonly history: PlacementHistory;
  private readonly initialHostOf: Int32Array;
  private readonly allMoves: VmMove[] = [];

  constructor(readonly options: VmScheduleOptions) {
    const { seed, vmCount, movesPerS, hostCount, durationS } = options;
    if (!(Number.isInteger(vmCount) && vmCount >= 1)) throw new RangeError(`vmCount must be an integer >= 1, got ${vmCount}`);
    if (!(movesPerS >= 0 && Number.isFinite(movesPerS))) throw new RangeError(`movesPerS must be a finite number >= 0, got ${movesPerS}`);
    if (!(Number.isInteger(hostCount) && hostCount >= 1)) throw new RangeError(`hostCount must be an integer >= 1, got ${hostCount}`);
    if (!(durationS >= 0 && Number.isFinite(durationS))) throw new RangeError(`durationS must be a finite number >= 0, got ${durationS}`);
    if (movesPerS * durationS > VM_SCHEDULE_MOVES_MAX) throw new RangeError(`${movesPerS} VM moves per second over ${durationS} s is more than ${VM_SCHEDULE_MOVES_MAX} moves`);
    const rng = randomStream(seed, 'vms');
    const up = Array.from({ length: hostCount }, (_, h) => h);
    this.history = new PlacementHistory(vmCount);
    this.initialHostOf = new Int32Array(vmCount);
    for (let vm = 0; vm < vmCount; vm++) {
      this.initialHostOf[vm] = drawInitialHost(rng, up);
      this.history.arrive(vm, this.initialHostOf[vm], 0);
    }
    if (movesPerS === 0) return;
    const hostOf = Int32Array.from(this.initialHostOf);
    const version = new Int32Array(vmCount);
    const endUs = sToUs(durationS);
    // The order of draws is the simulated placement's: at each move the VM, its target, then the next delay.
    for (let timeUs = drawMoveDelayUs(rng, movesPerS); timeUs <= endUs; timeUs += drawMoveDelayUs(rng, movesPerS)) {
      const vm = drawMovingVm(rng, vmCount);
      const to = drawTargetHost(rng, up, hostOf[vm]);
      if (to < 0) continue;
      if (this.allMoves.length >= VM_SCHEDULE_MOVES_MAX) throw new RangeError(`${movesPerS} VM moves per second over ${durationS} s drew more than ${VM_SCHEDULE_MOVES_MAX} moves`);
      version[vm]++;
      this.allMoves.push({ timeMs: timeUs / 1000, vm, from: hostOf[vm], to, version: version[vm] });
      this.history.arrive(vm, to, timeUs / 1000);
      hostOf[vm] = to;
    }
  }

  get vmCount(): number {
    return this.options.vmCount;
  }

  /** Every move, in time order. */
  get moves(): readonly VmMove[] {
    return this.allMoves;
  }

  /** Where `vm` starts, at time 0. */
  initialHost(vm: number): NodeId {
    return this.initialHostOf[vm];
  }

  /** The host `vm` is on at `timeMs` (an arrival at exactly that time counts). */
  hostAt(vm: number, timeMs: number): NodeId {
    return this.history.hostAt(vm, timeMs);
  }

  /** Whether `vm` was on `host` at some instant of [fromMs, toMs]. */
  wasOnDuring(vm: number, host: NodeId, fromMs: number, toMs: number): boolean {
    return this.history.wasOnDuring(vm, host, fromMs, toMs);
  }

  /** The VMs on `host` at `timeMs`, ascending, with their versions (moves so far). */
  hostedAt(host: NodeId, timeMs: number): { readonly vm: number; readonly version: number }[] {
    const out: { vm: number; version: number }[] = [];
    for (let vm = 0; vm < this.vmCount; vm++) if (this.history.hostAt(vm, timeMs) === host) out.push({ vm, version: this.history.versionAt(vm, timeMs) });
    return out;
  }

  /** The moves into or out of `host`, in time order. */
  movesOf(host: NodeId): VmMove[] {
    return this.allMoves.filter((m) => m.from === host || m.to === host);
  }
}

/**
 * The draws of the VM placement model and the record of where each VM was, shared by the
 * simulated placement (`vm-placement.ts`, hosts up or down as the run goes) and the schedule a
 * live launch plays (`vm-schedule.ts`, every agent a host): the same calls on the same stream
 * `vms` in the same order, so with every host up both give the same placement, move for move.
 */
import type { Random } from '../kernel/random.js';
import { msToUs } from '../kernel/time.js';
import type { NodeId } from '../runtime/context.js';

/** A VM's first host: uniformly among `up`. */
export function drawInitialHost(rng: Random, up: readonly NodeId[]): NodeId {
  return up[rng.int(up.length)];
}

/** Time to the next move of the Poisson process of `movesPerS` moves per second, in whole microseconds (>= 1). */
export function drawMoveDelayUs(rng: Random, movesPerS: number): number {
  return Math.max(1, msToUs(rng.exponential(1000 / movesPerS)));
}

/** The VM that moves: uniformly among 0..vmCount-1. */
export function drawMovingVm(rng: Random, vmCount: number): number {
  return rng.int(vmCount);
}

/** Where a VM goes: an up host other than `except`, uniformly; -1 when there is none (nothing drawn then). */
export function drawTargetHost(rng: Random, up: readonly NodeId[], except: NodeId): NodeId {
  const others = up.filter((h) => h !== except);
  return others.length === 0 ? -1 : others[rng.int(others.length)];
}

/**
 * Where each VM was: per VM, the times (ms) it arrived somewhere, ascending, and where. Answers
 * for any instant, so a locate's answer is judged against the placement when the owner gave it.
 */
export class PlacementHistory {
  private readonly historyMs: number[][] = [];
  private readonly historyHost: number[][] = [];

  constructor(readonly vmCount: number) {
    for (let vm = 0; vm < vmCount; vm++) {
      this.historyMs.push([]);
      this.historyHost.push([]);
    }
  }

  /** `vm` arrived on `host` at `timeMs` (not before its last arrival). */
  arrive(vm: number, host: NodeId, timeMs: number): void {
    const times = this.historyMs[vm];
    if (times.length > 0 && timeMs < times[times.length - 1]) throw new RangeError(`PlacementHistory: VM ${vm} arrives at ${timeMs} ms, before its last arrival at ${times[times.length - 1]} ms`);
    times.push(timeMs);
    this.historyHost[vm].push(host);
  }

  /** The host `vm` was on at `timeMs` (an arrival at exactly that time counts); -1 before its placement. */
  hostAt(vm: number, timeMs: number): NodeId {
    const arrived = this.arrivalsUntil(vm, timeMs);
    return arrived === 0 ? -1 : this.historyHost[vm][arrived - 1];
  }

  /** How many times `vm` had moved by `timeMs` (its version, as the index carries it); -1 before its placement. */
  versionAt(vm: number, timeMs: number): number {
    return this.arrivalsUntil(vm, timeMs) - 1;
  }

  /** Arrivals of `vm` at or before `timeMs` (binary search). */
  private arrivalsUntil(vm: number, timeMs: number): number {
    const times = this.historyMs[vm];
    let lo = 0;
    let hi = times.length; // first index with time > timeMs
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] <= timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether `vm` was on `host` at some instant of [fromMs, toMs]. */
  wasOnDuring(vm: number, host: NodeId, fromMs: number, toMs: number): boolean {
    if (this.hostAt(vm, fromMs) === host) return true;
    const times = this.historyMs[vm];
    const hosts = this.historyHost[vm];
    for (let k = 0; k < times.length; k++) if (times[k] > fromMs && times[k] <= toMs && hosts[k] === host) return true;
    return false;
  }
}

/**
 * Live migration by pre-copy (the model of SimGrid's live-migration plugin and VMPlaceS): round 1
 * copies all of the VM's memory while it runs; each later round copies what was dirtied during
 * the round before (dirty rate x that round's duration, at most the whole memory). Once what is
 * left is at most `stopCopyBytes`, or after `roundsMax` rounds, the VM pauses and the rest is
 * copied (stop-and-copy): the downtime is that last copy's duration; nothing is dirtied during it.
 *
 * Conventions:
 * - `rounds` counts the live rounds (>= 1: round 1 always copies the whole memory); the
 *   stop-and-copy always follows, even of 0 bytes (dirty rate 0: downtime 0).
 * - A dirty rate >= the bandwidth never converges: every round dirties at least as much as it
 *   copied, so each round copies the whole memory; the migration stops after `roundsMax` rounds
 *   and the downtime is min(memory, dirtied in the last round) / bandwidth = memory / bandwidth.
 *   A slower dirty rate that converges too slowly ends the same way, at `roundsMax`.
 * - Bandwidth in bits per second (as in `BulkTransfers`), sizes in bytes, dirty rate in bytes
 *   per second. Bandwidth only: the path's propagation latency is the caller's.
 *
 * `preCopyPlan` is the closed form for a constant bandwidth; `PreCopyMigration` runs the same
 * rounds as bulk transfers, so its bandwidth is what max-min sharing gives it, changing as other
 * transfers start and end, and each round's dirtied bytes come from the previous round's actual
 * (kernel, integer microsecond) duration.
 */
import type { Simulator } from '../kernel/simulator.js';
import type { BulkTransfers } from './bulk-transfers.js';

export interface PreCopyVm {
  readonly memoryBytes: number;
  readonly dirtyRateBytesPerS: number;
  /** Stop the live rounds once what is left to copy is at most this. */
  readonly stopCopyBytes: number;
  /** Live rounds at most (>= 1) before the stop-and-copy, converged or not. */
  readonly roundsMax: number;
  /**
   * Stop the live rounds once they have sent this many times the memory (Xen's rule: 3, its
   * DEF_MAX_FACTOR in tools/libxc/xc_domain_save.c, the scenario default), so a migration that
   * does not converge stops early instead of copying the whole memory roundsMax times.
   * Infinity (the default here) leaves roundsMax alone.
   */
  readonly sentFactorMax?: number;
}

export interface PreCopyPlanInput extends PreCopyVm {
  /** Constant bandwidth, in bits per second. */
  readonly bandwidthBps: number;
}

export interface PreCopyPlan {
  /** Live rounds (the stop-and-copy not counted). */
  readonly rounds: number;
  /** Start of round 1 to the end of the stop-and-copy. */
  readonly durationS: number;
  /** The stop-and-copy's duration. */
  readonly downtimeS: number;
  readonly bytesSent: number;
}

function checkVm(where: string, vm: PreCopyVm): void {
  const { memoryBytes, dirtyRateBytesPerS, stopCopyBytes, roundsMax } = vm;
  if (!(memoryBytes > 0 && Number.isFinite(memoryBytes))) throw new RangeError(`${where}: memoryBytes must be a finite number > 0, got ${memoryBytes}`);
  if (!(dirtyRateBytesPerS >= 0 && Number.isFinite(dirtyRateBytesPerS))) throw new RangeError(`${where}: dirtyRateBytesPerS must be a finite number >= 0, got ${dirtyRateBytesPerS}`);
  if (!(stopCopyBytes >= 0 && Number.isFinite(stopCopyBytes))) throw new RangeError(`${where}: stopCopyBytes must be a finite number >= 0, got ${stopCopyBytes}`);
  if (!(Number.isInteger(roundsMax) && roundsMax >= 1)) throw new RangeError(`${where}: roundsMax must be an integer >= 1, got ${roundsMax}`);
  const factor = vm.sentFactorMax ?? Infinity;
  if (!(factor >= 1)) throw new RangeError(`${where}: sentFactorMax must be a number >= 1, got ${factor}`);
}

/** What round `roundsDone + 1` copies, or the stop-and-copy if `stop`, after `sentBytes` so far. */
function nextRound(vm: PreCopyVm, roundsDone: number, lastRoundS: number, sentBytes: number): { bytes: number; stop: boolean } {
  const bytes = Math.min(vm.memoryBytes, vm.dirtyRateBytesPerS * lastRoundS);
  const sentOut = sentBytes >= (vm.sentFactorMax ?? Infinity) * vm.memoryBytes;
  return { bytes, stop: bytes <= vm.stopCopyBytes || roundsDone >= vm.roundsMax || sentOut };
}

/** The pre-copy rounds at a constant bandwidth, in closed form (at most `roundsMax` + 1 copies). */
export function preCopyPlan(input: PreCopyPlanInput): PreCopyPlan {
  checkVm('preCopyPlan', input);
  const { bandwidthBps, memoryBytes } = input;
  if (!(bandwidthBps > 0 && Number.isFinite(bandwidthBps))) throw new RangeError(`preCopyPlan: bandwidthBps must be a finite number > 0, got ${bandwidthBps}`);
  const secondsFor = (bytes: number): number => (8 * bytes) / bandwidthBps;
  let rounds = 1;
  let roundS = secondsFor(memoryBytes);
  let durationS = roundS;
  let bytesSent = memoryBytes;
  for (;;) {
    const next = nextRound(input, rounds, roundS, bytesSent);
    roundS = secondsFor(next.bytes);
    durationS += roundS;
    bytesSent += next.bytes;
    if (next.stop) return { rounds, durationS, downtimeS: roundS, bytesSent };
    rounds++;
  }
}

export interface PreCopyMigrationParams extends PreCopyVm {
  /** Bounds the migration's rate, in bits per second (e.g. the hypervisor's migration bandwidth). */
  readonly capBps?: number;
}

export interface PreCopyResult {
  readonly rounds: number;
  /** Start to the end of the stop-and-copy, in microseconds. */
  readonly durationUs: number;
  readonly downtimeUs: number;
  readonly bytesSent: number;
  /** Each copy's duration: the live rounds, then the stop-and-copy. */
  readonly copyDurationsUs: readonly number[];
}

/**
 * One pre-copy migration over bulk transfers, started when constructed: each round is one
 * transfer over `links`, so the rate is max-min fair with whatever else crosses them. `onDone`
 * is called at the end of the stop-and-copy (from a kernel event, never from the constructor).
 */
export class PreCopyMigration {
  private readonly startedUs: number;
  private readonly copyDurationsUs: number[] = [];
  private rounds = 0;
  private bytesSent = 0;
  /** The copy in progress (a transfer id), -1 once done or cancelled. */
  private transfer = -1;

  constructor(
    private readonly transfers: BulkTransfers,
    private readonly sim: Simulator,
    private readonly links: readonly number[],
    private readonly params: PreCopyMigrationParams,
    private readonly onDone: (result: PreCopyResult) => void,
  ) {
    checkVm('PreCopyMigration', params);
    const capBps = params.capBps ?? Infinity;
    if (!(capBps > 0)) throw new RangeError(`PreCopyMigration: capBps must be > 0, got ${capBps}`);
    if (links.length === 0 && !Number.isFinite(capBps)) throw new RangeError('PreCopyMigration: a migration over no link needs a finite capBps');
    this.startedUs = sim.nowUs();
    this.copy(params.memoryBytes, false);
  }

  private copy(bytes: number, stop: boolean): void {
    if (!stop) this.rounds++;
    this.bytesSent += bytes;
    this.transfer = this.transfers.start(this.links, bytes, (durationUs) => this.copied(durationUs, stop), this.params.capBps ?? Infinity);
  }

  /** Abandon the migration (an end crashed): `onDone` is never called. Returns the bytes sent so far, the copy in progress counted whole. */
  cancel(): number {
    if (this.transfer >= 0) this.transfers.cancel(this.transfer);
    this.transfer = -1;
    return this.bytesSent;
  }

  private copied(durationUs: number, stop: boolean): void {
    this.transfer = -1;
    this.copyDurationsUs.push(durationUs);
    if (stop) {
      this.onDone({
        rounds: this.rounds,
        durationUs: this.sim.nowUs() - this.startedUs,
        downtimeUs: durationUs,
        bytesSent: this.bytesSent,
        copyDurationsUs: [...this.copyDurationsUs],
      });
      return;
    }
    const next = nextRound(this.params, this.rounds, durationUs / 1e6, this.bytesSent);
    this.copy(next.bytes, next.stop);
  }
}

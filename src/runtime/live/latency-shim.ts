/**
 * The latency shim: this machine's kernel has no netem, so the live runtime itself delays each
 * message by the one-way latency RTT[from][to] / 2 of an RTT matrix, and may drop it with a loss
 * rate. It sits on the SENDING side, between `send` and the socket: the sender knows the true
 * destination row (the receiver would have to trust the envelope's `f`), the message is encoded
 * (and its size checked) at the moment the protocol sends it, and a lost message never costs a
 * datagram. Real transit (loopback: tens of us) adds to the delay, as it would on a real link.
 * The fragments of a message too large for one datagram pass here one by one, each delayed and
 * lost on its own draw, as on a network (one lost, the message is: the receiver times it out).
 *
 * Timers of Node may fire up to a millisecond early (they count from a truncated start), so a
 * timer that wakes before the due time is re-armed: the delay is never shorter than the matrix's.
 */
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import type { Random } from '../../kernel/random.js';
import type { RttMatrix } from '../../platform/types.js';
import type { NodeId } from '../context.js';
import { rttMsOf } from './matrix-rtt.js';

export interface LatencyShimConfig {
  readonly matrix: RttMatrix;
  /** Probability in [0, 1) that a message is dropped (drawn from the node's 'live.loss' stream). */
  readonly lossRate: number;
  /** Bound on messages held back at once; beyond it a message is dropped, as by a full queue. */
  readonly pendingMax: number;
}

export type ShimOutcome = 'scheduled' | 'lost' | 'overflow';

export class LatencyShim {
  private readonly pending = new Set<NodeJS.Timeout>();
  /** How late each message left after its due time, in us (+1: a histogram holds values >= 1): the shim's precision. */
  readonly lateUs: RecordableHistogram = createHistogram();

  constructor(
    private readonly config: LatencyShimConfig,
    private readonly fromId: NodeId,
    private readonly lossRng: Random,
  ) {}

  /** One-way latency to `to`, in ms: half the matrix RTT. */
  oneWayMs(to: NodeId): number {
    return rttMsOf(this.config.matrix, this.fromId, to) / 2;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Run `transmit` after the one-way latency to `to`, unless the message is lost. */
  delay(to: NodeId, transmit: () => void): ShimOutcome {
    // Draw even when the rate is 0, so that enabling loss does not shift anything else.
    if (this.lossRng.next() < this.config.lossRate) return 'lost';
    if (this.pending.size >= this.config.pendingMax) return 'overflow';
    const dueMs = performance.now() + this.oneWayMs(to);
    const arm = (waitMs: number): void => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        const earlyMs = dueMs - performance.now();
        if (earlyMs > 0) arm(earlyMs);
        else {
          this.lateUs.record(Math.round(-earlyMs * 1000) + 1);
          transmit();
        }
      }, waitMs);
      this.pending.add(timer);
    };
    arm(dueMs - performance.now());
    return 'scheduled';
  }

  /** Drop everything still held back (the node is stopping). */
  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

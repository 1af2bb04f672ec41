/** Gossip's wire messages: readonly plain data. */
import type { NodeId } from '../../runtime/context.js';

export interface ViewEntry {
  readonly peer: NodeId;
  readonly ageRounds: number;
}

export interface GossipShuffle {
  readonly type: 'gossip.shuffle';
  /** The initiator's clock at send time, echoed in the reply to measure the round trip. */
  readonly sentAtMs: number;
  readonly entries: readonly ViewEntry[];
}

export interface GossipShuffleReply {
  readonly type: 'gossip.shuffle-reply';
  readonly sentAtMs: number;
  readonly entries: readonly ViewEntry[];
}

export type GossipMessage = GossipShuffle | GossipShuffleReply;

/** 32-byte header, an 8-byte timestamp, and 8 bytes per entry (id and age, 4 bytes each). */
export function shuffleSizeBytes(entryCount: number): number {
  return 32 + 8 + 8 * entryCount;
}

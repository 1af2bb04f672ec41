/** A source of peers to talk to (implemented by the gossip protocol), never including self. */
import type { NodeId } from '../runtime/context.js';

export interface PeerSampler {
  /** The current sample of peers: no duplicates, never the caller itself. */
  peers(): readonly NodeId[];
}

/**
 * What DVMS reads of the overlays beneath it, on one node: Chord's ring (successor, successor
 * list, fingers) and Vivaldi's estimates of the peers it has heard from. Re-read at every
 * decision, so DVMS follows the ring as it forms and changes.
 */
import type { NodeId } from '../runtime/context.js';
import type { ChordProtocol } from '../protocols/chord/chord-protocol.js';
import type { DvmsOverlay } from '../protocols/dvms/dvms-overlay.js';
import type { VivaldiProtocol } from '../protocols/vivaldi/vivaldi-protocol.js';

export class ChordVivaldiOverlay implements DvmsOverlay {
  constructor(
    private readonly self: NodeId,
    private readonly chord: ChordProtocol,
    private readonly vivaldi: VivaldiProtocol | undefined,
  ) {}

  successor(): NodeId | undefined {
    if (!this.chord.isJoined()) return undefined;
    const successor = this.chord.successor();
    return successor === this.self || successor < 0 ? undefined : successor;
  }

  /** Successor list, then fingers, each once, without this node. */
  neighbours(): readonly NodeId[] {
    if (!this.chord.isJoined()) return [];
    const seen = new Set<NodeId>();
    for (const peer of this.chord.successorList()) if (peer >= 0 && peer !== this.self) seen.add(peer);
    for (const peer of this.chord.fingerTable()) if (peer >= 0 && peer !== this.self) seen.add(peer);
    return [...seen];
  }

  estimateRttMs(peer: NodeId): number | undefined {
    const coordinate = this.vivaldi?.peerCoordinate(peer);
    return coordinate === undefined || this.vivaldi === undefined ? undefined : this.vivaldi.estimateRttMs(coordinate);
  }

  candidates(): readonly NodeId[] {
    return this.vivaldi === undefined ? [] : this.vivaldi.peersWithCoordinates().filter((peer) => peer !== this.self);
  }
}

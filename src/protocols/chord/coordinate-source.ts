/**
 * Where Chord's proximity neighbour selection gets its RTT estimates. Optional: without one,
 * Chord is plain Chord. `VivaldiCoordinateSource` estimates from the coordinates a Vivaldi
 * protocol has heard (peers it never heard from stay unknown).
 */
import type { NodeId } from '../../runtime/context.js';
import type { VivaldiProtocol } from '../vivaldi/index.js';

/** An estimated RTT to `peer` in ms, undefined when nothing is known about it (proximity neighbour selection). */
export type PeerRttMs = (peer: NodeId) => number | undefined;

export interface CoordinateSource {
  /** Estimated RTT to `peer` in ms, or undefined when nothing is known about it. */
  estimateRttMs(peer: NodeId): number | undefined;
}

export class VivaldiCoordinateSource implements CoordinateSource {
  constructor(private readonly vivaldi: VivaldiProtocol) {}

  estimateRttMs(peer: NodeId): number | undefined {
    const coordinate = this.vivaldi.peerCoordinate(peer);
    return coordinate === undefined ? undefined : this.vivaldi.estimateRttMs(coordinate);
  }
}

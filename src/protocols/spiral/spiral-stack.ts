/**
 * The spiral stack of a node: gossip (peer sampling), Vivaldi (coordinates, sampling from
 * gossip), then the spiral search using both. Instances come back by name:
 *   const spiral = stack.get(SPIRAL) as SpiralProtocol;
 */
import type { Protocol, StackBuilder } from '../../runtime/context.js';
import { type GossipConfig, GossipProtocol } from '../gossip/index.js';
import { type VivaldiConfig, VivaldiProtocol, rememberingPeerCoordinates } from '../vivaldi/index.js';
import { GOSSIP, VIVALDI } from '../stack.js';
import type { SpiralConfig } from './spiral-config.js';
import { SpiralProtocol } from './spiral-protocol.js';

export const SPIRAL = 'spiral';

export interface SpiralStackConfig {
  readonly gossip: GossipConfig;
  readonly vivaldi: VivaldiConfig;
  readonly spiral: SpiralConfig;
}

/** The spiral ranks candidates by the coordinates their owners advertised: Vivaldi must remember them. */
export const SPIRAL_PEER_COORDINATES_MIN = 256;

export function spiralStack(config: SpiralStackConfig): StackBuilder {
  const vivaldiConfig = rememberingPeerCoordinates(config.vivaldi, SPIRAL_PEER_COORDINATES_MIN);
  return (contextFor) => {
    const gossip = new GossipProtocol(contextFor(GOSSIP), config.gossip);
    const vivaldi = new VivaldiProtocol(contextFor(VIVALDI), gossip, vivaldiConfig);
    const spiral = new SpiralProtocol(contextFor(SPIRAL), gossip, vivaldi, config.spiral);
    return new Map<string, Protocol>([
      [GOSSIP, gossip],
      [VIVALDI, vivaldi],
      [SPIRAL, spiral],
    ]);
  };
}

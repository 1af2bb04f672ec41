/**
 * The routing stack of a node: gossip (peer sampling), Vivaldi (coordinates), the spiral search
 * (close sets: the nearest neighbours), then greedy routing using all three. Instances by name:
 *   const routing = stack.get(ROUTING) as RoutingProtocol;
 */
import type { Protocol, StackBuilder } from '../../runtime/context.js';
import { type GossipConfig, GossipProtocol } from '../gossip/index.js';
import { type SpiralConfig, SPIRAL, SPIRAL_PEER_COORDINATES_MIN, SpiralProtocol, defaultSpiralConfig } from '../spiral/index.js';
import { GOSSIP, VIVALDI } from '../stack.js';
import { type VivaldiConfig, VivaldiProtocol, rememberingPeerCoordinates } from '../vivaldi/index.js';
import type { RoutingConfig } from './routing-config.js';
import { RoutingProtocol } from './routing-protocol.js';

export const ROUTING = 'routing';

/**
 * The spiral a routing stack runs when none is configured: the spiral's defaults, but searching
 * once a minute per node (random phase), since close sets fill only from searches passing by.
 */
export const routingSpiralConfig: SpiralConfig = { ...defaultSpiralConfig, searchPeriodMs: 60_000 };

export interface RoutingStackConfig {
  readonly gossip: GossipConfig;
  readonly vivaldi: VivaldiConfig;
  /** Set searchPeriodMs > 0 so close sets fill by themselves. */
  readonly spiral: SpiralConfig;
  readonly routing: RoutingConfig;
}

/** `nodeCount`: node ids are 0..nodeCount-1, the targets of self-issued requests. */
export function routingStack(config: RoutingStackConfig, nodeCount: number): StackBuilder {
  const vivaldiConfig = rememberingPeerCoordinates(config.vivaldi, SPIRAL_PEER_COORDINATES_MIN);
  return (contextFor) => {
    const gossip = new GossipProtocol(contextFor(GOSSIP), config.gossip);
    const vivaldi = new VivaldiProtocol(contextFor(VIVALDI), gossip, vivaldiConfig);
    const spiral = new SpiralProtocol(contextFor(SPIRAL), gossip, vivaldi, config.spiral);
    const routing = new RoutingProtocol(contextFor(ROUTING), gossip, spiral, vivaldi, config.routing, nodeCount);
    return new Map<string, Protocol>([
      [GOSSIP, gossip],
      [VIVALDI, vivaldi],
      [SPIRAL, spiral],
      [ROUTING, routing],
    ]);
  };
}

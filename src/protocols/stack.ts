/**
 * The Vivaldi stack of a node: gossip first (peer sampling), then Vivaldi sampling its
 * neighbours from it. Callers get the instances back by name:
 *   const vivaldi = stack.get(VIVALDI) as VivaldiProtocol;
 */
import type { MessageSchemas, Protocol, StackBuilder } from '../runtime/context.js';
import { type GossipConfig, GossipProtocol, gossipMessageSchema } from './gossip/index.js';
import { type VivaldiConfig, VivaldiProtocol, vivaldiMessageSchema } from './vivaldi/index.js';

export const GOSSIP = 'gossip';
export const VIVALDI = 'vivaldi';

export interface VivaldiStackConfig {
  readonly gossip: GossipConfig;
  readonly vivaldi: VivaldiConfig;
}

export function vivaldiStack(config: VivaldiStackConfig): StackBuilder {
  return (contextFor) => {
    const gossip = new GossipProtocol(contextFor(GOSSIP), config.gossip);
    const vivaldi = new VivaldiProtocol(contextFor(VIVALDI), gossip, config.vivaldi);
    return new Map<string, Protocol>([
      [GOSSIP, gossip],
      [VIVALDI, vivaldi],
    ]);
  };
}

/** The wire schemas of the Vivaldi stack for a deployment of `peerCount` nodes. */
export function vivaldiStackSchemas(config: VivaldiStackConfig, peerCount: number): MessageSchemas {
  return new Map([
    [GOSSIP, gossipMessageSchema(peerCount, config.gossip)],
    [VIVALDI, vivaldiMessageSchema(config.vivaldi)],
  ]);
}

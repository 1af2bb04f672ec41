/**
 * A node running Chord: alone, or on top of gossip + Vivaldi, whose coordinates then drive
 * Chord's proximity finger choice. `coordinates` overrides the source (tests, oracles).
 */
import type { NodeContext, NodeId, Protocol, StackBuilder } from '../../runtime/context.js';
import { defaultGossipConfig, type GossipConfig, GossipProtocol } from '../gossip/index.js';
import { type VivaldiConfig, VivaldiProtocol, rememberingPeerCoordinates } from '../vivaldi/index.js';
import { GOSSIP, VIVALDI } from '../stack.js';
import type { ChordConfig } from './chord-config.js';
import { ChordProtocol } from './chord-protocol.js';
import { type CoordinateSource, VivaldiCoordinateSource } from './coordinate-source.js';

export const CHORD = 'chord';

export interface ChordStackConfig {
  readonly chord: ChordConfig;
  /** With Vivaldi: gossip (its peer sampler) runs too, with these settings or gossip's defaults. */
  readonly vivaldi?: VivaldiConfig;
  readonly gossip?: GossipConfig;
  readonly coordinates?: (node: NodeId) => CoordinateSource;
}

/** Proximity reads the coordinates peers advertised to Vivaldi: it must remember them. */
export const CHORD_PEER_COORDINATES_MIN = 256;

export function chordStack(config: ChordStackConfig): StackBuilder {
  const vivaldiConfig: VivaldiConfig | undefined =
    config.vivaldi === undefined ? undefined : rememberingPeerCoordinates(config.vivaldi, CHORD_PEER_COORDINATES_MIN);
  return (contextFor: (name: string) => NodeContext) => {
    const protocols = new Map<string, Protocol>();
    let source: CoordinateSource | null = null;
    if (vivaldiConfig !== undefined) {
      const gossip = new GossipProtocol(contextFor(GOSSIP), config.gossip ?? defaultGossipConfig);
      const vivaldi = new VivaldiProtocol(contextFor(VIVALDI), gossip, vivaldiConfig);
      protocols.set(GOSSIP, gossip);
      protocols.set(VIVALDI, vivaldi);
      source = new VivaldiCoordinateSource(vivaldi);
    }
    const ctx = contextFor(CHORD);
    if (config.coordinates !== undefined) source = config.coordinates(ctx.id);
    protocols.set(CHORD, new ChordProtocol(ctx, config.chord, source));
    return protocols;
  };
}

/**
 * A node running the VE protocol on Chord (and whatever Chord's stack runs beneath it).
 * Instances come back by name: `stack.get(VE) as VeProtocol`.
 */
import type { Protocol, StackBuilder } from '../../runtime/context.js';
import { CHORD, type ChordStackConfig, chordStack } from '../chord/chord-stack.js';
import type { ChordProtocol } from '../chord/chord-protocol.js';
import type { VeConfig } from './ve-config.js';
import { VeProtocol } from './ve-protocol.js';

export const VE = 've';

export interface VeStackConfig extends ChordStackConfig {
  readonly ve: VeConfig;
}

export function veStack(config: VeStackConfig): StackBuilder {
  const chordBuilder = chordStack(config);
  return (contextFor) => {
    const protocols = new Map<string, Protocol>(chordBuilder(contextFor));
    const chord = protocols.get(CHORD) as ChordProtocol;
    protocols.set(VE, new VeProtocol(contextFor(VE), chord, config.ve));
    return protocols;
  };
}

/**
 * A node running the VM index on Chord (and whatever Chord's stack runs beneath it). Instances
 * come back by name: `stack.get(VM_INDEX) as VmIndexProtocol`.
 */
import type { Protocol, StackBuilder } from '../../runtime/context.js';
import { CHORD, type ChordStackConfig, chordStack } from '../chord/chord-stack.js';
import type { ChordProtocol } from '../chord/chord-protocol.js';
import type { VmIndexConfig } from './vm-index-config.js';
import { VmIndexProtocol } from './vm-index-protocol.js';

export const VM_INDEX = 'vm-index';

export interface VmIndexStackConfig extends ChordStackConfig {
  readonly vmIndex: VmIndexConfig;
}

export function vmIndexStack(config: VmIndexStackConfig): StackBuilder {
  const chordBuilder = chordStack(config);
  return (contextFor) => {
    const protocols = new Map<string, Protocol>(chordBuilder(contextFor));
    const chord = protocols.get(CHORD) as ChordProtocol;
    protocols.set(VM_INDEX, new VmIndexProtocol(contextFor(VM_INDEX), chord, config.vmIndex));
    return protocols;
  };
}

/**
 * A node running the VM index on Chord (and whatever Chord's stack runs beneath it), and with
 * `store` the replicated store beside it (which `registry: 'store'` keeps the entries in).
 * Instances come back by name: `stack.get(VM_INDEX) as VmIndexProtocol`.
 */
import type { Protocol, StackBuilder } from '../../runtime/context.js';
import { CHORD, type ChordStackConfig, chordStack } from '../chord/chord-stack.js';
import type { ChordProtocol } from '../chord/chord-protocol.js';
import type { VmIndexConfig } from './vm-index-config.js';
import { VmIndexProtocol } from './vm-index-protocol.js';
import { STORE, type StoreConfig, StoreProtocol, StoreRing } from '../store/index.js';

export const VM_INDEX = 'vm-index';

export interface VmIndexStackConfig extends ChordStackConfig {
  readonly vmIndex: VmIndexConfig;
  /** The replicated store of the deployment (its `nodeCount` nodes), when the stack runs one. */
  readonly store?: StoreConfig;
}

export function vmIndexStack(config: VmIndexStackConfig): StackBuilder {
  const chordBuilder = chordStack(config);
  const storeConfig = config.store;
  const ring = storeConfig === undefined ? null : new StoreRing(storeConfig.nodeCount, storeConfig.clients);
  return (contextFor) => {
    const protocols = new Map<string, Protocol>(chordBuilder(contextFor));
    const chord = protocols.get(CHORD) as ChordProtocol;
    const store = storeConfig === undefined || ring === null ? null : new StoreProtocol(contextFor(STORE), ring, storeConfig);
    protocols.set(VM_INDEX, new VmIndexProtocol(contextFor(VM_INDEX), chord, config.vmIndex, store));
    if (store !== null) protocols.set(STORE, store);
    return protocols;
  };
}

/**
 * A node running the VE protocol on Chord (and whatever Chord's stack runs beneath it), and
 * with `store` the replicated store beside it (which `registry: 'store'` keeps the records in).
 * Instances come back by name: `stack.get(VE) as VeProtocol`.
 */
import type { Protocol, StackBuilder } from '../../runtime/context.js';
import { CHORD, type ChordStackConfig, chordStack } from '../chord/chord-stack.js';
import type { ChordProtocol } from '../chord/chord-protocol.js';
import type { VeConfig } from './ve-config.js';
import { STORE, type StoreConfig, StoreProtocol, StoreRing } from '../store/index.js';
import { VeProtocol } from './ve-protocol.js';

export const VE = 've';

export interface VeStackConfig extends ChordStackConfig {
  readonly ve: VeConfig;
  /** The replicated store of the deployment (its `nodeCount` nodes), when the stack runs one. */
  readonly store?: StoreConfig;
}

export function veStack(config: VeStackConfig): StackBuilder {
  const chordBuilder = chordStack(config);
  const storeConfig = config.store;
  const ring = storeConfig === undefined ? null : new StoreRing(storeConfig.nodeCount, storeConfig.clients);
  return (contextFor) => {
    const protocols = new Map<string, Protocol>(chordBuilder(contextFor));
    const chord = protocols.get(CHORD) as ChordProtocol;
    const store = storeConfig === undefined || ring === null ? null : new StoreProtocol(contextFor(STORE), ring, storeConfig);
    if (store !== null) protocols.set(STORE, store);
    protocols.set(VE, new VeProtocol(contextFor(VE), chord, config.ve, undefined, store));
    return protocols;
  };
}

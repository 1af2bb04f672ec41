/**
 * The overlays of a node, from a scenario's `protocols` section (and what other sections need
 * of them): gossip, Vivaldi, the spiral, routing, CAN, Chord, the VM index and the replicated
 * store, in start order.
 */
import type { Protocol, StackBuilder } from '../runtime/context.js';
import type { Scenario } from '../scenario/schema.js';
import { GossipProtocol, defaultGossipConfig } from '../protocols/gossip/index.js';
import { VivaldiProtocol, defaultVivaldiConfig, rememberingPeerCoordinates } from '../protocols/vivaldi/index.js';
import { SPIRAL, SPIRAL_PEER_COORDINATES_MIN, SpiralProtocol } from '../protocols/spiral/index.js';
import { ROUTING, RoutingProtocol, routingSpiralConfig } from '../protocols/routing/index.js';
import { CAN, CanProtocol } from '../protocols/can/index.js';
import { CHORD, CHORD_PEER_COORDINATES_MIN, ChordProtocol, VivaldiCoordinateSource, defaultChordConfig } from '../protocols/chord/index.js';
import { VM_INDEX, VmIndexProtocol } from '../protocols/vm-index/index.js';
import { STORE, StoreProtocol, StoreRing, type StoreObserver } from '../protocols/store/index.js';
import { GOSSIP, VIVALDI } from '../protocols/stack.js';
import { LOCALITY_PEER_COORDINATES_MIN } from './scheduler-stack.js';

/**
 * The protocols of every node, in start order. Vivaldi draws its neighbours from gossip, and the
 * spiral needs both: they run with their defaults when the scenario enables only what uses them.
 * Chord uses Vivaldi's coordinates for proximity when Vivaldi runs; the VM index runs on Chord
 * (with Chord's defaults when the scenario has no chord section). Routing needs the spiral
 * (and so Vivaldi and gossip; without a spiral section, the spiral runs with its defaults but
 * searching once a minute, and its searches are not scored), and `hostCount` (its requests target
 * node ids 0..hostCount-1). The store's ring is the `hostCount` nodes (built once, shared by
 * every node); `observeStore` is told of every store operation a node invokes and completes.
 * With `vmIndex.registry: 'store'` the index keeps its entries in the node's store (built before
 * the index, started in the same place as without it).
 */
export function protocolStack(scenario: Scenario, hostCount?: number, observeStore?: StoreObserver): StackBuilder {
  const p = scenario.protocols;
  const routingConfig = p.routing;
  if (routingConfig !== undefined && hostCount === undefined) throw new RangeError('protocolStack: routing needs the host count');
  if (p.store !== undefined && hostCount === undefined) throw new RangeError('protocolStack: the store needs the host count');
  const storeConfig = p.store === undefined || hostCount === undefined ? undefined : { ...p.store, nodeCount: hostCount };
  const storeRing = storeConfig === undefined ? undefined : new StoreRing(storeConfig.nodeCount, storeConfig.clients);
  const spiralConfig = p.spiral ?? (routingConfig !== undefined ? routingSpiralConfig : undefined);
  const vivaldiOn = p.vivaldi !== undefined || spiralConfig !== undefined;
  const gossipOn = p.gossip !== undefined || vivaldiOn || scenario.detector !== undefined; // the detector watches gossip peers
  const gossipConfig = p.gossip ?? defaultGossipConfig;
  const vivaldiBase = p.vivaldi ?? defaultVivaldiConfig;
  // Spiral and Chord's proximity read the coordinates peers advertised: Vivaldi must keep them.
  const chordConfig = p.chord ?? (p.vmIndex !== undefined ? defaultChordConfig : undefined); // the VM index runs on Chord
  // DVMS's locality variant pulls the nearest of the peers whose coordinates Vivaldi remembers.
  const locality = scenario.scheduler?.kind === 'dvms' && scenario.scheduler.dvms.variant === 'locality' && vivaldiOn;
  const coordinatesNeeded = spiralConfig !== undefined || (chordConfig?.proximity === true && vivaldiOn) || locality;
  const vivaldiConfig = coordinatesNeeded
    ? rememberingPeerCoordinates(vivaldiBase, Math.max(SPIRAL_PEER_COORDINATES_MIN, CHORD_PEER_COORDINATES_MIN, locality ? LOCALITY_PEER_COORDINATES_MIN : 0))
    : vivaldiBase;
  return (contextFor) => {
    const protocols = new Map<string, Protocol>();
    const gossip = gossipOn ? new GossipProtocol(contextFor(GOSSIP), gossipConfig) : undefined;
    if (gossip !== undefined) protocols.set(GOSSIP, gossip);
    const vivaldi = vivaldiOn && gossip !== undefined ? new VivaldiProtocol(contextFor(VIVALDI), gossip, vivaldiConfig) : undefined;
    if (vivaldi !== undefined) protocols.set(VIVALDI, vivaldi);
    const spiral =
      spiralConfig !== undefined && gossip !== undefined && vivaldi !== undefined
        ? new SpiralProtocol(contextFor(SPIRAL), gossip, vivaldi, spiralConfig)
        : undefined;
    if (spiral !== undefined) protocols.set(SPIRAL, spiral);
    if (routingConfig !== undefined && gossip !== undefined && spiral !== undefined && vivaldi !== undefined) {
      protocols.set(ROUTING, new RoutingProtocol(contextFor(ROUTING), gossip, spiral, vivaldi, routingConfig, hostCount));
    }
    if (p.can !== undefined) protocols.set(CAN, new CanProtocol(contextFor(CAN), p.can));
    const newStore = (): StoreProtocol | undefined =>
      storeConfig !== undefined && storeRing !== undefined ? new StoreProtocol(contextFor(STORE), storeRing, storeConfig, observeStore ?? null) : undefined;
    const indexInStore = p.vmIndex?.registry === 'store';
    let store = indexInStore ? newStore() : undefined;
    if (chordConfig !== undefined) {
      const coordinates = vivaldi !== undefined ? new VivaldiCoordinateSource(vivaldi) : null;
      const chord = new ChordProtocol(contextFor(CHORD), chordConfig, coordinates);
      protocols.set(CHORD, chord);
      if (p.vmIndex !== undefined) protocols.set(VM_INDEX, new VmIndexProtocol(contextFor(VM_INDEX), chord, p.vmIndex, store ?? null));
    }
    if (!indexInStore) store = newStore();
    if (store !== undefined) protocols.set(STORE, store);
    return protocols;
  };
}


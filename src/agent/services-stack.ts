/**
 * The actor layer of the `services` section on top of a node's protocols: the heartbeat
 * failure detector over gossip (`live`), the gossip sample, the Chord and CAN neighbourhoods as
 * overlays (each raising its events from the protocol's own change hook, at the change), one
 * peer actor per service bound to the overlay the scenario names, and the services under the
 * node's supervisor (shared with the schedulers and the VE manager; addActorLayer composes).
 */
import { ACTORS, type ActorNode, addActorLayer, membershipOverlayIn, type PeerActorSpec, type ServiceSpec } from '../actors/actor-stack.js';
import { defaultFailureDetectorConfig } from '../actors/failure-detector.js';
import { NeighbourWatch } from '../actors/services/neighbour-watch.js';
import { ReplicaKeeper } from '../actors/services/replica-keeper.js';
import { CAN, type CanProtocol } from '../protocols/can/index.js';
import { CHORD, type ChordProtocol } from '../protocols/chord/index.js';
import { GossipProtocol, defaultGossipConfig } from '../protocols/gossip/index.js';
import { GOSSIP } from '../protocols/stack.js';
import type { NodeContext, Protocol, StackBuilder } from '../runtime/context.js';
import type { Services } from '../scenario/services.js';

export const REPLICAS = 'replicas';
export const WATCH = 'watch';

/** The overlay a scenario's service names, and the peer actor serving it. */
function peerActorOf(service: string, overlay: string): PeerActorSpec {
  return { name: `${service}@${overlay}`, overlay };
}

export function withServices(stack: StackBuilder, services: Services): StackBuilder {
  return (contextFor) => {
    const protocols = new Map(stack(contextFor));
    // Membership for the live and sample overlays: the node's gossip, or gossip with its defaults.
    if (!protocols.has(GOSSIP)) protocols.set(GOSSIP, new GossipProtocol(contextFor(GOSSIP), defaultGossipConfig));
    const chord = protocols.get(CHORD) as ChordProtocol | undefined;
    const can = protocols.get(CAN) as CanProtocol | undefined;
    const extraOverlays = new Map<string, (ctx: NodeContext) => ReturnType<typeof membershipOverlayIn>>();
    const nodeOf = (): ActorNode => protocols.get(ACTORS) as ActorNode; // registered by addActorLayer before extra overlays are built
    if (chord !== undefined) extraOverlays.set('chord', (ctx) => membershipOverlayIn(nodeOf(), 'chord', ctx.id, chord));
    if (can !== undefined) extraOverlays.set('can', (ctx) => membershipOverlayIn(nodeOf(), 'can', ctx.id, can));

    const peerActors: PeerActorSpec[] = [];
    const specs: ServiceSpec[] = [];
    const { replicas, watch } = services;
    if (replicas !== undefined) {
      const peer = peerActorOf(REPLICAS, replicas.overlay);
      peerActors.push(peer);
      specs.push({ name: REPLICAS, subscribe: [peer.name], factory: (ctx) => new ReplicaKeeper(ctx, replicas) });
    }
    if (watch !== undefined) {
      const peer = peerActorOf(WATCH, watch.overlay);
      peerActors.push(peer);
      specs.push({ name: WATCH, subscribe: [peer.name], factory: (ctx, peers) => new NeighbourWatch(ctx, peers.get(peer.name)?.neighbours() ?? []) });
    }
    addActorLayer(protocols as Map<string, Protocol>, contextFor, {
      membership: { name: GOSSIP, build: () => protocols.get(GOSSIP) as GossipProtocol }, // the node's own gossip, already in the stack
      detector: { ...defaultFailureDetectorConfig, periodMs: services.detectorPeriodMs, timeoutMs: services.detectorTimeoutMs },
      supervisor: { restartsMax: services.restartsMax, restartWindowMs: services.restartWindowMs },
      peerActors,
      services: specs,
      extraOverlays,
    });
    return protocols;
  };
}

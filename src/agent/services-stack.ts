/**
 * The actor layer of the `services` section on top of a node's protocols: the heartbeat
 * failure detector over gossip (`live`), the gossip sample, the Chord and CAN neighbourhoods as
 * overlays (re-read every samplePeriodMs), one peer actor per service bound to the overlay the
 * scenario names, and the services under a supervisor (actorStack does the composing).
 */
import { actorStack, type PeerActorSpec, type ServiceSpec } from '../actors/actor-stack.js';
import { type CandidateSource, defaultFailureDetectorConfig } from '../actors/failure-detector.js';
import type { Overlay } from '../actors/overlay.js';
import { SampledOverlay } from '../actors/sampled-overlay.js';
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
    const gossip = (protocols.get(GOSSIP) as (Protocol & CandidateSource) | undefined) ?? new GossipProtocol(contextFor(GOSSIP), defaultGossipConfig);
    protocols.set(GOSSIP, gossip);
    const chord = protocols.get(CHORD) as ChordProtocol | undefined;
    const can = protocols.get(CAN) as CanProtocol | undefined;
    const sampled = (name: string, source: CandidateSource) => (ctx: NodeContext): Overlay & Protocol => new SampledOverlay(name, ctx, source, services.samplePeriodMs);
    const extraOverlays = new Map<string, (ctx: NodeContext) => Overlay & Protocol>();
    if (chord !== undefined) extraOverlays.set('chord', sampled('chord', { peers: () => (chord.isJoined() ? chord.successorList() : []) }));
    if (can !== undefined) extraOverlays.set('can', sampled('can', { peers: () => can.neighbourList().map((n) => n.node) }));

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
    const actors = actorStack({
      membership: { name: GOSSIP, build: () => gossip }, // the node's own gossip, already in the stack
      detector: { ...defaultFailureDetectorConfig, periodMs: services.detectorPeriodMs, timeoutMs: services.detectorTimeoutMs },
      samplePeriodMs: services.samplePeriodMs,
      supervisor: { restartsMax: services.restartsMax, restartWindowMs: services.restartWindowMs },
      peerActors,
      services: specs,
      extraOverlays,
    })(contextFor);
    for (const [name, protocol] of actors) if (!protocols.has(name)) protocols.set(name, protocol);
    return protocols;
  };
}

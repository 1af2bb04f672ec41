/**
 * A node of the Peer Actor model as a StackBuilder: a membership protocol (e.g. gossip), a
 * failure detector over its peers, peer actors bound to overlays, and supervised services.
 * Every part that talks has its own protocol name, so messages are dispatched by name as for
 * any stack; the `actors` entry (an ActorNode) gives access to the rest:
 *   const node = runtime.protocolOf<ActorNode>(id, ACTORS);
 *   node.peerActor('peer').swapOverlay(...); node.supervisor.service('kv').restarts
 */
import type { NodeContext, Protocol, StackBuilder } from '../runtime/context.js';
import { type CandidateSource, FailureDetector, type FailureDetectorConfig } from './failure-detector.js';
import type { Overlay } from './overlay.js';
import { PeerActor } from './peer-actor.js';
import { SampledOverlay } from './sampled-overlay.js';
import { type ServiceActor, Supervisor, type SupervisorConfig } from './supervisor.js';

export const ACTORS = 'actors';
export const FAILURE_DETECTOR = 'fd';
/** The overlay of live membership (the failure detector's) and the raw membership sample. */
export const LIVE_OVERLAY = 'live';
export const SAMPLE_OVERLAY = 'sample';

export interface ServiceSpec {
  /** The service's protocol name: its context, random stream and messages. */
  readonly name: string;
  /** Builds a fresh instance (again on every restart); `peers` are the node's peer actors by name. */
  readonly factory: (ctx: NodeContext, peers: ReadonlyMap<string, PeerActor>) => ServiceActor;
  /** The peer actors whose notifications the service receives, in this order. */
  readonly subscribe: readonly string[];
}

export interface PeerActorSpec {
  readonly name: string;
  /** `live` (failure detector), `sample` (the membership's sample), or any extra overlay's name. */
  readonly overlay: string;
}

export interface ActorStackConfig {
  /** The membership protocol and its name, e.g. { name: 'gossip', build: (ctx) => new GossipProtocol(ctx, config) }. */
  readonly membership: { readonly name: string; readonly build: (ctx: NodeContext) => Protocol & CandidateSource };
  readonly detector: FailureDetectorConfig;
  /** How often the `sample` overlay re-reads the membership protocol. */
  readonly samplePeriodMs: number;
  readonly supervisor: SupervisorConfig;
  readonly peerActors: readonly PeerActorSpec[];
  readonly services: readonly ServiceSpec[];
  /**
   * More overlays by name, built per node on the context of protocol `actors.<name>` (where
   * their messages go), for peer actors to bind to or swap to.
   */
  readonly extraOverlays?: ReadonlyMap<string, (ctx: NodeContext) => Overlay & Protocol>;
}

/** The actor layer of one node: its supervisor, overlays and peer actors. Sends nothing. */
export class ActorNode implements Protocol {
  constructor(
    private readonly ctx: NodeContext,
    readonly supervisor: Supervisor,
    readonly overlays: ReadonlyMap<string, Overlay>,
    readonly peerActors: ReadonlyMap<string, PeerActor>,
  ) {}

  peerActor(name: string): PeerActor {
    const peer = this.peerActors.get(name);
    if (peer === undefined) throw new Error(`node ${this.ctx.id}: no peer actor ${name}`);
    return peer;
  }

  overlay(name: string): Overlay {
    const overlay = this.overlays.get(name);
    if (overlay === undefined) throw new Error(`node ${this.ctx.id}: no overlay ${name}`);
    return overlay;
  }

  onStart(): void {}

  onMessage(): void {
    this.ctx.metrics.count('actors.unknown_messages');
  }

  onStop(): void {
    for (const peer of this.peerActors.values()) peer.detach();
  }
}

export function actorStack(config: ActorStackConfig): StackBuilder {
  return (contextFor) => {
    const protocols = new Map<string, Protocol>();
    const membership = config.membership.build(contextFor(config.membership.name));
    protocols.set(config.membership.name, membership);
    const detector = new FailureDetector(contextFor(FAILURE_DETECTOR), membership, config.detector, LIVE_OVERLAY);
    protocols.set(FAILURE_DETECTOR, detector);
    const sampleName = `${ACTORS}.${SAMPLE_OVERLAY}`;
    const sample = new SampledOverlay(SAMPLE_OVERLAY, contextFor(sampleName), membership, config.samplePeriodMs);
    protocols.set(sampleName, sample);

    const overlays = new Map<string, Overlay>([
      [LIVE_OVERLAY, detector],
      [SAMPLE_OVERLAY, sample],
    ]);
    const actorsCtx = contextFor(ACTORS);
    for (const [name, build] of config.extraOverlays ?? []) {
      if (overlays.has(name)) throw new Error(`actorStack: overlay ${name} defined twice`);
      const protocolName = `${ACTORS}.${name}`;
      const overlay = build(contextFor(protocolName));
      overlays.set(name, overlay);
      protocols.set(protocolName, overlay);
    }

    const peerActors = new Map<string, PeerActor>();
    for (const spec of config.peerActors) {
      const overlay = overlays.get(spec.overlay);
      if (overlay === undefined) throw new Error(`actorStack: peer actor ${spec.name} binds to unknown overlay ${spec.overlay}`);
      if (peerActors.has(spec.name)) throw new Error(`actorStack: peer actor ${spec.name} defined twice`);
      peerActors.set(spec.name, new PeerActor(spec.name, overlay));
    }

    const supervisor = new Supervisor(actorsCtx, config.supervisor);
    protocols.set(ACTORS, new ActorNode(actorsCtx, supervisor, overlays, peerActors));
    for (const spec of config.services) {
      if (protocols.has(spec.name)) throw new Error(`actorStack: service name ${spec.name} is taken`);
      const service = supervisor.supervise(spec.name, contextFor(spec.name), (ctx) => spec.factory(ctx, peerActors));
      for (const peerName of spec.subscribe) {
        const peer = peerActors.get(peerName);
        if (peer === undefined) throw new Error(`actorStack: service ${spec.name} subscribes to unknown peer actor ${peerName}`);
        peer.subscribe(service);
      }
      protocols.set(spec.name, service);
    }
    return protocols;
  };
}

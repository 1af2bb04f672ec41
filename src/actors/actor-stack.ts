/**
 * A node of the Peer Actor model: its supervisor, its overlays and the peer actors bound to
 * them (an `ActorNode`, registered in the node's stack under `actors`), and its supervised
 * services. Any layer of a stack may add to it (`actorNodeIn`): the VM schedulers and the VE
 * manager add themselves as supervised services, a scenario's `services` section adds the
 * failure detector, the gossip sample and the demonstration services (`actorStack` /
 * `addActorLayer`). Every part that talks has its own protocol name, so messages are dispatched
 * by name as for any stack:
 *   const node = runtime.protocolOf<ActorNode>(id, ACTORS);
 *   node.peerActor('peer').swapOverlay(...); node.supervisor.service('kv').restarts
 */
import type { NodeContext, Protocol, StackBuilder } from '../runtime/context.js';
import { type CandidateSource, FailureDetector, type FailureDetectorConfig } from './failure-detector.js';
import { MembershipOverlay } from './membership-overlay.js';
import type { MembershipSource, Overlay } from './overlay.js';
import { PeerActor } from './peer-actor.js';
import { SampledOverlay } from './sampled-overlay.js';
import { type ServiceActor, type ServiceFactory, type SupervisedService, Supervisor, type SupervisorConfig, defaultSupervisorConfig } from './supervisor.js';

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
  /**
   * The membership protocol and its name, e.g. { name: 'gossip', build: (ctx) => new GossipProtocol(ctx, config) }.
   * When it offers a change hook (`MembershipSource`, as gossip does), the `sample` overlay
   * raises its events from that hook; otherwise it re-reads it every `samplePeriodMs`.
   */
  readonly membership: { readonly name: string; readonly build: (ctx: NodeContext) => Protocol & CandidateSource & Partial<MembershipSource> };
  readonly detector: FailureDetectorConfig;
  /** How often the `sample` overlay re-reads a membership protocol without a change hook. */
  readonly samplePeriodMs?: number;
  readonly supervisor: SupervisorConfig;
  readonly peerActors: readonly PeerActorSpec[];
  readonly services: readonly ServiceSpec[];
  /**
   * More overlays by name, built per node on the context of protocol `actors.<name>` (registered
   * under that name when they are protocols themselves), for peer actors to bind to or swap to.
   * An overlay the node has already (another layer added it) is shared, not built again.
   */
  readonly extraOverlays?: ReadonlyMap<string, (ctx: NodeContext) => Overlay | (Overlay & Protocol)>;
}

/** The actor layer of one node: its supervisor, overlays and peer actors. Sends nothing. */
export class ActorNode implements Protocol {
  readonly supervisor: Supervisor;
  private readonly overlayMap = new Map<string, Overlay>();
  private readonly peerMap = new Map<string, PeerActor<Overlay>>();

  constructor(
    private readonly ctx: NodeContext,
    supervisor: SupervisorConfig = defaultSupervisorConfig,
  ) {
    this.supervisor = new Supervisor(ctx, supervisor);
  }

  get id(): number {
    return this.ctx.id;
  }

  get overlays(): ReadonlyMap<string, Overlay> {
    return this.overlayMap;
  }

  get peerActors(): ReadonlyMap<string, PeerActor> {
    return this.peerMap;
  }

  peerActor(name: string): PeerActor {
    const peer = this.peerMap.get(name);
    if (peer === undefined) throw new Error(`node ${this.ctx.id}: no peer actor ${name}`);
    return peer;
  }

  overlay(name: string): Overlay {
    const overlay = this.overlayMap.get(name);
    if (overlay === undefined) throw new Error(`node ${this.ctx.id}: no overlay ${name}`);
    return overlay;
  }

  addOverlay(name: string, overlay: Overlay): void {
    if (this.overlayMap.has(name)) throw new Error(`node ${this.ctx.id}: overlay ${name} defined twice`);
    this.overlayMap.set(name, overlay);
  }

  /** The overlay `name`, built by `build` unless the node has it already. */
  overlayOr<O extends Overlay>(name: string, build: () => O): O {
    const known = this.overlayMap.get(name);
    if (known !== undefined) return known as O;
    const overlay = build();
    this.overlayMap.set(name, overlay);
    return overlay;
  }

  /**
   * A peer actor `name` bound to the node's overlay `overlay` (its type is the caller's to know:
   * the layer that added the overlay). A second call with the same names returns the same actor.
   */
  bindPeerActor<O extends Overlay = Overlay>(name: string, overlay: string): PeerActor<O> {
    const known = this.peerMap.get(name);
    if (known !== undefined) {
      if (known.overlay !== this.overlayMap.get(overlay)) throw new Error(`node ${this.ctx.id}: peer actor ${name} defined twice`);
      return known as unknown as PeerActor<O>;
    }
    const peer = new PeerActor<O>(name, this.overlay(overlay) as O);
    this.peerMap.set(name, peer as unknown as PeerActor<Overlay>);
    return peer;
  }

  /**
   * Supervise the service `name`: built by `factory` on `ctx` (the context of the protocol
   * `name`), told of the notifications of the peer actors `subscribe`, in that order. The
   * returned SupervisedService is what the stack registers under `name`.
   */
  supervise(name: string, ctx: NodeContext, factory: ServiceFactory, subscribe: readonly string[] = []): SupervisedService {
    const service = this.supervisor.supervise(name, ctx, factory);
    for (const peerName of subscribe) this.peerActor(peerName).subscribe(service);
    return service;
  }

  onStart(): void {}

  onMessage(): void {
    this.ctx.metrics.count('actors.unknown_messages');
  }

  onStop(): void {
    for (const peer of this.peerMap.values()) peer.detach();
  }
}

/**
 * The node's actor layer in a stack being built: the one a lower layer registered under
 * ACTORS, or a new one registered now (with the default restart policy; a later layer may set
 * it). A new one runs on `ctx` when given (it sends nothing; it only counts and reads the
 * clock), so that a stack whose only actors are its schedulers has no `actors` context, and
 * its runs keep exactly the counters (and so the metrics rows) they had before.
 */
export function actorNodeIn(protocols: Map<string, Protocol>, contextFor: (name: string) => NodeContext, ctx?: NodeContext): ActorNode {
  const known = protocols.get(ACTORS);
  if (known !== undefined) return known as ActorNode;
  const node = new ActorNode(ctx ?? contextFor(ACTORS));
  protocols.set(ACTORS, node);
  return node;
}

/**
 * The node's protocol `name`, when it can be an overlay (it offers a change hook), as the
 * node's overlay of that name: shared by every layer that binds a peer actor to it.
 */
export function membershipOverlayIn<S extends MembershipSource>(node: ActorNode, name: string, self: number, source: S): MembershipOverlay<S> {
  return node.overlayOr(name, () => new MembershipOverlay(name, self, source));
}

/**
 * Run `name` as a supervised service of the node (registered under `name`, where its messages
 * go): built by `factory` on start and again on every restart, with fresh state.
 */
export function superviseIn(protocols: Map<string, Protocol>, contextFor: (name: string) => NodeContext, name: string, factory: ServiceFactory): SupervisedService {
  if (protocols.has(name)) throw new Error(`superviseIn: service name ${name} is taken`);
  const ctx = contextFor(name);
  const service = actorNodeIn(protocols, contextFor, ctx).supervise(name, ctx, factory);
  protocols.set(name, service);
  return service;
}

/**
 * Run `name` as a supervised service bound to the node's overlay over `overlay.source` through
 * the peer actor `name@overlay.name`, which `factory` gets (with the context) on start and on
 * every restart; the service hears that peer actor's notifications. The overlay is shared with
 * every other layer that binds to the same protocol (e.g. DVMS and the VE manager on Chord).
 */
export function superviseOver<S extends MembershipSource>(
  protocols: Map<string, Protocol>,
  contextFor: (name: string) => NodeContext,
  name: string,
  overlay: { readonly name: string; readonly source: S },
  factory: (ctx: NodeContext, peer: PeerActor<MembershipOverlay<S>>) => ServiceActor,
): SupervisedService {
  if (protocols.has(name)) throw new Error(`superviseOver: service name ${name} is taken`);
  const ctx = contextFor(name);
  const node = actorNodeIn(protocols, contextFor, ctx);
  const bound = membershipOverlayIn(node, overlay.name, node.id, overlay.source);
  if (bound.source !== overlay.source) throw new Error(`superviseOver: overlay ${overlay.name} of node ${node.id} follows another protocol`);
  const peerName = `${name}@${overlay.name}`;
  const peer = node.bindPeerActor<MembershipOverlay<S>>(peerName, overlay.name);
  const service = node.supervise(name, ctx, (supervised) => factory(supervised, peer), [peerName]);
  protocols.set(name, service);
  return service;
}

export function actorStack(config: ActorStackConfig): StackBuilder {
  return (contextFor) => {
    const protocols = new Map<string, Protocol>();
    addActorLayer(protocols, contextFor, config);
    return protocols;
  };
}

/**
 * Add the Peer Actor layer of `config` to a node's protocols: the membership protocol (unless
 * the stack has one under that name), the failure detector over it (`live`), its sample
 * (`sample`), the extra overlays, the peer actors and the supervised services, all on the
 * node's ActorNode (shared with the layers beneath), whose restart policy becomes `config.supervisor`.
 */
export function addActorLayer(protocols: Map<string, Protocol>, contextFor: (name: string) => NodeContext, config: ActorStackConfig): ActorNode {
  const known = protocols.get(config.membership.name) as (Protocol & CandidateSource & Partial<MembershipSource>) | undefined;
  const membership = known ?? config.membership.build(contextFor(config.membership.name));
  protocols.set(config.membership.name, membership);
  const detector = new FailureDetector(contextFor(FAILURE_DETECTOR), membership, config.detector, LIVE_OVERLAY);
  protocols.set(FAILURE_DETECTOR, detector);
  const node = actorNodeIn(protocols, contextFor);
  node.supervisor.configure(config.supervisor);
  node.addOverlay(LIVE_OVERLAY, detector);
  if (membership.onMembershipChange !== undefined && membership.membership !== undefined) {
    // Events from the membership protocol itself, at the change.
    node.addOverlay(SAMPLE_OVERLAY, new MembershipOverlay(SAMPLE_OVERLAY, node.id, membership as MembershipSource));
  } else {
    if (config.samplePeriodMs === undefined) throw new Error(`actorStack: membership ${config.membership.name} has no change hook: samplePeriodMs is needed`);
    const sampleName = `${ACTORS}.${SAMPLE_OVERLAY}`;
    const sample = new SampledOverlay(SAMPLE_OVERLAY, contextFor(sampleName), membership, config.samplePeriodMs);
    protocols.set(sampleName, sample);
    node.addOverlay(SAMPLE_OVERLAY, sample);
  }
  for (const [name, build] of config.extraOverlays ?? []) {
    const protocolName = `${ACTORS}.${name}`;
    const overlay = node.overlayOr(name, () => build(contextFor(protocolName)));
    if (isProtocol(overlay) && !protocols.has(protocolName)) protocols.set(protocolName, overlay);
  }
  for (const spec of config.peerActors) {
    if (node.peerActors.has(spec.name)) throw new Error(`actorStack: peer actor ${spec.name} defined twice`);
    if (!node.overlays.has(spec.overlay)) throw new Error(`actorStack: peer actor ${spec.name} binds to unknown overlay ${spec.overlay}`);
    node.bindPeerActor(spec.name, spec.overlay);
  }
  for (const spec of config.services) {
    if (protocols.has(spec.name)) throw new Error(`actorStack: service name ${spec.name} is taken`);
    for (const peerName of spec.subscribe) {
      if (!node.peerActors.has(peerName)) throw new Error(`actorStack: service ${spec.name} subscribes to unknown peer actor ${peerName}`);
    }
    protocols.set(spec.name, node.supervise(spec.name, contextFor(spec.name), (ctx) => spec.factory(ctx, node.peerActors), spec.subscribe));
  }
  return node;
}

function isProtocol(overlay: Overlay): overlay is Overlay & Protocol {
  return typeof (overlay as Partial<Protocol>).onStart === 'function';
}

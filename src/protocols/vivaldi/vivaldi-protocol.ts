/**
 * The stateful shell around `vivaldiUpdate`: every `periodMs` ping one neighbour; the pong
 * carries the peer's coordinate and error; the RTT is measured on this node's own clock (the
 * ping's send time travels in the messages), filtered, and fed to the update.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import type { PeerSampler } from '../peer-sampler.js';
import { LatencyFilter } from './latency-filter.js';
import { NeighbourSet } from './neighbour-set.js';
import { type VivaldiConfig, validateVivaldiConfig } from './vivaldi-config.js';
import { type Coordinate, type VivaldiState, distanceMs, originCoordinate, vivaldiUpdate } from './vivaldi-core.js';
import { type VivaldiMessage, type VivaldiPing, type VivaldiPong, pingSizeBytes, pongSizeBytes } from './vivaldi-messages.js';

/** A new node knows nothing: its error starts at the cap, so its first peers pull it hard. */
export class VivaldiProtocol implements Protocol {
  private state: VivaldiState;
  private readonly filter: LatencyFilter;
  private readonly neighbours: NeighbourSet;
  private timer: TimerHandle | null = null;
  /** Scratch for choosePeer (reused: it runs every period); grown as the sampler's sample grows. */
  private candidates = new Int32Array(32);
  /** Last coordinate each peer advertised (pong or reciprocal ping), at most peerCoordinatesMax, least recent forgotten. */
  private readonly peerCoords = new Map<NodeId, Coordinate>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly sampler: PeerSampler,
    private readonly config: VivaldiConfig,
  ) {
    validateVivaldiConfig(config);
    this.state = { coord: originCoordinate(config.dimensions, config.useHeight ? config.heightMinMs : 0), error: config.errorMax };
    this.filter = new LatencyFilter(config.filterSamples, config.filterPeersMax);
    const farSlots = config.farShare > 0 ? Math.max(1, Math.round(config.farShare * config.neighboursMax)) : 0;
    const closeSlots = Math.min(config.neighboursMax - farSlots, Math.round(config.closeShare * config.neighboursMax));
    this.neighbours = new NeighbourSet(
      { sizeMax: config.neighboursMax, closeSlots, farSlots, rotateProbability: config.rotateProbability, unansweredMax: config.unansweredMax },
      ctx.rng,
    );
  }

  /** This node's current coordinate (for metrics and for nodes choosing by proximity). */
  coordinate(): Coordinate {
    return this.state.coord;
  }

  /** This node's own estimate of its relative error. */
  errorEstimate(): number {
    return this.state.error;
  }

  /** Predicted RTT from this node to a node at `other`. */
  estimateRttMs(other: Coordinate): number {
    return this.config.useHeight ? distanceMs(this.state.coord, other) : distanceMs({ vec: this.state.coord.vec, heightMs: 0 }, { vec: other.vec, heightMs: 0 });
  }

  /** The coordinate `peer` last advertised to this node, if it is still remembered. */
  peerCoordinate(peer: NodeId): Coordinate | undefined {
    return this.peerCoords.get(peer);
  }

  /** Peers whose advertised coordinates are remembered, least recently heard first. */
  peersWithCoordinates(): NodeId[] {
    return [...this.peerCoords.keys()];
  }

  neighbourPeers(): NodeId[] {
    return this.neighbours.peers();
  }

  onStart(): void {
    // A random phase, so nodes started together do not ping in lockstep.
    this.schedule(this.ctx.rng.next() * this.config.periodMs);
  }

  onStop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as VivaldiMessage;
    switch (msg.type) {
      case 'vivaldi.ping':
        return this.onPing(from, msg);
      case 'vivaldi.pong':
        return this.onPong(from, msg);
      default:
        this.ctx.metrics.count('vivaldi.unknown_messages');
    }
  }

  private schedule(delayMs: number): void {
    this.timer = this.ctx.setTimer(delayMs, this.onPeriod);
  }

  /** One closure for the life of the protocol, not one per period. */
  private readonly onPeriod = (): void => {
    this.tick();
    this.schedule(this.config.periodMs);
  };

  private tick(): void {
    const peer = this.choosePeer();
    if (peer === undefined) return;
    const { coord, error } = this.state;
    const ping: VivaldiPing = this.config.reciprocal
      ? { type: 'vivaldi.ping', sentAtMs: this.ctx.nowMs(), vec: coord.vec, heightMs: coord.heightMs, error, rttMs: this.filter.filteredMs(peer) ?? -1 }
      : { type: 'vivaldi.ping', sentAtMs: this.ctx.nowMs(), vec: null, heightMs: 0, error: 0, rttMs: -1 };
    this.ctx.send(peer, ping, pingSizeBytes(this.config.dimensions, this.config.reciprocal));
  }

  /**
   * A sampled peer not yet a neighbour while the set fills up (and with probability
   * exploreProbability afterwards); otherwise a neighbour.
   */
  private choosePeer(): NodeId | undefined {
    const filling = this.neighbours.size < this.config.neighboursMax;
    if (filling || this.ctx.rng.next() < this.config.exploreProbability) {
      const sample = this.sampler.peers();
      if (sample.length > this.candidates.length) this.candidates = new Int32Array(sample.length);
      const candidates = this.candidates;
      let count = 0;
      for (const p of sample) if (p !== this.ctx.id && !this.neighbours.has(p)) candidates[count++] = p;
      // The draw rng.pick(list of the candidates) would make.
      if (count > 0) return candidates[this.ctx.rng.int(count)];
    }
    return this.neighbours.pickForPing();
  }

  private onPing(from: NodeId, ping: VivaldiPing): void {
    const { coord, error } = this.state;
    const pong: VivaldiPong = { type: 'vivaldi.pong', sentAtMs: ping.sentAtMs, vec: coord.vec, heightMs: coord.heightMs, error };
    this.ctx.send(from, pong, pongSizeBytes(this.config.dimensions));
    if (ping.vec !== null && ping.vec.length === this.config.dimensions) this.rememberCoordinate(from, ping.vec, ping.heightMs);
    if (ping.vec !== null && ping.rttMs > 0 && ping.vec.length === this.config.dimensions) {
      this.applySample(ping.vec, ping.heightMs, ping.error, ping.rttMs);
    }
  }

  private onPong(from: NodeId, pong: VivaldiPong): void {
    const rawMs = this.ctx.nowMs() - pong.sentAtMs;
    if (!(rawMs > 0) || pong.vec.length !== this.config.dimensions) {
      this.ctx.metrics.count('vivaldi.bad_samples');
      return;
    }
    this.rememberCoordinate(from, pong.vec, pong.heightMs);
    const rttMs = this.filter.push(from, rawMs);
    this.neighbours.offer(from, rttMs);
    this.applySample(pong.vec, pong.heightMs, pong.error, rttMs);
  }

  private rememberCoordinate(peer: NodeId, vec: readonly number[], heightMs: number): void {
    if (this.config.peerCoordinatesMax === 0) return;
    this.peerCoords.delete(peer);
    this.peerCoords.set(peer, { vec, heightMs });
    if (this.peerCoords.size > this.config.peerCoordinatesMax) this.peerCoords.delete(this.peerCoords.keys().next().value as NodeId);
  }

  private applySample(vec: readonly number[], heightMs: number, error: number, rttMs: number): void {
    if (!(error >= 0 && heightMs >= 0 && vec.every(Number.isFinite))) {
      this.ctx.metrics.count('vivaldi.bad_samples');
      return;
    }
    const sample = { coord: { vec, heightMs }, error: Math.min(error, this.config.errorMax), rttMs };
    this.state = vivaldiUpdate(this.state, sample, this.config, this.ctx.rng);
  }
}

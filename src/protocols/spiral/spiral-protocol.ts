/**
 * The stateful shell of the spiral search. A search started at I carries its whole state (I's
 * coordinate, the spiral view, the path) from node to node; each node merges its own view
 * (gossip peers whose coordinates it knows, plus its close set) into the spiral view and
 * forwards to the closest node not yet visited. The last node sends the view back to I, which
 * probes the closest candidates and records the outcome. Learning: every node a search passes
 * through keeps, in its close set, the nodes closest to itself among those it saw, at no extra
 * message. Outcomes are only recorded here; metrics against ground truth are computed outside.
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../../runtime/context.js';
import type { PeerSampler } from '../peer-sampler.js';
import type { Coordinate } from '../vivaldi/vivaldi-core.js';
import { CloseSet } from './close-set.js';
import { type SpiralConfig, validateSpiralConfig } from './spiral-config.js';
import { type SpiralCandidate, candidateDistanceMs, mergeSpiralView, nextHop, rankResult, spiralConverged } from './spiral-core.js';
import {
  type SpiralMessage,
  type SpiralProbe,
  type SpiralProbeReply,
  type SpiralResult,
  type SpiralSearch,
  probeSizeBytes,
  resultSizeBytes,
  searchSizeBytes,
} from './spiral-messages.js';

/** Where a node's coordinates come from (implemented by VivaldiProtocol). */
export interface CoordinateSource {
  coordinate(): Coordinate;
  /** The last coordinate `peer` is known by, if any. */
  peerCoordinate(peer: NodeId): Coordinate | undefined;
}

/** One finished (or timed-out) search, as the initiator saw it. */
export interface SpiralOutcome {
  readonly initiator: NodeId;
  readonly searchId: number;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  /** The nodes found, closest first (by measured RTT for the probed ones), at most resultSize. */
  readonly found: readonly NodeId[];
  /** The spiral: the nodes visited, in order. */
  readonly path: readonly NodeId[];
  readonly hops: number;
  /** Messages this search cost: forwards, the result, probes and their replies. */
  readonly messages: number;
  readonly completed: boolean;
}

interface PendingSearch {
  readonly searchId: number;
  readonly startedAtMs: number;
  readonly timer: TimerHandle;
  view: readonly SpiralCandidate[];
  path: readonly NodeId[];
  messages: number;
  probesOutstanding: number;
  readonly measuredMs: Map<NodeId, number>;
}

export class SpiralProtocol implements Protocol {
  private readonly closeSet: CloseSet;
  private readonly pending = new Map<number, PendingSearch>();
  private outcomes: SpiralOutcome[] = [];
  private nextSearchId = 0;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly sampler: PeerSampler,
    private readonly coords: CoordinateSource,
    private readonly config: SpiralConfig,
  ) {
    validateSpiralConfig(config);
    this.closeSet = new CloseSet(config.closeSetSize);
  }

  onStart(): void {
    if (this.config.searchPeriodMs > 0) this.timer = this.ctx.setTimer(this.ctx.rng.next() * this.config.searchPeriodMs, this.onPeriod);
  }

  onStop(): void {
    this.timer?.cancel();
    this.timer = null;
    for (const p of this.pending.values()) p.timer.cancel();
    this.pending.clear();
  }

  /** The close set's peers, closest first (for tests and metrics). */
  closePeers(): NodeId[] {
    return this.closeSet.peers();
  }

  /** The finished searches recorded since the last call, in finishing order. */
  drainSearches(): SpiralOutcome[] {
    const out = this.outcomes;
    this.outcomes = [];
    return out;
  }

  /** Start a search for the nodes closest to this one; returns its id, or -1 if refused (too many in flight). */
  startSearch(): number {
    if (this.pending.size >= this.config.pendingMax) {
      this.ctx.metrics.count('spiral.searches_refused');
      return -1;
    }
    const searchId = this.nextSearchId++;
    const target = this.coords.coordinate();
    const view = mergeSpiralView(target, this.ctx.id, [this.closeSet.candidates(), this.ownView()], this.config);
    const timer = this.ctx.setTimer(this.config.searchTimeoutMs, () => this.finish(searchId, false));
    const pending: PendingSearch = { searchId, startedAtMs: this.ctx.nowMs(), timer, view, path: [], messages: 0, probesOutstanding: 0, measuredMs: new Map() };
    this.pending.set(searchId, pending);
    const first = nextHop(view, []);
    if (first < 0) {
      this.finish(searchId, true);
      return searchId;
    }
    const search: SpiralSearch = { type: 'spiral.search', initiator: this.ctx.id, searchId, targetVec: target.vec, targetHeightMs: target.heightMs, view, path: [] };
    this.ctx.send(first, search, searchSizeBytes(target.vec.length, view.length, 0));
    return searchId;
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as SpiralMessage;
    switch (msg.type) {
      case 'spiral.search':
        return this.onSearch(msg);
      case 'spiral.result':
        return this.onResult(msg);
      case 'spiral.probe':
        return this.onProbe(from, msg);
      case 'spiral.probe-reply':
        return this.onProbeReply(from, msg);
      default:
        this.ctx.metrics.count('spiral.unknown_messages');
    }
  }

  private readonly onPeriod = (): void => {
    this.startSearch();
    this.timer = this.ctx.setTimer(this.config.searchPeriodMs, this.onPeriod);
  };

  /** This node's own view: its gossip peers whose coordinate it knows. */
  private ownView(): SpiralCandidate[] {
    const out: SpiralCandidate[] = [];
    for (const peer of this.sampler.peers()) {
      const c = this.coords.peerCoordinate(peer);
      if (c !== undefined) out.push({ peer, vec: c.vec, heightMs: c.heightMs });
    }
    return out;
  }

  private self(): SpiralCandidate {
    const c = this.coords.coordinate();
    return { peer: this.ctx.id, vec: c.vec, heightMs: c.heightMs };
  }

  /** Learning, at no extra message: keep the nodes closest to self among those seen. */
  private learn(candidates: readonly SpiralCandidate[]): void {
    const me = this.coords.coordinate();
    for (const c of candidates) if (c.peer !== this.ctx.id) this.closeSet.offer(c, candidateDistanceMs(me, c), false);
  }

  private onSearch(msg: SpiralSearch): void {
    if (!Array.isArray(msg.view) || !Array.isArray(msg.path) || !Array.isArray(msg.targetVec)) {
      this.ctx.metrics.count('spiral.bad_messages');
      return;
    }
    const target: Coordinate = { vec: msg.targetVec, heightMs: msg.targetHeightMs };
    const initiator: SpiralCandidate = { peer: msg.initiator, vec: msg.targetVec, heightMs: msg.targetHeightMs };
    this.learn(msg.view);
    this.learn([initiator]);
    const path = [...msg.path, this.ctx.id];
    const view = mergeSpiralView(target, msg.initiator, [[this.self()], msg.view, this.closeSet.candidates(), this.ownView()], this.config);
    const next = nextHop(view, path);
    const dimensions = msg.targetVec.length;
    if (next < 0 || path.length >= this.config.hopsMax || spiralConverged(view, path, this.config.resultSize)) {
      const result: SpiralResult = { type: 'spiral.result', searchId: msg.searchId, view, path };
      this.ctx.send(msg.initiator, result, resultSizeBytes(dimensions, view.length, path.length));
      return;
    }
    const search: SpiralSearch = { ...msg, view, path };
    this.ctx.send(next, search, searchSizeBytes(dimensions, view.length, path.length));
  }

  private onResult(msg: SpiralResult): void {
    const pending = this.pending.get(msg.searchId);
    if (pending === undefined || pending.path.length > 0) return; // timed out, or a duplicate
    pending.view = msg.view;
    pending.path = msg.path;
    pending.messages += msg.path.length + 1; // the forwards along the spiral, then the result
    this.learn(msg.view);
    const probes = msg.view.slice(0, this.config.probeCount);
    if (probes.length === 0) return this.finish(msg.searchId, true);
    pending.probesOutstanding = probes.length;
    const sentAtMs = this.ctx.nowMs();
    for (const c of probes) {
      const probe: SpiralProbe = { type: 'spiral.probe', searchId: msg.searchId, sentAtMs };
      this.ctx.send(c.peer, probe, probeSizeBytes());
      pending.messages++;
    }
  }

  private onProbe(from: NodeId, msg: SpiralProbe): void {
    const reply: SpiralProbeReply = { type: 'spiral.probe-reply', searchId: msg.searchId, sentAtMs: msg.sentAtMs };
    this.ctx.send(from, reply, probeSizeBytes());
  }

  private onProbeReply(from: NodeId, msg: SpiralProbeReply): void {
    const pending = this.pending.get(msg.searchId);
    if (pending === undefined || pending.measuredMs.has(from)) return;
    const candidate = pending.view.find((c) => c.peer === from);
    const rttMs = this.ctx.nowMs() - msg.sentAtMs;
    if (candidate === undefined || !(rttMs >= 0)) return;
    pending.messages++;
    pending.measuredMs.set(from, rttMs);
    this.closeSet.offer(candidate, rttMs, true);
    if (--pending.probesOutstanding === 0) this.finish(msg.searchId, true);
  }

  private finish(searchId: number, completed: boolean): void {
    const pending = this.pending.get(searchId);
    if (pending === undefined) return;
    this.pending.delete(searchId);
    pending.timer.cancel();
    const found = rankResult(pending.view, pending.measuredMs, this.config.resultSize);
    if (this.outcomes.length >= this.config.outcomesMax) {
      this.outcomes.shift();
      this.ctx.metrics.count('spiral.outcomes_dropped');
    }
    this.outcomes.push({
      initiator: this.ctx.id,
      searchId,
      startedAtMs: pending.startedAtMs,
      finishedAtMs: this.ctx.nowMs(),
      found,
      path: pending.path,
      hops: pending.path.length,
      messages: pending.messages,
      completed: completed && pending.path.length > 0,
    });
  }
}

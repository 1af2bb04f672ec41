/**
 * A heartbeat failure detector, as a protocol and an overlay: every `periodMs` it pings each
 * monitored peer; an ack echoes the ping's send time. A peer whose last answered ping was sent
 * more than `timeoutMs` ago is declared gone: a `leave` if it had joined (answered at least
 * once), silently dropped otherwise. A crashed or cut-off peer therefore leaves at most
 * `timeoutMs` after it stopped answering, and not before `timeoutMs - periodMs - one-way
 * latency` (the last ping it answered may be that old).
 *
 * The monitored peers come from a candidate source (a gossip view, a static list), re-read
 * every period, at most `monitoredMax` of them. A peer that drops out of the candidates is not
 * a failure: it is kept until it answers a newer ping (then removed with a neighbours-changed
 * event) or times out (a leave).
 */
import type { Message, NodeContext, NodeId, Protocol, TimerHandle } from '../runtime/context.js';
import { OverlayEvents, type Overlay, type OverlayListener, type Subscription } from './overlay.js';

export interface FailureDetectorConfig {
  readonly periodMs: number;
  /** Silence (since the send time of the last answered ping) after which a peer is gone. */
  readonly timeoutMs: number;
  /** Bound on the peers monitored at once. */
  readonly monitoredMax: number;
  readonly pingSizeBytes: number;
}

export const defaultFailureDetectorConfig: FailureDetectorConfig = {
  periodMs: 1000,
  timeoutMs: 5000,
  monitoredMax: 64,
  pingSizeBytes: 48,
};

export function validateFailureDetectorConfig(config: FailureDetectorConfig): void {
  const fail = (field: string, expected: string): never => {
    throw new RangeError(`FailureDetectorConfig.${field}: expected ${expected}, got ${String((config as unknown as Record<string, unknown>)[field])}`);
  };
  if (!(config.periodMs > 0)) fail('periodMs', 'a number > 0');
  if (!(config.timeoutMs > config.periodMs)) fail('timeoutMs', 'a number > periodMs');
  if (!(Number.isInteger(config.monitoredMax) && config.monitoredMax >= 1)) fail('monitoredMax', 'an integer >= 1');
  if (!(config.pingSizeBytes > 0)) fail('pingSizeBytes', 'a number > 0');
}

export interface FdPing {
  readonly type: 'fd.ping';
  readonly sentAtMs: number;
}

export interface FdAck {
  readonly type: 'fd.ack';
  readonly sentAtMs: number;
}

export type FdMessage = FdPing | FdAck;

/** Where the detector's candidate peers come from (a gossip protocol's `peers()` fits). */
export interface CandidateSource {
  peers(): readonly NodeId[];
}

interface Monitored {
  readonly peer: NodeId;
  /** Send time of the last answered ping; until the first ack, the time monitoring began. */
  answeredSentMs: number;
  joined: boolean;
  /** When the peer left the candidates (-1 while it is one). */
  droppedAtMs: number;
}

export class FailureDetector implements Protocol, Overlay {
  readonly name: string;
  private readonly events = new OverlayEvents();
  /** In the order peers began to be monitored: deterministic iteration. */
  private monitored: Monitored[] = [];
  private timer: TimerHandle | null = null;
  private check: TimerHandle | null = null;
  private checkAtMs = Infinity;
  private neighbourList: NodeId[] = [];

  constructor(
    private readonly ctx: NodeContext,
    private readonly candidates: CandidateSource,
    private readonly config: FailureDetectorConfig = defaultFailureDetectorConfig,
    name = 'failure-detector',
  ) {
    validateFailureDetectorConfig(config);
    this.name = name;
  }

  /** Peers that answered and have not timed out, in the order they were first monitored. */
  neighbours(): readonly NodeId[] {
    return this.neighbourList;
  }

  monitoredPeers(): NodeId[] {
    return this.monitored.map((m) => m.peer);
  }

  subscribe(listener: OverlayListener): Subscription {
    return this.events.subscribe(listener);
  }

  onStart(): void {
    this.timer = this.ctx.setTimer(this.ctx.rng.next() * this.config.periodMs, this.onPeriod);
  }

  onStop(): void {
    this.timer?.cancel();
    this.check?.cancel();
    this.timer = null;
    this.check = null;
  }

  onMessage(from: NodeId, message: Message): void {
    const msg = message as FdMessage;
    switch (msg.type) {
      case 'fd.ping': {
        const ack: FdAck = { type: 'fd.ack', sentAtMs: msg.sentAtMs };
        this.ctx.send(from, ack, this.config.pingSizeBytes);
        return;
      }
      case 'fd.ack':
        return this.onAck(from, msg.sentAtMs);
      default:
        this.ctx.metrics.count('actors.fd.unknown_messages');
    }
  }

  private readonly onPeriod = (): void => {
    this.tick();
    this.timer = this.ctx.setTimer(this.config.periodMs, this.onPeriod);
  };

  private tick(): void {
    const nowMs = this.ctx.nowMs();
    this.expire(nowMs);
    this.syncCandidates(nowMs);
    const ping: FdPing = { type: 'fd.ping', sentAtMs: nowMs };
    for (const m of this.monitored) this.ctx.send(m.peer, ping, this.config.pingSizeBytes);
    this.scheduleCheck();
  }

  private syncCandidates(nowMs: number): void {
    const wanted = new Set<NodeId>();
    for (const peer of this.candidates.peers()) if (peer !== this.ctx.id) wanted.add(peer);
    for (const m of this.monitored) {
      if (!wanted.has(m.peer) && m.droppedAtMs < 0) m.droppedAtMs = nowMs;
      else if (wanted.has(m.peer)) m.droppedAtMs = -1;
      wanted.delete(m.peer);
    }
    for (const peer of wanted) {
      if (this.monitored.length >= this.config.monitoredMax) {
        this.ctx.metrics.count('actors.fd.candidates_ignored');
        break;
      }
      this.monitored.push({ peer, answeredSentMs: nowMs, joined: false, droppedAtMs: -1 });
    }
  }

  private onAck(from: NodeId, sentAtMs: number): void {
    const m = this.monitored.find((e) => e.peer === from);
    if (m === undefined || sentAtMs < m.answeredSentMs) return;
    m.answeredSentMs = sentAtMs;
    if (m.droppedAtMs >= 0 && sentAtMs >= m.droppedAtMs) {
      // Alive, and no longer a candidate: stop monitoring without calling it a failure.
      this.monitored = this.monitored.filter((e) => e !== m);
      if (m.joined) this.changed();
      return;
    }
    if (!m.joined) {
      m.joined = true;
      this.events.emit({ kind: 'join', peer: from });
      this.changed();
    }
  }

  /** Declare every peer silent for longer than the timeout gone. */
  private expire(nowMs: number): void {
    // Half a microsecond of slack: a check timer rounded to whole microseconds is never early.
    const silentMs = this.config.timeoutMs - 0.0005;
    const gone = this.monitored.filter((m) => nowMs - m.answeredSentMs >= silentMs);
    if (gone.length === 0) return;
    this.monitored = this.monitored.filter((m) => nowMs - m.answeredSentMs < silentMs);
    let left = false;
    for (const m of gone) {
      if (!m.joined) continue;
      left = true;
      this.ctx.metrics.count('actors.fd.leaves');
      this.events.emit({ kind: 'leave', peer: m.peer });
    }
    if (left) this.changed();
  }

  private changed(): void {
    this.neighbourList = this.monitored.filter((m) => m.joined).map((m) => m.peer);
    this.events.emit({ kind: 'neighbours-changed', neighbours: this.neighbourList });
  }

  /** A check timer at the earliest deadline, so a leave is never later than the timeout. */
  private scheduleCheck(): void {
    let atMs = Infinity;
    for (const m of this.monitored) atMs = Math.min(atMs, m.answeredSentMs + this.config.timeoutMs);
    if (atMs === Infinity || atMs >= this.checkAtMs) return;
    this.check?.cancel();
    this.checkAtMs = atMs;
    this.check = this.ctx.setTimer(Math.max(0, atMs - this.ctx.nowMs()), this.onCheck);
  }

  private readonly onCheck = (): void => {
    this.check = null;
    this.checkAtMs = Infinity;
    this.expire(this.ctx.nowMs());
    this.scheduleCheck();
  };
}

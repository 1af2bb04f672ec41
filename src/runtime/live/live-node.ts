/**
 * One node of a live deployment: the NodeContext of its protocols, backed by the wall clock,
 * Node's timers and a UDP socket. Handlers stay synchronous and run to completion (each timer
 * and each datagram is one macrotask); only binding and closing the socket are asynchronous.
 *
 * Anything may arrive on a UDP port. A datagram reaches a protocol only once its framing, MAC,
 * freshness (replay window), body and message schema all checked; every drop is counted under
 * `live.datagrams.dropped.<reason>`. No handler, timer or start exception stops the node.
 *
 * A message too large for one datagram goes as fragments (`wire-codec.ts`), each its own datagram
 * through the shim (delayed and lost independently) and through every check up to freshness; the
 * receiver's `Reassembler` joins them and the whole body then takes the single datagram's path.
 */
import type { KeyObject } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomStream } from '../../kernel/random.js';
import { Counters } from '../counters.js';
import type { Hypervisor, Message, MessageSchemas, MessageValidator, NodeContext, NodeId, Protocol, StackBuilder, TimerHandle } from '../context.js';
import type { RecordableHistogram } from 'node:perf_hooks';
import { LatencyShim, type LatencyShimConfig } from './latency-shim.js';
import { DatagramTooLargeError } from './live-errors.js';
import type { PeerAddress } from './peer-table.js';
import { type GiveUp, REASSEMBLY_DEFAULTS, Reassembler, type ReassemblyLimits } from './reassembly.js';
import { ReplayWindow } from './replay-window.js';
import { decodeBody, encodeBody, FRAGMENT_OVERHEAD_BYTES, fragmentCount, FRAGMENTS_MAX, frameBody, openDatagram, U48_MAX, WIRE_OVERHEAD_BYTES } from './wire-codec.js';

export interface LiveNodeConfig {
  readonly id: NodeId;
  /** Every node's address, indexed by id; this node binds `peers[id]` (or `bindHost`). */
  readonly peers: readonly PeerAddress[];
  readonly seed: number;
  readonly stack: StackBuilder;
  /** The wire schema of every protocol of the stack, by name: a protocol without one is a start-up error. */
  readonly schemas: MessageSchemas;
  /** The cluster key every datagram is MACed with; null: none (`--insecure`), nothing authenticated. */
  readonly key: KeyObject | null;
  /** This incarnation's epoch (ms on the wall clock; default: now): later than any before it. */
  readonly epochMs?: number;
  /**
   * Where this node's clock (`nowMs`) starts, in Date.now() units: the run's start for an agent
   * of a launch, so a restarted agent reads the run's time as a recovered simulated host does
   * (protocols tell the run's start from a recovery by it); default: when the node is created.
   */
  readonly clockOriginMs?: number;
  readonly bootstrapPeers: readonly NodeId[];
  /** Emulated latency and loss; null sends at once (a real network supplies the latency). */
  readonly shim: LatencyShimConfig | null;
  /** Address to bind instead of the peer table's host (e.g. '0.0.0.0' behind NAT); null: none. */
  readonly bindHost: string | null;
  /**
   * Largest datagram sent; a bigger message goes in up to FRAGMENTS_MAX fragments of at most this
   * size, and one needing more is a DatagramTooLargeError at send.
   */
  readonly datagramBytesMax: number;
  /** Bounds of the reassembly of fragmented messages (default `REASSEMBLY_DEFAULTS`). */
  readonly reassembly?: Partial<ReassemblyLimits>;
  /** Where warnings go (handler errors, socket errors); bounded by `warningsMax`. */
  readonly warn: (line: string) => void;
  /** The hypervisor of this node's host (libvirt), given to every protocol's context; none when absent. */
  readonly hypervisor?: Hypervisor;
}

const timerHandler = (): string => 'a timer handler';

/**
 * Receive buffer asked of the kernel (SO_RCVBUF): one largest fragmented message (64 datagrams of
 * 64 kB, ~4.2 MB) arrives as a burst, and Linux's default (rmem_default, 208 kB) holds three.
 * Linux caps it at net.core.rmem_max; a smaller buffer than asked is warned about at start.
 */
export const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/** Warnings printed per node at most: a flood of bad datagrams must not flood the log. */
const WARNINGS_MAX = 20;

export class LiveNode {
  readonly counters = new Counters();
  private readonly socket: Socket;
  private readonly startMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly shim: LatencyShim | null;
  private protocols: ReadonlyMap<string, Protocol> = new Map();
  private validators: ReadonlyMap<string, MessageValidator> = new Map();
  /** Datagrams sent to each peer in this incarnation (the wire counter). */
  private readonly sentTo: Float64Array;
  private readonly epochMs: number;
  private readonly replay: ReplayWindow | null;
  private readonly reassembler: Reassembler;
  private readonly reassemblyLimits: ReassemblyLimits;
  private sweepTimer: NodeJS.Timeout | null = null;
  /** Fragmented messages sent in this incarnation (the fragments' message id, mod 2^32). */
  private fragmentedSent = 0;
  private stopped = false;
  private warnings = 0;

  private constructor(private readonly config: LiveNodeConfig) {
    const { id, peers, shim, seed } = config;
    if (!(Number.isInteger(id) && id >= 0 && id < peers.length)) throw new RangeError(`node id ${id} not in the peer table (0..${peers.length - 1})`);
    if (shim !== null && shim.matrix.n < peers.length) {
      throw new RangeError(`RTT matrix ${shim.matrix.name} has ${shim.matrix.n} rows, fewer than the ${peers.length} peers`);
    }
    this.shim = shim === null ? null : new LatencyShim(shim, id, randomStream(seed, 'live.loss', id));
    this.sentTo = new Float64Array(peers.length);
    this.startMs = performance.now() - (config.clockOriginMs === undefined ? 0 : Math.max(0, Date.now() - config.clockOriginMs));
    if (!(Number.isInteger(config.datagramBytesMax) && config.datagramBytesMax > FRAGMENT_OVERHEAD_BYTES)) {
      throw new RangeError(`datagramBytesMax must be an integer > ${FRAGMENT_OVERHEAD_BYTES}, got ${config.datagramBytesMax}`);
    }
    this.reassemblyLimits = { ...REASSEMBLY_DEFAULTS, ...config.reassembly };
    this.reassembler = new Reassembler(peers.length, this.reassemblyLimits, (reason) => this.giveUp(reason));
    this.epochMs = Math.floor(config.epochMs ?? Date.now());
    if (!(this.epochMs >= 0 && this.epochMs <= U48_MAX)) throw new RangeError(`epochMs ${this.epochMs} not in 0..2^48-1`);
    // Without a key the header is anyone's to write: a window would only let a forger silence a peer.
    this.replay = config.key === null ? null : new ReplayWindow(peers.length);
    const host = config.bindHost ?? peers[id].host;
    this.socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    this.socket.on('message', (datagram) => this.receive(datagram));
    this.socket.on('error', (error) => {
      this.counters.count('live.socket.errors');
      this.warnOnce(`socket error: ${error.message}`);
    });
  }

  /** Bind the socket, then build and start the protocols (in the stack's order). */
  static async start(config: LiveNodeConfig): Promise<LiveNode> {
    const node = new LiveNode(config);
    await node.bind();
    const protocols = config.stack((name) => node.contextFor(name));
    const missing = [...protocols.keys()].filter((name) => !config.schemas.has(name));
    if (missing.length > 0) {
      await node.stop(); // no protocol started: none is told to stop
      throw new Error(`node ${config.id}: no wire schema for protocol(s) ${missing.join(', ')}: every protocol of a live stack must declare its messages`);
    }
    node.protocols = protocols;
    node.validators = config.schemas;
    for (const [name, protocol] of node.protocols) node.guard('live.start.errors', () => `${name}.onStart`, () => protocol.onStart());
    return node;
  }

  get id(): NodeId {
    return this.config.id;
  }

  /** Milliseconds since this node was created. */
  nowMs(): number {
    return performance.now() - this.startMs;
  }

  /** Fragmented messages being reassembled now, and the bytes of datagrams they hold. */
  get reassembling(): { readonly messages: number; readonly bytes: number } {
    return { messages: this.reassembler.pendingMessages, bytes: this.reassembler.heldBytes };
  }

  protocol<P extends Protocol>(name: string): P | undefined {
    return this.protocols.get(name) as P | undefined;
  }

  /** How late the shim let messages leave after their due time (us + 1), or null without a shim. */
  shimLateness(): RecordableHistogram | null {
    return this.shim?.lateUs ?? null;
  }

  /** Stop: timers and held-back messages die, protocols get `onStop`, the socket closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.shim?.clear();
    if (this.sweepTimer !== null) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    this.reassembler.clear();
    for (const [name, protocol] of this.protocols) this.guard('live.stop.errors', () => `${name}.onStop`, () => protocol.onStop?.());
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private bind(): Promise<void> {
    const { id, peers, bindHost } = this.config;
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => reject(new Error(`node ${id}: cannot bind ${bindHost ?? peers[id].host}:${peers[id].port}: ${error.message}`));
      this.socket.once('error', fail);
      this.socket.bind(peers[id].port, bindHost ?? peers[id].host, () => {
        this.socket.off('error', fail);
        this.growReceiveBuffer();
        resolve();
      });
    });
  }

  private growReceiveBuffer(): void {
    let granted = 0;
    try {
      this.socket.setRecvBufferSize(RECV_BUFFER_BYTES);
      granted = this.socket.getRecvBufferSize(); // Linux reports twice what it grants
    } catch (error) {
      this.warnOnce(`cannot set the receive buffer: ${(error as Error).message}`);
      return;
    }
    if (granted < RECV_BUFFER_BYTES) {
      this.warnOnce(`receive buffer ${granted} bytes, asked ${RECV_BUFFER_BYTES} (raise net.core.rmem_max): a burst of fragments may be lost`);
    }
  }

  private contextFor(protocolName: string): NodeContext {
    const { id, seed, bootstrapPeers } = this.config;
    const sentName = `${protocolName}.messages.sent`;
    const bytesName = `${protocolName}.bytes.sent`;
    return {
      id,
      rng: randomStream(seed, protocolName, id),
      metrics: this.counters,
      nowMs: () => this.nowMs(),
      setTimer: (delayMs, handler) => this.setTimer(delayMs, handler),
      send: (to, message, sizeBytes) => {
        if (this.stopped) return;
        this.send(protocolName, to, message, sizeBytes);
        this.counters.count(sentName);
        this.counters.count(bytesName, sizeBytes);
      },
      bootstrapPeers: () => bootstrapPeers,
      ...(this.config.hypervisor === undefined ? {} : { hypervisor: this.config.hypervisor }),
    };
  }

  private setTimer(delayMs: number, handler: () => void): TimerHandle {
    if (!(delayMs >= 0 && Number.isFinite(delayMs))) throw new RangeError(`setTimer: delayMs must be finite and >= 0, got ${delayMs}`);
    let active = !this.stopped;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      active = false;
      if (!this.stopped) this.guard('live.timer.errors', timerHandler, handler);
    }, delayMs);
    if (active) this.timers.add(timer);
    else clearTimeout(timer);
    return {
      cancel: () => {
        active = false;
        clearTimeout(timer);
        this.timers.delete(timer);
      },
      get active() {
        return active;
      },
    };
  }

  private send(protocolName: string, to: NodeId, message: Message, sizeBytes: number): void {
    const { id, peers, datagramBytesMax } = this.config;
    if (!(Number.isInteger(to) && to >= 0 && to < peers.length)) {
      throw new RangeError(`node ${id} (${protocolName}) sent ${message.type} to unknown node ${to}`);
    }
    // Encode now: the message is what it was at send time, and a too-big one fails in its sender.
    const body = encodeBody(protocolName, message);
    const count = fragmentCount(body.length, datagramBytesMax);
    if (count > FRAGMENTS_MAX) {
      const limit = WIRE_OVERHEAD_BYTES + FRAGMENTS_MAX * (datagramBytesMax - FRAGMENT_OVERHEAD_BYTES);
      throw new DatagramTooLargeError(protocolName, message.type, WIRE_OVERHEAD_BYTES + body.length, limit, FRAGMENTS_MAX, datagramBytesMax);
    }
    const header = { from: id, to, epochMs: this.epochMs, counter: this.sentTo[to] };
    const datagrams = frameBody(header, body, this.fragmentedSent, datagramBytesMax, this.config.key);
    this.sentTo[to] += datagrams.length;
    if (count > 1) {
      this.fragmentedSent = (this.fragmentedSent + 1) % 2 ** 32;
      this.counters.count('live.messages.fragmented');
      this.counters.count('live.fragments.sent', count);
    }
    this.counters.count('messages.sent');
    this.counters.count('bytes.sent', sizeBytes);
    let lost = false;
    for (const datagram of datagrams) {
      this.counters.count('live.wire.bytes.sent', datagram.length);
      const transmit = (): void => {
        if (this.stopped) return;
        const { host, port } = peers[to];
        this.socket.send(datagram, port, host, (error) => {
          if (error === null || error === undefined) return;
          this.counters.count('live.send.errors');
          this.warnOnce(`send to ${to} failed: ${error.message}`);
        });
      };
      if (this.shim === null) {
        transmit();
        continue;
      }
      // Each fragment is delayed and lost on its own, as on a network: one lost, the message is.
      const outcome = this.shim.delay(to, transmit);
      if (outcome === 'lost') {
        lost = true;
        if (count > 1) this.counters.count('live.shim.fragments.lost');
      } else if (outcome === 'overflow') this.counters.count('live.shim.overflow');
    }
    if (lost) this.counters.count('messages.lost');
  }

  /** Framing, MAC, freshness, body, protocol, schema: the first check that fails names the drop. */
  private receive(datagram: Buffer): void {
    if (this.stopped) return;
    this.counters.count('live.datagrams.received');
    this.counters.count('live.wire.bytes.received', datagram.length);
    const { id, peers, key } = this.config;
    const opened = openDatagram(datagram, key, id, peers.length);
    if (typeof opened === 'string') return this.drop(opened);
    if (this.replay !== null) {
      const verdict = this.replay.accept(opened.from, opened.epochMs, opened.counter);
      if (verdict !== 'ok') return this.drop(verdict);
    }
    let body = opened.body;
    if (opened.fragment !== undefined) {
      this.counters.count('live.fragments.received');
      const verdict = this.reassembler.add(opened.from, opened.epochMs, opened.fragment, opened.body, datagram.length, this.nowMs());
      if (verdict === 'pending') return this.armSweep();
      if (verdict === 'given-up') return; // counted as a message given up
      if (typeof verdict === 'string') return this.drop(verdict);
      this.counters.count('live.reassembly.completed');
      body = verdict.complete;
    }
    const envelope = decodeBody(body);
    if (typeof envelope === 'string') return this.drop(envelope);
    const protocol = this.protocols.get(envelope.protocolName);
    const validator = this.validators.get(envelope.protocolName);
    if (protocol === undefined || validator === undefined) return this.drop('unknown-protocol');
    const check = validator(envelope.message);
    if (check !== 'ok') return this.drop(check);
    this.counters.count('messages.delivered');
    // A peer's message that a handler cannot take must not kill this agent.
    this.guard(
      'live.handler.errors',
      () => `${envelope.protocolName}.onMessage(${opened.from}, ${envelope.message.type})`,
      () => protocol.onMessage(opened.from, envelope.message),
    );
  }

  /** Run `action`; an exception is counted under `counter` and warned about (bounded), never thrown. */
  private guard(counter: string, what: () => string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.counters.count(counter);
      this.warnOnce(`${what()} threw: ${(error as Error).stack ?? error}`);
    }
  }

  /** While messages are being reassembled, give up every so often those that stopped progressing. */
  private armSweep(): void {
    if (this.sweepTimer !== null || this.stopped) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      if (this.stopped) return;
      this.reassembler.sweep(this.nowMs());
      if (this.reassembler.pendingMessages > 0) this.armSweep();
    }, this.reassemblyLimits.timeoutMs / 4);
    this.sweepTimer.unref();
  }

  /** A fragmented message given up whole (its fragments were each counted as received). */
  private giveUp(reason: GiveUp): void {
    this.counters.count('live.messages.dropped');
    this.counters.count(`live.messages.dropped.${reason}`);
  }

  private drop(reason: string): void {
    this.counters.count('live.datagrams.dropped');
    this.counters.count(`live.datagrams.dropped.${reason}`);
  }

  private warnOnce(line: string): void {
    if (this.warnings >= WARNINGS_MAX) return;
    this.warnings++;
    this.config.warn(`[node ${this.config.id}] ${line}${this.warnings === WARNINGS_MAX ? ' (further warnings suppressed)' : ''}`);
  }
}

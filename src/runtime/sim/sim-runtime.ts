import type { Simulator, TimerHandle as KernelTimer } from '../../kernel/simulator.js';
import { randomStream, type Random } from '../../kernel/random.js';
import { msToUs } from '../../kernel/time.js';
import type { NetworkModel } from '../../platform/network.js';
import type { CounterCell, Counters } from '../counters.js';
import type { Message, NodeContext, NodeId, Protocol, StackBuilder, TimerHandle } from '../context.js';

export interface SimRuntimeOptions {
  readonly sim: Simulator;
  readonly network: NetworkModel;
  readonly seed: number;
  readonly stack: StackBuilder;
  /** How many introducers each node is given at start. */
  readonly bootstrapCount: number;
  readonly counters: Counters;
}

/** One simulated node: its protocols and the incarnation that owns its timers. */
interface SimNode {
  protocols: ReadonlyMap<string, Protocol>;
  /** Bumped on every crash and recovery: timers of an older incarnation never fire. */
  incarnation: number;
  up: boolean;
}

const NO_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map();

/**
 * The simulated runtime: gives every host a NodeContext backed by the kernel's virtual clock and
 * the modelled network. A message arrives after the path latency plus size / bandwidth, or is
 * lost when there is no path at send time or the receiver is down at arrival.
 */
export class SimRuntime {
  private readonly nodes: SimNode[];
  private readonly sent: CounterCell;
  private readonly bytesSent: CounterCell;
  private readonly lost: CounterCell;
  private readonly delivered: CounterCell;

  constructor(private readonly options: SimRuntimeOptions) {
    const n = options.network.hostCount;
    this.sent = options.counters.cell('messages.sent');
    this.bytesSent = options.counters.cell('bytes.sent');
    this.lost = options.counters.cell('messages.lost');
    this.delivered = options.counters.cell('messages.delivered');
    this.nodes = new Array(n);
    for (let id = 0; id < n; id++) this.nodes[id] = { protocols: NO_PROTOCOLS, incarnation: 0, up: false };
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Build and start the protocols of every host, in id order, at the current virtual time. */
  startAll(): void {
    for (let id = 0; id < this.nodes.length; id++) this.startNode(id);
  }

  isUp(id: NodeId): boolean {
    return this.nodes[id].up;
  }

  /** The protocol `name` of node `id` (for metrics that read simulated state), if running. */
  protocolOf<P extends Protocol>(id: NodeId, name: string): P | undefined {
    const node = this.nodes[id];
    return node.up ? (node.protocols.get(name) as P | undefined) : undefined;
  }

  /** Crash: timers and in-flight deliveries to this node die; the state is gone. */
  crashNode(id: NodeId): void {
    const node = this.nodes[id];
    if (!node.up) return;
    node.up = false;
    node.incarnation++;
    this.options.network.setHostUp(id, false);
    for (const protocol of node.protocols.values()) protocol.onStop?.();
    node.protocols = NO_PROTOCOLS;
    this.options.counters.count('nodes.crashes');
  }

  /** Recover with fresh state: the protocols are built anew and started. */
  recoverNode(id: NodeId): void {
    if (this.nodes[id].up) return;
    this.options.network.setHostUp(id, true);
    this.startNode(id);
    this.options.counters.count('nodes.recoveries');
  }

  private startNode(id: NodeId): void {
    const node = this.nodes[id];
    node.incarnation++;
    node.up = true;
    const incarnation = node.incarnation;
    node.protocols = this.options.stack((name) => this.contextFor(id, name, incarnation));
    for (const protocol of node.protocols.values()) {
      if (node.incarnation !== incarnation) return; // crashed while starting
      protocol.onStart();
    }
  }

  private contextFor(id: NodeId, protocolName: string, incarnation: number): NodeContext {
    const { sim, seed, counters } = this.options;
    const node = this.nodes[id];
    // A recovered node draws from a fresh stream, so it does not replay its previous life.
    const rng: Random = randomStream(seed, incarnation === 1 ? protocolName : `${protocolName}#${incarnation}`, id);
    let bootstrap: readonly NodeId[] | null = null;
    const protocolSent = counters.cell(`${protocolName}.messages.sent`);
    const protocolBytes = counters.cell(`${protocolName}.bytes.sent`);
    return {
      id,
      rng,
      metrics: counters,
      nowMs: () => sim.nowUs() / 1000,
      setTimer: (delayMs: number, handler: () => void): TimerHandle => {
        const timer: KernelTimer = sim.setTimer(msToUs(delayMs), () => {
          if (node.incarnation === incarnation) handler();
        });
        return timer;
      },
      send: (to: NodeId, message: Message, sizeBytes: number): void => {
        if (node.incarnation !== incarnation) return; // a dead incarnation cannot talk
        this.send(id, to, protocolName, message, sizeBytes);
        protocolSent.value++;
        protocolBytes.value += sizeBytes;
      },
      bootstrapPeers: () => (bootstrap ??= this.drawBootstrap(id)),
    };
  }

  private send(from: NodeId, to: NodeId, protocolName: string, message: Message, sizeBytes: number): void {
    const { sim, network } = this.options;
    if (!(to >= 0 && to < this.nodes.length && Number.isInteger(to))) {
      throw new RangeError(`node ${from} (${protocolName}) sent ${message.type} to unknown node ${to}`);
    }
    this.sent.value++;
    this.bytesSent.value += sizeBytes;
    const delayUs = network.deliveryUs(from, to, sizeBytes);
    if (delayUs < 0) {
      this.lost.value++;
      return;
    }
    sim.after(delayUs, () => this.deliver(from, to, protocolName, message));
  }

  private deliver(from: NodeId, to: NodeId, protocolName: string, message: Message): void {
    const node = this.nodes[to];
    const protocol = node.up ? node.protocols.get(protocolName) : undefined;
    if (protocol === undefined) {
      this.lost.value++;
      return;
    }
    this.delivered.value++;
    protocol.onMessage(from, message);
  }

  private drawBootstrap(id: NodeId): NodeId[] {
    const n = this.nodes.length;
    const want = Math.min(this.options.bootstrapCount, n - 1);
    const rng = randomStream(this.options.seed, 'bootstrap', id);
    const chosen = new Set<NodeId>();
    while (chosen.size < want) {
      const peer = rng.int(n);
      if (peer !== id) chosen.add(peer);
    }
    return [...chosen];
  }
}

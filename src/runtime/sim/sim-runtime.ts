import type { EventRecord, Simulator } from '../../kernel/simulator.js';
import { randomStream, type Random } from '../../kernel/random.js';
import { msToUs } from '../../kernel/time.js';
import type { NetworkModel } from '../../platform/network.js';
import type { CounterCell, Counters } from '../counters.js';
import type { Hypervisor, Message, NodeContext, NodeId, Protocol, StackBuilder, TimerHandle } from '../context.js';

export interface SimRuntimeOptions {
  readonly sim: Simulator;
  readonly network: NetworkModel;
  readonly seed: number;
  readonly stack: StackBuilder;
  /** How many introducers each node is given at start. */
  readonly bootstrapCount: number;
  readonly counters: Counters;
  /** The hypervisor of each host, when the run models hosts and VMs. */
  readonly hypervisorOf?: (id: NodeId) => Hypervisor;
}

/** One simulated node: its protocols by name, in start order. */
interface SimNode {
  protocols: ReadonlyMap<string, Protocol>;
  up: boolean;
}

const NO_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map();

/**
 * A protocol's timer, scheduled in the kernel as it is (no wrapper closures): it fires its
 * handler unless cancelled or its node has crashed or recovered since it was set.
 */
class NodeTimer implements TimerHandle, EventRecord {
  active = true;
  constructor(
    private readonly incarnations: Int32Array,
    private readonly id: NodeId,
    private readonly incarnation: number,
    private readonly handler: () => void,
  ) {}
  cancel(): void {
    this.active = false;
  }
  fire(): void {
    if (!this.active) return;
    this.active = false;
    if (this.incarnations[this.id] === this.incarnation) this.handler();
  }
}

/**
 * A message in flight. Records are pooled: one goes back to the pool as its message is handed
 * over, so steady traffic allocates no scheduling records at all (millions of messages per run).
 */
class Delivery implements EventRecord {
  from = 0;
  to = 0;
  slot = 0;
  message: Message | null = null;
  constructor(private readonly arrive: (delivery: Delivery) => void) {}
  fire(): void {
    this.arrive(this);
  }
}

/**
 * The simulated runtime: gives every host a NodeContext backed by the kernel's virtual clock and
 * the modelled network. A message arrives after the path latency plus size / bandwidth, or is
 * lost when there is no path at send time or the receiver is down at arrival.
 */
export class SimRuntime {
  private readonly nodes: SimNode[];
  /**
   * Per node, bumped on every crash and recovery: timers of an older incarnation never fire.
   * Kept apart from the node objects, like `receivers`: at 10,000 nodes every touch of a
   * per-node object is a cache miss, and timers and deliveries run millions of times.
   */
  private readonly incarnations: Int32Array;
  /** receivers[slot][node]: the protocol that takes messages of that slot, undefined while down. */
  private readonly receivers: (Protocol | undefined)[][] = [];
  private readonly sent: CounterCell;
  private readonly bytesSent: CounterCell;
  private readonly lost: CounterCell;
  private readonly delivered: CounterCell;
  /** Protocol names to small slot numbers, in order of first use. */
  private readonly slots = new Map<string, number>();
  /** Idle delivery records (at most as many as messages were ever in flight at once). */
  private readonly deliveryPool: Delivery[] = [];

  constructor(private readonly options: SimRuntimeOptions) {
    const n = options.network.hostCount;
    this.sent = options.counters.cell('messages.sent');
    this.bytesSent = options.counters.cell('bytes.sent');
    this.lost = options.counters.cell('messages.lost');
    this.delivered = options.counters.cell('messages.delivered');
    this.nodes = new Array(n);
    for (let id = 0; id < n; id++) this.nodes[id] = { protocols: NO_PROTOCOLS, up: false };
    this.incarnations = new Int32Array(n);
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
    this.incarnations[id]++;
    for (const receiversOfSlot of this.receivers) receiversOfSlot[id] = undefined;
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
    const incarnation = ++this.incarnations[id];
    node.up = true;
    node.protocols = this.options.stack((name) => this.contextFor(id, name, incarnation));
    for (const [name, protocol] of node.protocols) this.receivers[this.slotOf(name)][id] = protocol;
    for (const protocol of node.protocols.values()) {
      if (this.incarnations[id] !== incarnation) return; // crashed while starting
      protocol.onStart();
    }
  }

  private slotOf(protocolName: string): number {
    let slot = this.slots.get(protocolName);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(protocolName, slot);
      this.receivers.push(new Array<Protocol | undefined>(this.nodes.length).fill(undefined));
    }
    return slot;
  }

  private contextFor(id: NodeId, protocolName: string, incarnation: number): NodeContext {
    const { sim, seed, counters } = this.options;
    const incarnations = this.incarnations;
    const slot = this.slotOf(protocolName);
    // A recovered node draws from a fresh stream, so it does not replay its previous life.
    const rng: Random = randomStream(seed, incarnation === 1 ? protocolName : `${protocolName}#${incarnation}`, id);
    let bootstrap: readonly NodeId[] | null = null;
    const protocolSent = counters.cell(`${protocolName}.messages.sent`);
    const protocolBytes = counters.cell(`${protocolName}.bytes.sent`);
    return {
      id,
      hypervisor: this.options.hypervisorOf?.(id),
      rng,
      metrics: counters,
      nowMs: () => sim.nowUs() / 1000,
      setTimer: (delayMs: number, handler: () => void): TimerHandle => {
        const timer = new NodeTimer(incarnations, id, incarnation, handler);
        sim.after(msToUs(delayMs), timer);
        return timer;
      },
      send: (to: NodeId, message: Message, sizeBytes: number): void => {
        if (incarnations[id] !== incarnation) return; // a dead incarnation cannot talk
        this.send(id, to, slot, protocolName, message, sizeBytes);
        protocolSent.value++;
        protocolBytes.value += sizeBytes;
      },
      bootstrapPeers: () => (bootstrap ??= this.drawBootstrap(id)),
    };
  }

  private send(from: NodeId, to: NodeId, slot: number, protocolName: string, message: Message, sizeBytes: number): void {
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
    const delivery = this.deliveryPool.pop() ?? new Delivery(this.deliver);
    delivery.from = from;
    delivery.to = to;
    delivery.slot = slot;
    delivery.message = message;
    sim.after(delayUs, delivery);
  }

  private readonly deliver = (delivery: Delivery): void => {
    const { from, to, slot } = delivery;
    const message = delivery.message as Message;
    // Back to the pool before the handler runs: its own sends may reuse this very record.
    delivery.message = null;
    this.deliveryPool.push(delivery);
    const protocol = this.receivers[slot][to];
    if (protocol === undefined) {
      this.lost.value++;
      return;
    }
    this.delivered.value++;
    protocol.onMessage(from, message);
  };

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

import type { EventRecord, Simulator } from '../../kernel/simulator.js';
import { randomStream, type Random } from '../../kernel/random.js';
import { msToUs } from '../../kernel/time.js';
import type { NetworkModel } from '../../platform/network.js';
import type { CounterCell, Counters } from '../counters.js';
import type { Hypervisor, Message, MetricSink, NodeContext, NodeId, Protocol, StackBuilder, TimerHandle } from '../context.js';

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
  /**
   * Told when a host crashes (after its protocols stopped) and when it recovers (before they
   * start again), whatever crashed it (a fault, churn): the cloud model loses its VMs then.
   */
  readonly onHostUp?: (id: NodeId, up: boolean) => void;
  /** Count messages sent per message type too (`sentByType()`; benchmarks). */
  readonly countByMessageType?: boolean;
}

/** One simulated node: its protocols by name, in start order, and their contexts. */
interface SimNode {
  protocols: ReadonlyMap<string, Protocol>;
  contexts: SimNodeContext[];
  up: boolean;
}

const NO_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map();

/**
 * A protocol's timer, scheduled in the kernel as it is (no wrapper closures): it fires its
 * handler unless cancelled or its context died (the node crashed or recovered since it was set).
 */
class NodeTimer implements TimerHandle, EventRecord {
  active = true;
  constructor(
    private readonly ctx: SimNodeContext,
    private readonly handler: () => void,
  ) {}
  cancel(): void {
    this.active = false;
  }
  fire(): void {
    if (!this.active) return;
    this.active = false;
    if (!this.ctx.alive) return;
    this.ctx.audit();
    this.handler();
  }
}

/**
 * What a protocol of one node, in one incarnation, sees: an object with its methods on the
 * prototype rather than a bag of closures, so a send or a timer touches one small object (at
 * 100,000 nodes every object a message handler touches is a cache miss).
 */
class SimNodeContext implements NodeContext {
  /** Cleared when the node crashes: a dead incarnation cannot talk and its timers never fire. */
  alive = true;
  private bootstrap: readonly NodeId[] | null = null;

  constructor(
    private readonly runtime: SimRuntime,
    private readonly sim: Simulator,
    readonly id: NodeId,
    private readonly slot: number,
    private readonly protocolName: string,
    /** The node's incarnation this context was built for. */
    readonly incarnation: number,
    readonly rng: Random,
    readonly metrics: MetricSink,
    private readonly sentCell: CounterCell,
    private readonly bytesCell: CounterCell,
    readonly hypervisor: Hypervisor | undefined,
  ) {}

  nowMs(): number {
    return this.sim.nowUs() / 1000;
  }

  setTimer(delayMs: number, handler: () => void): TimerHandle {
    const timer = new NodeTimer(this, handler);
    this.sim.after(msToUs(delayMs), timer);
    return timer;
  }

  send(to: NodeId, message: Message, sizeBytes: number): void {
    if (!this.alive) return;
    this.runtime.transmit(this.id, to, this.slot, this.protocolName, message, sizeBytes);
    this.sentCell.value++;
    this.bytesCell.value += sizeBytes;
  }

  bootstrapPeers(): readonly NodeId[] {
    return (this.bootstrap ??= this.runtime.drawBootstrap(this.id));
  }

  /** Tells the runtime's audit hook, if any, that a handler of this incarnation runs. */
  audit(): void {
    const hook = this.runtime.onHandle;
    if (hook !== null) hook(this.id, this.incarnation);
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
  /** The receiver's incarnation when the message was sent, -1 if it was down: a message to a running node is for that incarnation. */
  toIncarnation = 0;
  message: Message | null = null;
  constructor(private readonly arrive: (delivery: Delivery) => void) {}
  fire(): void {
    this.arrive(this);
  }
}

/**
 * The simulated runtime: gives every host a NodeContext backed by the kernel's virtual clock and
 * the modelled network. A message arrives after the path latency plus size / bandwidth, or is
 * lost when there is no path at send time or the receiver is down at arrival (or crashed since the
 * send: a message to a running node is for that incarnation only).
 */
export class SimRuntime {
  private readonly nodes: SimNode[];
  /** Per node, bumped on every crash and recovery: a context built for an older incarnation is born dead. */
  private readonly incarnations: Int32Array;
  /** 1 while a node's machine is down (not only its agent): its VMs are lost. */
  private readonly machineDown: Uint8Array;
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
  /** Messages sent per type, when `countByMessageType`. */
  private readonly typeCounts: Map<string, CounterCell> | null;
  /**
   * Called before a protocol handles a message or a timer, with the node and the incarnation the
   * message or timer was meant for (`luc torture` checks it is the node's current one). Null
   * costs one check per handler.
   */
  onHandle: ((node: NodeId, incarnation: number) => void) | null = null;
  /**
   * Called when a node's agent goes down or comes back (`agent` true), or its machine alone
   * (`agent` false: the agent was down already, or stays down), after the change (an event
   * trace records crashes and recoveries from it). Null costs one check per crash.
   */
  onUpChange: ((node: NodeId, up: boolean, agent: boolean, machine: boolean) => void) | null = null;

  constructor(private readonly options: SimRuntimeOptions) {
    const n = options.network.hostCount;
    this.sent = options.counters.cell('messages.sent');
    this.bytesSent = options.counters.cell('bytes.sent');
    this.lost = options.counters.cell('messages.lost');
    this.delivered = options.counters.cell('messages.delivered');
    options.counters.cell('nodes.crashes'); // 0 until a host goes down (metrics.csv holds it from time 0)
    options.counters.cell('nodes.recoveries');
    this.nodes = new Array(n);
    for (let id = 0; id < n; id++) this.nodes[id] = { protocols: NO_PROTOCOLS, contexts: [], up: false };
    this.incarnations = new Int32Array(n);
    this.machineDown = new Uint8Array(n);
    this.typeCounts = options.countByMessageType === true ? new Map() : null;
  }

  /** Messages sent per type, sorted by type (empty unless `countByMessageType`). */
  sentByType(): [string, number][] {
    if (this.typeCounts === null) return [];
    return [...this.typeCounts].map(([type, cell]): [string, number] => [type, cell.value]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
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

  /** How many times node `id` has been started or crashed: each start begins a new incarnation. */
  incarnationOf(id: NodeId): number {
    return this.incarnations[id];
  }

  /** The protocol `name` of node `id` (for metrics that read simulated state), if running. */
  protocolOf<P extends Protocol>(id: NodeId, name: string): P | undefined {
    const node = this.nodes[id];
    return node.up ? (node.protocols.get(name) as P | undefined) : undefined;
  }

  /**
   * Crash: timers and in-flight deliveries to this node die; the state is gone. `machine`
   * false: only the node's agent crashed, the machine (its VMs) runs on; true, also when the
   * agent is down already: the machine goes down too (`onHostUp`).
   */
  crashNode(id: NodeId, machine = true): void {
    const node = this.nodes[id];
    if (machine && this.machineDown[id] === 0) {
      this.machineDown[id] = 1;
      if (!node.up) {
        this.options.onHostUp?.(id, false);
        this.onUpChange?.(id, false, false, true);
      }
    }
    if (!node.up) return;
    node.up = false;
    this.incarnations[id]++;
    this.retireContexts(node);
    for (const receiversOfSlot of this.receivers) receiversOfSlot[id] = undefined;
    this.options.network.setHostUp(id, false);
    for (const protocol of node.protocols.values()) protocol.onStop?.();
    node.protocols = NO_PROTOCOLS;
    this.options.counters.count('nodes.crashes');
    if (this.machineDown[id] === 1) this.options.onHostUp?.(id, false);
    this.onUpChange?.(id, false, true, this.machineDown[id] === 1);
  }

  /** The machine of a node whose agent stays down comes back (empty). */
  machineUp(id: NodeId): void {
    if (this.machineDown[id] === 0) return;
    this.machineDown[id] = 0;
    this.options.onHostUp?.(id, true);
    if (!this.nodes[id].up) this.onUpChange?.(id, true, false, true);
  }

  /** Recover with fresh state (the machine too): the protocols are built anew and started. */
  recoverNode(id: NodeId): void {
    if (this.nodes[id].up) return this.machineUp(id);
    this.options.network.setHostUp(id, true);
    const machine = this.machineDown[id] === 1;
    if (machine) {
      this.machineDown[id] = 0;
      this.options.onHostUp?.(id, true);
    }
    this.startNode(id);
    this.options.counters.count('nodes.recoveries');
    this.onUpChange?.(id, true, true, machine);
  }

  private startNode(id: NodeId): void {
    const node = this.nodes[id];
    const incarnation = ++this.incarnations[id];
    this.retireContexts(node); // starting a node that runs replaces its incarnation
    node.up = true;
    node.protocols = this.options.stack((name) => this.contextFor(id, name, incarnation));
    for (const [name, protocol] of node.protocols) this.receivers[this.slotOf(name)][id] = protocol;
    for (const protocol of node.protocols.values()) {
      if (this.incarnations[id] !== incarnation) return; // crashed while starting
      protocol.onStart();
    }
  }

  /** The contexts of a node's current incarnation die: no more sends, and their timers never fire. */
  private retireContexts(node: SimNode): void {
    for (const ctx of node.contexts) ctx.alive = false;
    node.contexts = [];
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
    // A recovered node draws from a fresh stream, so it does not replay its previous life.
    const rng: Random = randomStream(seed, incarnation === 1 ? protocolName : `${protocolName}#${incarnation}`, id);
    const ctx = new SimNodeContext(
      this,
      sim,
      id,
      this.slotOf(protocolName),
      protocolName,
      incarnation,
      rng,
      counters,
      counters.cell(`${protocolName}.messages.sent`),
      counters.cell(`${protocolName}.bytes.sent`),
      this.options.hypervisorOf?.(id),
    );
    // Built during startNode: a crash from inside a start handler clears the list it joins.
    if (this.incarnations[id] === incarnation) this.nodes[id].contexts.push(ctx);
    else ctx.alive = false;
    return ctx;
  }

  /** A message from a live context onto the modelled network (called by `SimNodeContext.send`). */
  transmit(from: NodeId, to: NodeId, slot: number, protocolName: string, message: Message, sizeBytes: number): void {
    const { sim, network } = this.options;
    if (!(to >= 0 && to < this.nodes.length && Number.isInteger(to))) {
      throw new RangeError(`node ${from} (${protocolName}) sent ${message.type} to unknown node ${to}`);
    }
    this.sent.value++;
    this.bytesSent.value += sizeBytes;
    if (this.typeCounts !== null) {
      const cell = this.typeCounts.get(message.type);
      if (cell === undefined) this.typeCounts.set(message.type, { value: 1 });
      else cell.value++;
    }
    const delayUs = network.deliveryUs(from, to, sizeBytes);
    if (delayUs < 0) {
      this.lost.value++;
      return;
    }
    const delivery = this.deliveryPool.pop() ?? new Delivery(this.deliver);
    delivery.from = from;
    delivery.to = to;
    delivery.slot = slot;
    delivery.toIncarnation = this.nodes[to].up ? this.incarnations[to] : -1;
    delivery.message = message;
    sim.after(delayUs, delivery);
  }

  private readonly deliver = (delivery: Delivery): void => {
    const { from, to, slot, toIncarnation } = delivery;
    const message = delivery.message as Message;
    // Back to the pool before the handler runs: its own sends may reuse this very record.
    delivery.message = null;
    this.deliveryPool.push(delivery);
    const protocol = this.receivers[slot][to];
    // A message sent to a running incarnation dies with it, even if the node is back by arrival.
    if (protocol === undefined || (toIncarnation >= 0 && toIncarnation !== this.incarnations[to])) {
      this.lost.value++;
      return;
    }
    this.delivered.value++;
    if (this.onHandle !== null && toIncarnation >= 0) this.onHandle(to, toIncarnation);
    protocol.onMessage(from, message);
  };

  /** The introducers of node `id`, drawn once per incarnation from their own stream. */
  drawBootstrap(id: NodeId): NodeId[] {
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

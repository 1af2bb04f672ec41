import { buildAdjacency, DijkstraScratch, shortestPathsFrom, type Adjacency } from './graph.js';
import { DEFAULT_ONE_WAY, oneWayLatencies, type OneWayLatencies } from './one-way-latency.js';
import type { Backbone, RttMatrix } from './types.js';
import type { LinkLoss } from './link-loss.js';

/**
 * What the simulated runtime asks of the modelled network: where hosts are, whether they are
 * up, and how long a message takes from one host to another in the network's current state.
 */
export interface NetworkModel {
  readonly hostCount: number;
  /** One-way delivery time of `sizeBytes` from host a to host b, in whole us; -1 if no path. */
  deliveryUs(a: number, b: number, sizeBytes: number): number;
  /** One-way propagation latency in whole us (the ground truth RTT is twice this); -1 if no path. */
  latencyUs(a: number, b: number): number;
  /**
   * Whether the latencies between a and b are ground truth: false for a pair a measured matrix
   * lacks, whose delays are fills for delivery only. Scores leave such pairs out.
   */
  isMeasuredPair(a: number, b: number): boolean;
  isHostUp(host: number): boolean;
  setHostUp(host: number, up: boolean): void;
  /** Label of a host for results: `<pop>/<k>`, or the matrix row label. */
  hostName(host: number): string;
}

export interface BackboneNetworkOptions {
  /** Hosts in each PoP (array indexed like backbone.pops; 0 is allowed). */
  hostsPerPop: readonly number[];
  /** Latency between two hosts of one PoP, and from a host to its PoP's router and back. */
  intraPopLatencyUs: number;
  nicBandwidthBps: number;
  /** Budget for cached shortest-path rows (each is 4 bytes per PoP). */
  pathCacheBytesMax: number;
}

/** Rows hold whole microseconds; the largest value of the row's type marks "unreachable". */
type RowBlock = Uint16Array | Uint32Array;
const NARROW_UNREACHABLE = 0xffff;
const WIDE_UNREACHABLE = 0xffffffff;
/** Cached rows are stored this many to a block: few blocks, so finding one stays in cache. */
const ROWS_PER_BLOCK_LOG2 = 6;
const ROWS_PER_BLOCK = 1 << ROWS_PER_BLOCK_LOG2;

/**
 * Hosts in PoPs joined by a backbone. End-to-end latency = shortest path over the links that
 * are up and the PoPs that are up, plus the intra-PoP latency. Shortest-path rows are computed
 * on demand (one Dijkstra per source PoP) and cached under a byte budget, least recently used
 * out first; no all-pairs matrix is built. Any change of link or PoP state flushes the cache.
 * Rows are 16-bit while every path is shorter than 65.535 ms (a national backbone: half the
 * memory and cache traffic), and switch to 32-bit for good the first time one is not.
 *
 * At thousands of PoPs the rows are far larger than the CPU caches and almost every lookup is
 * a cache miss, so the layout keeps the misses down: cached rows sit in slots of a few large
 * blocks (a lookup reads a slot number and one element, no per-row object to chase), and the
 * row of the smaller PoP of a pair is asked first, so that a reply reads the very element its
 * request just brought into the cache.
 */
export class BackboneNetwork implements NetworkModel {
  readonly hostCount: number;
  readonly hostPop: Int32Array;
  private readonly hostFirst: Int32Array;
  private readonly hostUp: Uint8Array;
  /** A link or PoP is usable when its count of reasons to be down is zero. */
  private readonly linkDownCount: Int32Array;
  private readonly popDownCount: Int32Array;
  private adjacency: Adjacency | null = null;
  private readonly popCount: number;
  /** Slot of the cached row of each source PoP, -1 when not cached. */
  private readonly rowSlot: Int32Array;
  /** Source PoP of each used slot, and its access stamp (LRU eviction). */
  private readonly slotSource: Int32Array;
  private readonly slotUsedAt: Float64Array;
  private slotsUsed = 0;
  /** Row storage: slot s is row (s mod ROWS_PER_BLOCK) of block (s / ROWS_PER_BLOCK), allocated as needed. */
  private blocks: RowBlock[] = [];
  private wideRows = false;
  private accessClock = 0;
  private readonly rowsMax: number;
  private readonly scratchDist: Float64Array;
  private readonly scratch = new DijkstraScratch();
  private readonly transmitUsPerByte: number;
  /** Number of Dijkstra runs so far (for benchmarks and tests of the cache). */
  pathComputations = 0;
  /** Windows of message loss on links (`message-loss` faults); null while a run has none. */
  private loss: LinkLoss | null = null;

  constructor(
    readonly backbone: Backbone,
    private readonly options: BackboneNetworkOptions,
  ) {
    const popCount = backbone.pops.length;
    if (options.hostsPerPop.length !== popCount) {
      throw new RangeError(`hostsPerPop has ${options.hostsPerPop.length} entries for ${popCount} PoPs`);
    }
    let hosts = 0;
    this.hostFirst = new Int32Array(popCount + 1);
    for (let p = 0; p < popCount; p++) {
      const k = options.hostsPerPop[p];
      if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`hostsPerPop[${p}] = ${k} is not an integer >= 0`);
      this.hostFirst[p] = hosts;
      hosts += k;
    }
    this.hostFirst[popCount] = hosts;
    this.hostCount = hosts;
    this.hostPop = new Int32Array(hosts);
    for (let p = 0; p < popCount; p++) this.hostPop.fill(p, this.hostFirst[p], this.hostFirst[p + 1]);
    this.hostUp = new Uint8Array(hosts).fill(1);
    this.linkDownCount = new Int32Array(backbone.links.length);
    this.popDownCount = new Int32Array(popCount);
    this.popCount = popCount;
    // Budgeted for 32-bit rows, so the cache never outgrows its budget after a switch.
    this.rowsMax = Math.min(popCount, Math.max(1, Math.floor(options.pathCacheBytesMax / (4 * Math.max(1, popCount)))));
    this.rowSlot = new Int32Array(popCount).fill(-1);
    this.slotSource = new Int32Array(this.rowsMax);
    this.slotUsedAt = new Float64Array(this.rowsMax);
    this.scratchDist = new Float64Array(popCount);
    this.transmitUsPerByte = 8e6 / options.nicBandwidthBps;
  }

  /** Each host's NIC, bits/s (messages pay size / this; bulk transfers share it). */
  get nicBandwidthBps(): number {
    return this.options.nicBandwidthBps;
  }

  hostName(host: number): string {
    const pop = this.hostPop[host];
    return `${this.backbone.pops[pop].name}/${host - this.hostFirst[pop]}`;
  }

  /** Hosts of PoP `pop`, as the range [first, end). */
  hostsOf(pop: number): [number, number] {
    return [this.hostFirst[pop], this.hostFirst[pop + 1]];
  }

  isHostUp(host: number): boolean {
    return this.hostUp[host] === 1 && this.popDownCount[this.hostPop[host]] === 0;
  }

  setHostUp(host: number, up: boolean): void {
    this.hostUp[host] = up ? 1 : 0;
  }

  isLinkUp(link: number): boolean {
    return this.linkDownCount[link] === 0;
  }

  isPopUp(pop: number): boolean {
    return this.popDownCount[pop] === 0;
  }

  /** Add (down = true) or remove one reason for a link to be down. Overlapping faults stack. */
  markLinkDown(link: number, down: boolean): void {
    const before = this.linkDownCount[link];
    const after = before + (down ? 1 : -1);
    if (after < 0) throw new RangeError(`link ${link} brought up more often than it went down`);
    this.linkDownCount[link] = after;
    if ((before === 0) !== (after === 0)) this.invalidatePaths();
  }

  /** A crashed PoP neither hosts nor forwards: its hosts are down and no path crosses it. */
  markPopDown(pop: number, down: boolean): void {
    const before = this.popDownCount[pop];
    const after = before + (down ? 1 : -1);
    if (after < 0) throw new RangeError(`PoP ${pop} recovered more often than it crashed`);
    this.popDownCount[pop] = after;
    if ((before === 0) !== (after === 0)) this.invalidatePaths();
  }

  latencyUs(a: number, b: number): number {
    if (a === b) return 0;
    const pa = this.hostPop[a];
    const pb = this.hostPop[b];
    if (pa === pb) return this.popDownCount[pa] === 0 ? this.options.intraPopLatencyUs : -1;
    const path = this.popLatencyUs(pa, pb);
    return path < 0 ? -1 : path + this.options.intraPopLatencyUs;
  }

  isMeasuredPair(): boolean {
    return true;
  }

  deliveryUs(a: number, b: number, sizeBytes: number): number {
    const latency = this.latencyUs(a, b);
    if (latency < 0) return -1;
    const loss = this.loss;
    if (loss !== null && loss.active && this.hostPop[a] !== this.hostPop[b] && loss.drops(this.hostPop[a], this.hostPop[b], this.routeOf)) return -1;
    return latency + Math.round(sizeBytes * this.transmitUsPerByte);
  }

  /** Attach the loss windows of a run's `message-loss` faults (once: the injector owns them). */
  attachLoss(loss: LinkLoss): void {
    if (this.loss !== null) throw new Error('BackboneNetwork.attachLoss: loss windows already attached');
    this.loss = loss;
  }

  private readonly routeOf = (pa: number, pb: number): number[] | null => this.pathLinks(pa, pb);

  /** Shortest one-way latency between two PoPs over what is up; -1 when none. */
  popLatencyUs(pa: number, pb: number): number {
    // Paths are symmetric: a cached row of either end answers, the smaller PoP's first.
    let source = pa < pb ? pa : pb;
    let target = pa < pb ? pb : pa;
    let slot = this.rowSlot[source];
    if (slot < 0) {
      slot = this.rowSlot[target];
      if (slot >= 0) {
        target = source;
        source = this.slotSource[slot];
      } else {
        slot = this.computeRow(source);
      }
    }
    this.slotUsedAt[slot] = ++this.accessClock;
    const d = this.blocks[slot >> ROWS_PER_BLOCK_LOG2][(slot & (ROWS_PER_BLOCK - 1)) * this.popCount + target];
    return d === (this.wideRows ? WIDE_UNREACHABLE : NARROW_UNREACHABLE) ? -1 : d;
  }

  /**
   * The backbone links of the shortest path from PoP `pa` to PoP `pb` over what is up, in order
   * (empty within one PoP), or null when there is none. For bulk transfers, which share the
   * capacity of every link they cross. Ties between equal paths go to the neighbour met first in
   * the adjacency (link order of the source file): deterministic.
   */
  pathLinks(pa: number, pb: number): number[] | null {
    if (this.popDownCount[pa] !== 0 || this.popDownCount[pb] !== 0) return null;
    if (pa === pb) return [];
    if (this.adjacency === null) this.adjacency = this.buildUsableAdjacency();
    const adj = this.adjacency;
    // Distances to pb (paths are symmetric), then walk from pa along edges that stay on a shortest path.
    const toTarget = new Float64Array(this.popCount);
    shortestPathsFrom(adj, pb, toTarget, this.scratch);
    if (toTarget[pa] === Infinity) return null;
    const links: number[] = [];
    for (let u = pa; u !== pb; ) {
      let next = -1;
      for (let k = adj.offsets[u], end = adj.offsets[u + 1]; k < end; k++) {
        const v = adj.targets[k];
        if (this.popDownCount[v] === 0 && adj.weightsUs[k] + toTarget[v] === toTarget[u]) {
          links.push(adj.linkIds[k]);
          next = v;
          break;
        }
      }
      if (next < 0) throw new Error(`BackboneNetwork.pathLinks: no shortest-path edge out of PoP ${u} toward ${pb}`);
      u = next;
    }
    return links;
  }

  /** Compute the row of `source` into a free (or the least recently used) slot; returns the slot. */
  private computeRow(source: number): number {
    if (this.adjacency === null) this.adjacency = this.buildUsableAdjacency();
    const n = this.popCount;
    const dist = this.scratchDist;
    if (this.popDownCount[source] !== 0) {
      dist.fill(Infinity);
    } else {
      shortestPathsFrom(this.adjacency, source, dist, this.scratch);
    }
    this.pathComputations++;
    if (!this.wideRows) {
      for (let v = 0; v < n; v++) {
        if (dist[v] !== Infinity && dist[v] >= NARROW_UNREACHABLE) {
          this.wideRows = true;
          this.blocks = [];
          this.flushRows();
          break;
        }
      }
    }
    const slot = this.slotsUsed < this.rowsMax ? this.slotsUsed++ : this.evictLeastRecentlyUsed();
    const block = this.blockOf(slot);
    const unreachable = this.wideRows ? WIDE_UNREACHABLE : NARROW_UNREACHABLE;
    const offset = (slot & (ROWS_PER_BLOCK - 1)) * n;
    for (let v = 0; v < n; v++) {
      const d = dist[v];
      block[offset + v] = d === Infinity || this.popDownCount[v] !== 0 ? unreachable : d;
    }
    this.rowSlot[source] = slot;
    this.slotSource[slot] = source;
    return slot;
  }

  /** The block holding `slot`, allocated on first use (the last one only as large as the budget allows). */
  private blockOf(slot: number): RowBlock {
    const index = slot >> ROWS_PER_BLOCK_LOG2;
    let block = this.blocks[index];
    if (block === undefined) {
      const rows = Math.min(ROWS_PER_BLOCK, this.rowsMax - index * ROWS_PER_BLOCK);
      block = this.wideRows ? new Uint32Array(rows * this.popCount) : new Uint16Array(rows * this.popCount);
      this.blocks[index] = block;
    }
    return block;
  }

  /** Free the least recently used slot and return it (a scan, but only on eviction). */
  private evictLeastRecentlyUsed(): number {
    let oldest = 0;
    for (let s = 1; s < this.slotsUsed; s++) if (this.slotUsedAt[s] < this.slotUsedAt[oldest]) oldest = s;
    this.rowSlot[this.slotSource[oldest]] = -1;
    return oldest;
  }

  private buildUsableAdjacency(): Adjacency {
    const links = this.backbone.links;
    const usable = new Uint8Array(links.length);
    for (let i = 0; i < links.length; i++) {
      const { a, b } = links[i];
      usable[i] = this.linkDownCount[i] === 0 && this.popDownCount[a] === 0 && this.popDownCount[b] === 0 ? 1 : 0;
    }
    return buildAdjacency(this.backbone.pops.length, links, usable);
  }

  /** Forget every cached row (their storage is kept for the next ones). */
  private flushRows(): void {
    this.rowSlot.fill(-1);
    this.slotsUsed = 0;
  }

  private invalidatePaths(): void {
    this.adjacency = null;
    this.loss?.pathsChanged();
    this.flushRows();
  }
}

/**
 * One host per row of a measured RTT matrix: a message from a to b takes the one-way delay of
 * `one-way-latency.ts` (half the RTT a measured, or a fill for an unmeasured pair), in whole
 * microseconds. There are no links to fail.
 */
export class MatrixNetwork implements NetworkModel {
  readonly hostCount: number;
  private readonly hostUp: Uint8Array;
  private readonly transmitUsPerByte: number;
  private readonly oneWayUs: Float64Array;
  private readonly measured: Uint8Array | null;

  constructor(
    readonly matrix: RttMatrix,
    nicBandwidthBps: number,
    latencies: OneWayLatencies = oneWayLatencies(matrix, DEFAULT_ONE_WAY, matrix.name),
  ) {
    if (latencies.n !== matrix.n) throw new RangeError(`one-way latencies for ${latencies.n} hosts, matrix of ${matrix.n}`);
    this.hostCount = matrix.n;
    this.hostUp = new Uint8Array(matrix.n).fill(1);
    this.transmitUsPerByte = 8e6 / nicBandwidthBps;
    this.oneWayUs = latencies.oneWayUs;
    this.measured = latencies.measured;
  }

  hostName(host: number): string {
    return this.matrix.labels[host] ?? String(host);
  }

  isHostUp(host: number): boolean {
    return this.hostUp[host] === 1;
  }

  setHostUp(host: number, up: boolean): void {
    this.hostUp[host] = up ? 1 : 0;
  }

  latencyUs(a: number, b: number): number {
    return this.oneWayUs[a * this.matrix.n + b];
  }

  isMeasuredPair(a: number, b: number): boolean {
    return this.measured === null || this.measured[a * this.matrix.n + b] === 1;
  }

  deliveryUs(a: number, b: number, sizeBytes: number): number {
    return this.latencyUs(a, b) + Math.round(sizeBytes * this.transmitUsPerByte);
  }
}

import { buildAdjacency, DijkstraScratch, shortestPathsFrom, type Adjacency } from './graph.js';
import type { Backbone, RttMatrix } from './types.js';

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
type PathRow = Uint16Array | Uint32Array;
const NARROW_UNREACHABLE = 0xffff;
const WIDE_UNREACHABLE = 0xffffffff;

/**
 * Hosts in PoPs joined by a backbone. End-to-end latency = shortest path over the links that
 * are up and the PoPs that are up, plus the intra-PoP latency. Shortest-path rows are computed
 * on demand (one Dijkstra per source PoP) and cached under a byte budget, least recently used
 * out first; no all-pairs matrix is built. Any change of link or PoP state flushes the cache.
 * Rows are 16-bit while every path is shorter than 65.535 ms (a national backbone: half the
 * memory and cache traffic), and switch to 32-bit for good the first time one is not.
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
  /** Cached shortest-path rows by source PoP, with the access stamp that drives LRU eviction. */
  private readonly rows: (PathRow | null)[];
  private wideRows = false;
  private readonly rowUsedAt: Float64Array;
  private rowCount = 0;
  private accessClock = 0;
  private readonly rowsMax: number;
  private readonly scratchDist: Float64Array;
  private readonly scratch = new DijkstraScratch();
  private readonly transmitUsPerByte: number;
  /** Number of Dijkstra runs so far (for benchmarks and tests of the cache). */
  pathComputations = 0;

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
    this.rows = new Array<PathRow | null>(popCount).fill(null);
    this.rowUsedAt = new Float64Array(popCount);
    // Budgeted for 32-bit rows, so the cache never outgrows its budget after a switch.
    this.rowsMax = Math.max(1, Math.floor(options.pathCacheBytesMax / (4 * Math.max(1, popCount))));
    this.scratchDist = new Float64Array(popCount);
    this.transmitUsPerByte = 8e6 / options.nicBandwidthBps;
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

  deliveryUs(a: number, b: number, sizeBytes: number): number {
    const latency = this.latencyUs(a, b);
    if (latency < 0) return -1;
    return latency + Math.round(sizeBytes * this.transmitUsPerByte);
  }

  /** Shortest one-way latency between two PoPs over what is up; -1 when none. */
  popLatencyUs(pa: number, pb: number): number {
    // Paths are symmetric: a cached row of either end answers.
    let source = pa;
    let row = this.rows[pa];
    if (row === null) {
      source = pb;
      row = this.rows[pb];
    }
    if (row === null) {
      source = pa;
      row = this.computeRow(pa);
    }
    this.rowUsedAt[source] = ++this.accessClock;
    const d = row[source === pa ? pb : pa];
    return d === (this.wideRows ? WIDE_UNREACHABLE : NARROW_UNREACHABLE) ? -1 : d;
  }

  private computeRow(source: number): PathRow {
    if (this.adjacency === null) this.adjacency = this.buildUsableAdjacency();
    const dist = this.scratchDist;
    if (this.popDownCount[source] !== 0) {
      dist.fill(Infinity);
    } else {
      shortestPathsFrom(this.adjacency, source, dist, this.scratch);
    }
    this.pathComputations++;
    if (!this.wideRows) {
      for (let v = 0; v < dist.length; v++) {
        if (dist[v] !== Infinity && dist[v] >= NARROW_UNREACHABLE) {
          this.wideRows = true;
          this.rows.fill(null);
          this.rowCount = 0;
          break;
        }
      }
    }
    const unreachable = this.wideRows ? WIDE_UNREACHABLE : NARROW_UNREACHABLE;
    const row = this.rowCount >= this.rowsMax ? this.evictLeastRecentlyUsed() : this.wideRows ? new Uint32Array(dist.length) : new Uint16Array(dist.length);
    for (let v = 0; v < dist.length; v++) {
      const d = dist[v];
      row[v] = d === Infinity || this.popDownCount[v] !== 0 ? unreachable : d;
    }
    this.rows[source] = row;
    this.rowCount++;
    return row;
  }

  /** Drop the least recently used row and return its storage for reuse (a scan, but only on eviction). */
  private evictLeastRecentlyUsed(): PathRow {
    let oldest = -1;
    for (let p = 0; p < this.rows.length; p++) {
      if (this.rows[p] !== null && (oldest < 0 || this.rowUsedAt[p] < this.rowUsedAt[oldest])) oldest = p;
    }
    const row = this.rows[oldest] as PathRow;
    this.rows[oldest] = null;
    this.rowCount--;
    return row;
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

  private invalidatePaths(): void {
    this.adjacency = null;
    this.rows.fill(null);
    this.rowCount = 0;
  }
}

/**
 * One host per row of a measured RTT matrix: the one-way latency between two hosts is half
 * their measured RTT, rounded to whole microseconds. There are no links to fail.
 */
export class MatrixNetwork implements NetworkModel {
  readonly hostCount: number;
  private readonly hostUp: Uint8Array;
  private readonly transmitUsPerByte: number;

  constructor(
    readonly matrix: RttMatrix,
    nicBandwidthBps: number,
  ) {
    this.hostCount = matrix.n;
    this.hostUp = new Uint8Array(matrix.n).fill(1);
    this.transmitUsPerByte = 8e6 / nicBandwidthBps;
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
    return Math.round(this.matrix.rttUs[a * this.matrix.n + b] / 2);
  }

  deliveryUs(a: number, b: number, sizeBytes: number): number {
    return this.latencyUs(a, b) + Math.round(sizeBytes * this.transmitUsPerByte);
  }
}

/**
 * The modelled world, as plain data. Indices are dense (0..n-1) and stable for a given input,
 * so that results are reproducible and arrays can replace maps on hot paths.
 */

export interface Pop {
  /** Label from the source (GraphML label, matrix row name, generated name). */
  readonly name: string;
  /** Degrees; NaN when the source has no coordinates for this PoP. */
  readonly latitude: number;
  readonly longitude: number;
  /** ISO-ish country name or code from the source; '' when unknown. */
  readonly country: string;
}

export interface Link {
  /** PoP indices, a < b not required. Links are bidirectional and symmetric. */
  readonly a: number;
  readonly b: number;
  /** One-way propagation latency in whole microseconds (>= 1). */
  readonly latencyUs: number;
  readonly bandwidthBps: number;
}

/** A backbone: PoPs joined by links. Latencies already resolved (geography or explicit). */
export interface Backbone {
  readonly name: string;
  readonly pops: readonly Pop[];
  readonly links: readonly Link[];
}

/**
 * A measured RTT matrix: rttUs[i * n + j] is the RTT row i measured to column j, in
 * microseconds (not always equal to rttUs[j * n + i]); NaN where the file has no measurement;
 * zero diagonal.
 */
export interface RttMatrix {
  readonly name: string;
  readonly n: number;
  readonly labels: readonly string[];
  readonly rttUs: Float64Array;
}

/** A raw graph as read from a file, before latencies are resolved. */
export interface RawGraph {
  readonly name: string;
  readonly nodes: readonly RawNode[];
  readonly edges: readonly RawEdge[];
}

export interface RawNode {
  readonly id: string;
  readonly label: string;
  readonly latitude: number; // NaN when absent
  readonly longitude: number; // NaN when absent
  readonly country: string;
  /** Topology Zoo's Internal flag: false for virtual nodes (exchanges, "the Internet"). */
  readonly internal: boolean;
}

export interface RawEdge {
  readonly source: number; // index into nodes
  readonly target: number;
  /** Capacity as the file states it, bit/s; NaN when absent. */
  readonly capacityBps: number;
  readonly label: string;
}

/** Errors in topology input files: the file, the field and what was expected. */
export class TopologyError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
    readonly found?: string,
  ) {
    super(`${file}: ${field}: expected ${expected}${found === undefined ? '' : `, found ${found}`}`);
    this.name = 'TopologyError';
  }
}

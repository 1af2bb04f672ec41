import { TopologyError, type RttMatrix } from './types.js';

/**
 * From a measured RTT matrix to the one-way delay of every message, in whole microseconds.
 *
 * A measured RTT(i, j) is a round trip i -> j -> i seen by i; RTT(j, i) is the same loop seen by
 * j at another time. Without one-way measurements the split of a loop between its two
 * directions is unknown, so a message from i to j takes half of what its sender measured:
 * oneWay(i, j) = RTT(i, j) / 2. Each measured value stays in the world, nothing is invented, and
 * a ping i -> j -> i then takes (RTT(i, j) + RTT(j, i)) / 2, the mean of the two measurements of
 * that loop. `symmetrize` replaces both directions by the mean, min or max of the two first.
 * When only one direction was measured, it is the pair's RTT both ways (it measured the loop).
 *
 * A pair measured in neither direction is filled for message delivery only (it has no ground
 * truth, and `measured` tells scores to leave it out): `shortest-path` takes the shortest chain
 * of measured one-way delays, as traffic relayed through measured hosts would; a pair with no
 * such chain is an error (the measured pairs leave the matrix in parts).
 */
export type Symmetrize = 'none' | 'mean' | 'min' | 'max';
export type FillRule = 'shortest-path';

export interface OneWayOptions {
  readonly symmetrize: Symmetrize;
  readonly fill: FillRule;
}

export const DEFAULT_ONE_WAY: OneWayOptions = { symmetrize: 'none', fill: 'shortest-path' };

export interface OneWayLatencies {
  readonly n: number;
  /** A message from i to j takes oneWayUs[i * n + j] (whole microseconds; 0 on the diagonal). */
  readonly oneWayUs: Float64Array;
  /** 1 where the pair was measured (either direction), 0 where its delays are fills; null when every pair was. */
  readonly measured: Uint8Array | null;
}

/** `file` names the matrix in errors (a pair that cannot be filled). */
export function oneWayLatencies(matrix: RttMatrix, options: OneWayOptions, file: string): OneWayLatencies {
  const { n, rttUs } = matrix;
  const oneWayUs = new Float64Array(n * n);
  const measured = new Uint8Array(n * n);
  let holes = 0;
  for (let i = 0; i < n; i++) {
    measured[i * n + i] = 1;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const pairRttUs = pairRtt(rttUs[i * n + j], rttUs[j * n + i], options.symmetrize);
      if (Number.isNaN(pairRttUs)) {
        holes++;
        continue;
      }
      measured[i * n + j] = 1;
      oneWayUs[i * n + j] = Math.round(pairRttUs / 2);
    }
  }
  if (holes === 0) return { n, oneWayUs, measured: null };
  fillShortestPaths(n, oneWayUs, measured, file);
  return { n, oneWayUs, measured };
}

/** The RTT a message from i to j is half of: `ij` as i measured it, `ji` as j did (NaN: not measured). */
function pairRtt(ij: number, ji: number, symmetrize: Symmetrize): number {
  if (Number.isNaN(ij)) return ji;
  if (Number.isNaN(ji)) return ij;
  switch (symmetrize) {
    case 'none':
      return ij;
    case 'mean':
      return (ij + ji) / 2;
    case 'min':
      return Math.min(ij, ji);
    case 'max':
      return Math.max(ij, ji);
  }
}

/**
 * Fills the unmeasured cells of each row with the shortest path over measured one-way delays:
 * one dense Dijkstra (O(n^2), no heap: the graph is nearly complete) per row that has a hole.
 * Delays are whole microseconds, so the sums are exact and ties cannot depend on rounding.
 */
function fillShortestPaths(n: number, oneWayUs: Float64Array, measured: Uint8Array, file: string): void {
  const dist = new Float64Array(n);
  const done = new Uint8Array(n);
  for (let source = 0; source < n; source++) {
    const row = source * n;
    if (measured.subarray(row, row + n).every((m) => m === 1)) continue;
    dist.fill(Infinity);
    done.fill(0);
    dist[source] = 0;
    for (let step = 0; step < n; step++) {
      let u = -1;
      for (let v = 0; v < n; v++) if (done[v] === 0 && (u < 0 || dist[v] < dist[u])) u = v;
      if (dist[u] === Infinity) break;
      done[u] = 1;
      const base = u * n;
      for (let v = 0; v < n; v++) {
        if (measured[base + v] === 0 || done[v] === 1) continue;
        const through = dist[u] + oneWayUs[base + v];
        if (through < dist[v]) dist[v] = through;
      }
    }
    for (let j = 0; j < n; j++) {
      if (measured[row + j] === 1) continue;
      if (dist[j] === Infinity) {
        throw new TopologyError(
          file,
          `row ${source + 1}, column ${j + 1}`,
          'a chain of measured pairs between them to fill the missing RTT (fill: shortest-path)',
          'none: the measured pairs split the matrix in parts',
        );
      }
      oneWayUs[row + j] = dist[j];
    }
  }
}

/**
 * The matrix whose halves are the delays of `latencies` (RTT'(i, j) = 2 oneWay(i, j), no hole):
 * what a reader that halves an RTT matrix, as the live latency shim does, needs to delay each
 * message exactly as the simulation does.
 */
export function deliveryRttMatrix(matrix: RttMatrix, latencies: OneWayLatencies): RttMatrix {
  return { ...matrix, rttUs: latencies.oneWayUs.map((us) => 2 * us) };
}

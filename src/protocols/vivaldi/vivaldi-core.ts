/**
 * Vivaldi's pure core (Dabek, Cox, Kaashoek, Morris, SIGCOMM 2004): a coordinate is a Euclidean
 * vector plus a height; one RTT sample from a peer moves the local coordinate along the spring
 * between the two. No state lives here: `vivaldiUpdate` returns a new state.
 */
import type { Random } from '../../runtime/context.js';

/**
 * A point of the latency space: `vec` (ms per axis, any dimension) and a height (ms). Plain
 * arrays, never mutated once made: messages carry them as they are (no copy per ping), and
 * they are cheap to allocate, which matters at millions of updates per run.
 */
export interface Coordinate {
  readonly vec: readonly number[];
  readonly heightMs: number;
}

/** What a node believes about itself: its coordinate and its relative error estimate. */
export interface VivaldiState {
  readonly coord: Coordinate;
  /** Moving average of the relative error of this node's predictions, in (0, errorMax]. */
  readonly error: number;
}

/** One measurement from peer j: its advertised coordinate and error, and the (filtered) RTT. */
export interface VivaldiSample {
  readonly coord: Coordinate;
  readonly error: number;
  readonly rttMs: number;
}

export interface VivaldiParams {
  /** Timestep constant of the coordinate move (published: 0.25). */
  readonly cc: number;
  /** Weight of a new sample in the error average (published: 0.25). */
  readonly ce: number;
  /** Error estimates are capped here (Serf: 1.5), so one wild sample cannot freeze a node. */
  readonly errorMax: number;
  /** Heights never fall below this (Serf: 10 us); 0 disables heights when `useHeight` is off. */
  readonly heightMinMs: number;
  /** Without heights the model is the plain Euclidean one. */
  readonly useHeight: boolean;
  /**
   * Gravity (Ledlie et al., NSDI 2007): a pull of (||x|| / rho)^2 ms towards the origin per
   * update, which stops the whole cloud from drifting. 0 disables it.
   */
  readonly gravityRhoMs: number;
  /**
   * Relative force: the timestep is scaled by forceReferenceMs / rtt, so a spring pulls in
   * proportion to its relative error rather than its absolute one (a 2 ms error on a 4 ms link
   * matters as much as 50 ms on a 100 ms link, as the relative-error metric counts it). 0 keeps
   * the published absolute force.
   */
  readonly forceReferenceMs: number;
  /** Cap of the timestep factor (cc * w * scale); keeps short links from overshooting (< 1). */
  readonly timestepMax: number;
}

/** Below this many ms two vectors count as coincident (their difference has no direction). */
const COINCIDENT_MS = 1e-9;

export function originCoordinate(dimensions: number, heightMinMs: number): Coordinate {
  if (!(dimensions >= 1 && Number.isInteger(dimensions))) throw new RangeError(`dimensions must be an integer >= 1, got ${dimensions}`);
  return { vec: new Array<number>(dimensions).fill(0), heightMs: heightMinMs };
}

export function vectorDistanceMs(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`coordinates of ${a.length} and ${b.length} dimensions`);
  let sum = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k] - b[k];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Predicted RTT: ||xi - xj|| + hi + hj. */
export function distanceMs(a: Coordinate, b: Coordinate): number {
  return vectorDistanceMs(a.vec, b.vec) + a.heightMs + b.heightMs;
}

/** A uniformly random direction in `dimensions` dimensions (normal deviates, normalised). */
export function randomUnitVector(dimensions: number, rng: Random): number[] {
  const u = new Array<number>(dimensions).fill(0);
  let norm = 0;
  while (norm < 1e-12) {
    norm = 0;
    for (let k = 0; k < dimensions; k++) {
      u[k] = rng.normal();
      norm += u[k] * u[k];
    }
    norm = Math.sqrt(norm);
  }
  for (let k = 0; k < dimensions; k++) u[k] /= norm;
  return u;
}

/**
 * The published update for one sample from node j:
 *   w = ei / (ei + ej); es = |dist - rtt| / rtt; ei = es*ce*w + ei*(1 - ce*w);
 *   delta = cc*w; xi += delta * (rtt - dist) * u(xi - xj)
 * with height vectors: [xi,hi] - [xj,hj] = [xi - xj, hi + hj] and ||[x,h]|| = ||x|| + h, so the
 * height takes its share (hi + hj) / dist of the move. When the vectors coincide the direction
 * is a random unit vector (and the whole move goes to the vector: otherwise nodes that all start
 * at the origin would only ever grow their heights).
 */
export function vivaldiUpdate(state: VivaldiState, sample: VivaldiSample, params: VivaldiParams, rng: Random): VivaldiState {
  const { rttMs } = sample;
  if (!(rttMs > 0 && Number.isFinite(rttMs))) throw new RangeError(`vivaldiUpdate: rttMs must be > 0, got ${rttMs}`);
  const xi = state.coord.vec;
  const xj = sample.coord.vec;
  const hi = params.useHeight ? state.coord.heightMs : 0;
  const hj = params.useHeight ? sample.coord.heightMs : 0;
  const vecDistMs = vectorDistanceMs(xi, xj);
  const distMs = vecDistMs + hi + hj;

  const errorSum = state.error + sample.error;
  const w = errorSum > 0 ? state.error / errorSum : 0.5;
  const es = Math.abs(distMs - rttMs) / rttMs;
  const error = Math.min(params.errorMax, es * params.ce * w + state.error * (1 - params.ce * w));

  const scale = params.forceReferenceMs > 0 ? params.forceReferenceMs / rttMs : 1;
  const stepMs = Math.min(params.timestepMax, params.cc * w * scale) * (rttMs - distMs);
  // Allocated at its final length: pushing onto [] would reserve room for 17 numbers.
  const vec = new Array<number>(xi.length);
  let heightMs = hi;
  if (vecDistMs < COINCIDENT_MS) {
    const u = randomUnitVector(xi.length, rng);
    for (let k = 0; k < xi.length; k++) vec[k] = xi[k] + stepMs * u[k];
  } else {
    for (let k = 0; k < xi.length; k++) vec[k] = xi[k] + (stepMs * (xi[k] - xj[k])) / distMs;
    if (params.useHeight) heightMs = hi + (stepMs * (hi + hj)) / distMs;
  }
  if (params.gravityRhoMs > 0) applyGravity(vec, params.gravityRhoMs);
  heightMs = params.useHeight ? Math.max(params.heightMinMs, heightMs) : 0;
  return { coord: { vec, heightMs }, error };
}

/** Pull `vec` towards the origin by (||vec|| / rho)^2 ms, in place (vec is freshly allocated). */
function applyGravity(vec: number[], rhoMs: number): void {
  let norm = 0;
  for (let k = 0; k < vec.length; k++) norm += vec[k] * vec[k];
  norm = Math.sqrt(norm);
  if (norm < COINCIDENT_MS) return;
  const pullMs = Math.min(norm, (norm / rhoMs) ** 2);
  for (let k = 0; k < vec.length; k++) vec[k] -= (pullMs * vec[k]) / norm;
}

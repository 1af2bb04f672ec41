/**
 * Chord's ring arithmetic, pure: identifiers are integers in [0, 2^bits), bits <= 32, held in
 * plain numbers (exact in doubles). Intervals go clockwise and wrap around; an interval whose
 * two ends are equal is the whole ring (Chord's convention: a node alone owns every key).
 */
import type { NodeId } from '../../runtime/context.js';

export const ID_BITS_MAX = 32;

export function ringSize(bits: number): number {
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= ID_BITS_MAX)) throw new RangeError(`ring bits must be an integer in [1, 32], got ${bits}`);
  return 2 ** bits;
}

/**
 * A node's ring identifier: murmur3's 32-bit finaliser of the node id (a bijection on 32 bits,
 * so with bits = 32 no two nodes ever share an identifier), keeping the top `bits` bits.
 * Deterministic: any node, and the metrics, can compute any peer's identifier.
 */
export function chordRingId(node: NodeId, bits: number): number {
  let h = (node + 0x9e3779b9) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return bits === 32 ? h >>> 0 : (h >>> 0) >>> (32 - bits);
}

/** Clockwise distance from a to b, in [0, size). */
export function ringDistance(a: number, b: number, size: number): number {
  return b >= a ? b - a : b - a + size;
}

/** x in (a, b] clockwise; (a, a] is the whole ring. */
export function inOpenClosed(x: number, a: number, b: number, size: number): boolean {
  if (a === b) return true;
  const dx = ringDistance(a, x, size);
  return dx > 0 && dx <= ringDistance(a, b, size);
}

/** x in (a, b) clockwise; (a, a) is the whole ring but a. */
export function inOpen(x: number, a: number, b: number, size: number): boolean {
  if (a === b) return x !== a;
  const dx = ringDistance(a, x, size);
  return dx > 0 && dx < ringDistance(a, b, size);
}

/** Start of finger i of the node at `id`: id + 2^i mod 2^bits (i in [0, bits)). */
export function fingerStart(id: number, i: number, size: number): number {
  return (id + 2 ** i) % size;
}

/**
 * Whether `candidate` may serve as finger i of the node at `id`: it lies in
 * [start_i, start_i + 2^i), the interval any node of which keeps lookups logarithmic.
 */
export function inFingerInterval(candidate: number, id: number, i: number, size: number): boolean {
  return ringDistance(fingerStart(id, i, size), candidate, size) < 2 ** i;
}

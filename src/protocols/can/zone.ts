/**
 * CAN zones on the unit torus [0,1)^2, pure. A zone is a half-open rectangle [x0,x1) x [y0,y1)
 * obtained by halving: its bounds are dyadic rationals, exact in binary floating point, so
 * equality tests on bounds are exact. The space wraps around (as in Ratnasamy et al.): a zone
 * ending at 1 touches one starting at 0.
 */

export interface Zone {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export const UNIT_ZONE: Zone = { x0: 0, y0: 0, x1: 1, y1: 1 };

export function zoneArea(z: Zone): number {
  return (z.x1 - z.x0) * (z.y1 - z.y0);
}

export function zoneContains(z: Zone, x: number, y: number): boolean {
  return z.x0 <= x && x < z.x1 && z.y0 <= y && y < z.y1;
}

/**
 * Halve a zone across its longer side (x on ties): zones start square, so splits alternate
 * between the dimensions. Returns [lower half, upper half].
 */
export function splitZone(z: Zone): [Zone, Zone] {
  if (z.x1 - z.x0 >= z.y1 - z.y0) {
    const mid = (z.x0 + z.x1) / 2;
    return [{ ...z, x1: mid }, { ...z, x0: mid }];
  }
  const mid = (z.y0 + z.y1) / 2;
  return [{ ...z, y1: mid }, { ...z, y0: mid }];
}

/** Two zones whose union is a zone (siblings of one split, or any two that tile a rectangle). */
export function mergeZones(a: Zone, b: Zone): Zone | null {
  if (a.y0 === b.y0 && a.y1 === b.y1 && (a.x1 === b.x0 || b.x1 === a.x0)) return { x0: Math.min(a.x0, b.x0), y0: a.y0, x1: Math.max(a.x1, b.x1), y1: a.y1 };
  if (a.x0 === b.x0 && a.x1 === b.x1 && (a.y1 === b.y0 || b.y1 === a.y0)) return { x0: a.x0, y0: Math.min(a.y0, b.y0), x1: a.x1, y1: Math.max(a.y1, b.y1) };
  return null;
}

const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < b1 && b0 < a1;
/** Touching ends along one dimension, across the wrap too. */
const touches = (a0: number, a1: number, b0: number, b1: number): boolean =>
  a1 === b0 || b1 === a0 || (a1 === 1 && b0 === 0) || (b1 === 1 && a0 === 0);

/** CAN neighbours: the zones overlap along one dimension and touch along the other (d-1 = 1). */
export function zonesAbut(a: Zone, b: Zone): boolean {
  return (
    (overlaps(a.y0, a.y1, b.y0, b.y1) && touches(a.x0, a.x1, b.x0, b.x1)) ||
    (overlaps(a.x0, a.x1, b.x0, b.x1) && touches(a.y0, a.y1, b.y0, b.y1))
  );
}

/** True when two zones share area (a tiling has none). */
export function zonesOverlap(a: Zone, b: Zone): boolean {
  return overlaps(a.x0, a.x1, b.x0, b.x1) && overlaps(a.y0, a.y1, b.y0, b.y1);
}

/** Distance along one wrapped dimension from p to the interval [lo, hi) (0 inside or on its closure). */
function gap(lo: number, hi: number, p: number): number {
  if (lo <= p && p <= hi) return 0;
  const below = (((lo - p) % 1) + 1) % 1;
  const above = (((p - hi) % 1) + 1) % 1;
  return Math.min(below, above);
}

/** Squared torus distance from the point to the closure of the zone. */
export function zoneDistanceSq(z: Zone, x: number, y: number): number {
  const dx = gap(z.x0, z.x1, x);
  const dy = gap(z.y0, z.y1, y);
  return dx * dx + dy * dy;
}

/**
 * Greedy routing order (smaller is closer): the squared distance to the zone's closure, then
 * the number of dimensions whose half-open range misses the point, which breaks the ties of
 * points lying on zone edges (distance 0 for every zone that touches them).
 */
export function routeScore(z: Zone, x: number, y: number): number {
  const distanceSq = zoneDistanceSq(z, x, y);
  if (distanceSq > 0) return 2 + distanceSq;
  return (z.x0 <= x && x < z.x1 ? 0 : 1) + (z.y0 <= y && y < z.y1 ? 0 : 1);
}

export function sameZone(a: Zone, b: Zone): boolean {
  return a.x0 === b.x0 && a.y0 === b.y0 && a.x1 === b.x1 && a.y1 === b.y1;
}

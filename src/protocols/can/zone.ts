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

/** Zone `inner` lies inside zone `outer` (equal zones included). */
export function zoneWithin(inner: Zone, outer: Zone): boolean {
  return outer.x0 <= inner.x0 && inner.x1 <= outer.x1 && outer.y0 <= inner.y0 && inner.y1 <= outer.y1;
}

/**
 * A zone that repeated halving of the unit square can produce: square or twice as tall as wide
 * (x is halved first), aligned on its own size. Two such zones either nest or do not overlap,
 * which is what lets a conflict be settled by dropping the smaller one.
 */
export function isTreeZone(z: Zone): boolean {
  const w = z.x1 - z.x0;
  const h = z.y1 - z.y0;
  return (w === h || 2 * w === h) && Number.isInteger(z.x0 / w) && Number.isInteger(z.y0 / h) && z.x1 <= 1 && z.y1 <= 1;
}

/** The parent of two sibling zones (the halves `splitZone` makes of one tree zone), else null. */
export function mergeSiblings(a: Zone, b: Zone): Zone | null {
  const parent = mergeZones(a, b);
  if (parent === null || !isTreeZone(parent)) return null;
  const [lower, upper] = splitZone(parent);
  return (sameZone(lower, a) && sameZone(upper, b)) || (sameZone(lower, b) && sameZone(upper, a)) ? parent : null;
}

/** A map key for a zone (bounds are exact dyadic rationals). */
export function zoneKey(z: Zone): string {
  return `${z.x0},${z.y0},${z.x1},${z.y1}`;
}

// ---- the zones a node holds: its own plus the ones taken over ----

export function zonesHold(zones: readonly Zone[], x: number, y: number): boolean {
  return zones.some((z) => zoneContains(z, x, y));
}

export function totalArea(zones: readonly Zone[]): number {
  return zones.reduce((sum, z) => sum + zoneArea(z), 0);
}

/** Some zone of `a` abuts some zone of `b`. */
export function anyAbut(a: readonly Zone[], b: readonly Zone[]): boolean {
  return a.some((za) => b.some((zb) => zonesAbut(za, zb)));
}

export function anyOverlap(a: readonly Zone[], b: readonly Zone[]): boolean {
  return a.some((za) => b.some((zb) => zonesOverlap(za, zb)));
}

/** The best `routeScore` over a node's zones. */
export function bestRouteScore(zones: readonly Zone[], x: number, y: number): number {
  let best = Infinity;
  for (const z of zones) best = Math.min(best, routeScore(z, x, y));
  return best;
}

/**
 * Adds `zone` to `zones`, merging siblings into their parent as long as a pair merges; the
 * merged zone takes the place of the first zone it absorbed (so a node's own zone stays first).
 */
export function addZone(zones: readonly Zone[], zone: Zone): Zone[] {
  const out = [...zones];
  let pending = zone;
  let at = out.length;
  for (;;) {
    const i = out.findIndex((z) => mergeSiblings(z, pending) !== null);
    if (i < 0) break;
    pending = mergeSiblings(out[i], pending) as Zone;
    out.splice(i, 1);
    at = Math.min(at, i);
  }
  out.splice(Math.min(at, out.length), 0, pending);
  return out;
}

/**
 * How far outside a side a probe point lies: below the width of any zone halving makes before
 * 2^40 zones exist, so the point falls in the zone across the side.
 */
const SIDE_OFFSET = 2 ** -40;

/** Parts of [lo, hi) not covered by the intervals, as midpoints. */
function gapMidpoints(lo: number, hi: number, covered: [number, number][]): number[] {
  covered.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let at = lo;
  for (const [a, b] of covered) {
    if (a > at) out.push((at + a) / 2);
    at = Math.max(at, b);
  }
  if (at < hi) out.push((at + hi) / 2);
  return out;
}

/**
 * Points just outside the sides of `zone` that none of the `known` zones covers (the node's
 * own zones and its neighbours'): an unknown neighbour holds each. Neighbour lists alone do not
 * always reveal it, e.g. two zones taken over from two adjacent nodes that crashed together,
 * each taker knowing only its dead node's list.
 */
export function uncoveredSidePoints(zone: Zone, known: readonly Zone[]): { x: number; y: number }[] {
  const { x0, y0, x1, y1 } = zone;
  const ends = (a: number, b: number): boolean => a === b || (a === 1 && b === 0);
  const sides: { touches: (z: Zone) => boolean; alongX: boolean; at: number }[] = [
    { touches: (z) => ends(z.x1, x0), alongX: false, at: (x0 - SIDE_OFFSET + 1) % 1 },
    { touches: (z) => ends(x1, z.x0), alongX: false, at: x1 % 1 },
    { touches: (z) => ends(z.y1, y0), alongX: true, at: (y0 - SIDE_OFFSET + 1) % 1 },
    { touches: (z) => ends(y1, z.y0), alongX: true, at: y1 % 1 },
  ];
  const out: { x: number; y: number }[] = [];
  for (const side of sides) {
    const [lo, hi] = side.alongX ? [x0, x1] : [y0, y1];
    const covered: [number, number][] = [];
    for (const z of known) {
      if (!side.touches(z)) continue;
      const a = Math.max(lo, side.alongX ? z.x0 : z.y0);
      const b = Math.min(hi, side.alongX ? z.x1 : z.y1);
      if (a < b) covered.push([a, b]);
    }
    for (const mid of gapMidpoints(lo, hi, covered)) out.push(side.alongX ? { x: mid, y: side.at } : { x: side.at, y: mid });
  }
  return out;
}

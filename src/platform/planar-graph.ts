import { Delaunay } from 'd3-delaunay';

/**
 * Planar proximity graphs over points in a plane (km): the Delaunay triangulation and its
 * Gabriel subgraph. A Delaunay edge (i, j) is a Gabriel edge when no other point lies inside the
 * circle whose diameter is i-j; for a Delaunay edge it is enough to test the (at most two)
 * vertices opposite to it in its triangles: the edge is Gabriel iff both see it at an angle
 * of at most 90 degrees. The Gabriel graph contains the Euclidean minimum spanning tree, so
 * it is connected; as a subgraph of the triangulation it is planar.
 */
export interface ProximityEdges {
  /** Endpoints of every Delaunay edge (each once, a < b). */
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** 1 where the Delaunay edge is also a Gabriel edge. */
  readonly gabriel: Uint8Array;
}

/** Points must be distinct; with fewer than 3 points (or all collinear) the chain is returned. */
export function proximityEdges(xsKm: Float64Array, ysKm: Float64Array): ProximityEdges {
  const n = xsKm.length;
  const coords = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    coords[2 * i] = xsKm[i];
    coords[2 * i + 1] = ysKm[i];
  }
  if (n < 3) return chain(Int32Array.from({ length: n }, (_, i) => i));
  const delaunay = new Delaunay(coords);
  // All points on a line: d3-delaunay triangulates jittered copies and lists the line order.
  const collinear = (delaunay as unknown as { collinear?: Int32Array }).collinear;
  if (collinear !== undefined) return chain(collinear);
  const { triangles, halfedges } = delaunay;

  const a: number[] = [];
  const b: number[] = [];
  const gabriel: number[] = [];
  // The angle at k subtended by i-j is at most 90 degrees iff (i - k) . (j - k) >= 0.
  const acuteAt = (k: number, i: number, j: number): boolean =>
    (xsKm[i] - xsKm[k]) * (xsKm[j] - xsKm[k]) + (ysKm[i] - ysKm[k]) * (ysKm[j] - ysKm[k]) >= 0;
  for (let e = 0; e < triangles.length; e++) {
    const twin = halfedges[e];
    if (twin >= 0 && twin < e) continue; // each undirected edge once
    const i = triangles[e];
    const j = triangles[nextHalfedge(e)];
    const k = triangles[previousHalfedge(e)];
    let isGabriel = acuteAt(k, i, j);
    if (isGabriel && twin >= 0) isGabriel = acuteAt(triangles[previousHalfedge(twin)], i, j);
    a.push(Math.min(i, j));
    b.push(Math.max(i, j));
    gabriel.push(isGabriel ? 1 : 0);
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b), gabriel: Uint8Array.from(gabriel) };
}

function nextHalfedge(e: number): number {
  return e % 3 === 2 ? e - 2 : e + 1;
}

function previousHalfedge(e: number): number {
  return e % 3 === 0 ? e + 2 : e - 1;
}

/** Points on a line, in order along it: consecutive ones are joined. */
function chain(order: Int32Array): ProximityEdges {
  const count = Math.max(0, order.length - 1);
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    a[k] = Math.min(order[k], order[k + 1]);
    b[k] = Math.max(order[k], order[k + 1]);
  }
  return { a, b, gabriel: new Uint8Array(count).fill(1) };
}

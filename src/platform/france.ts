/**
 * Geography the synthetic generator draws from: mainland France's bounding box, a coarse
 * outline (29 vertices, ~20 km accuracy: enough to keep PoPs off the sea and out of
 * neighbouring countries) and the larger French cities with a weight close to their metropolitan
 * population in millions. Hand-entered from public atlases; precision is not the point.
 */

export interface LatLonBox {
  readonly latitudeMin: number;
  readonly latitudeMax: number;
  readonly longitudeMin: number;
  readonly longitudeMax: number;
}

export interface City {
  /** Lower-case ASCII slug, used in PoP names (`lyon-3`). */
  readonly slug: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Relative weight of the city in the PoP mixture (~ metropolitan population, millions). */
  readonly weight: number;
}

export const MAINLAND_FRANCE_BOX: LatLonBox = { latitudeMin: 42.3, latitudeMax: 51.1, longitudeMin: -4.8, longitudeMax: 8.3 };

/** [longitude, latitude] clockwise from Dunkirk. */
export const MAINLAND_FRANCE_OUTLINE: readonly (readonly [number, number])[] = [
  [2.5, 51.1], [4.2, 49.95], [5.8, 49.5], [6.4, 49.45], [8.2, 49.0], [7.6, 47.6], [6.9, 47.4],
  [6.1, 46.2], [7.0, 45.9], [6.6, 45.1], [7.7, 44.1], [7.5, 43.8], [6.2, 43.1], [4.8, 43.3],
  [3.1, 43.0], [3.2, 42.4], [1.7, 42.5], [-1.8, 43.3], [-1.25, 44.6], [-1.2, 46.2], [-2.2, 47.2],
  [-4.5, 47.9], [-4.75, 48.5], [-3.5, 48.85], [-1.6, 48.7], [-1.9, 49.7], [-1.2, 49.4],
  [0.2, 49.5], [1.6, 50.2],
];

export const FRENCH_CITIES: readonly City[] = [
  { slug: 'paris', latitude: 48.8566, longitude: 2.3522, weight: 12 },
  { slug: 'lyon', latitude: 45.764, longitude: 4.8357, weight: 2.3 },
  { slug: 'marseille', latitude: 43.2965, longitude: 5.3698, weight: 1.9 },
  { slug: 'lille', latitude: 50.6292, longitude: 3.0573, weight: 1.5 },
  { slug: 'toulouse', latitude: 43.6047, longitude: 1.4442, weight: 1.4 },
  { slug: 'bordeaux', latitude: 44.8378, longitude: -0.5792, weight: 1.3 },
  { slug: 'nice', latitude: 43.7102, longitude: 7.262, weight: 1.0 },
  { slug: 'nantes', latitude: 47.2184, longitude: -1.5536, weight: 1.0 },
  { slug: 'strasbourg', latitude: 48.5734, longitude: 7.7521, weight: 0.8 },
  { slug: 'montpellier', latitude: 43.6108, longitude: 3.8767, weight: 0.8 },
  { slug: 'rennes', latitude: 48.1173, longitude: -1.6778, weight: 0.75 },
  { slug: 'grenoble', latitude: 45.1885, longitude: 5.7245, weight: 0.7 },
  { slug: 'rouen', latitude: 49.4432, longitude: 1.0999, weight: 0.65 },
  { slug: 'toulon', latitude: 43.1242, longitude: 5.928, weight: 0.6 },
  { slug: 'clermont', latitude: 45.7772, longitude: 3.087, weight: 0.5 },
  { slug: 'nancy', latitude: 48.6921, longitude: 6.1844, weight: 0.45 },
  { slug: 'orleans', latitude: 47.903, longitude: 1.9093, weight: 0.45 },
  { slug: 'dijon', latitude: 47.322, longitude: 5.0415, weight: 0.4 },
  { slug: 'brest', latitude: 48.3904, longitude: -4.4861, weight: 0.3 },
  { slug: 'limoges', latitude: 45.8336, longitude: 1.2611, weight: 0.3 },
];

/** Even-odd ray casting; the outline is small and convex enough that edge cases do not matter. */
export function insideOutline(outline: readonly (readonly [number, number])[], latitude: number, longitude: number): boolean {
  let inside = false;
  for (let i = 0, j = outline.length - 1; i < outline.length; j = i++) {
    const [xi, yi] = outline[i];
    const [xj, yj] = outline[j];
    if (yi > latitude !== yj > latitude && longitude < ((xj - xi) * (latitude - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function insideBox(box: LatLonBox, latitude: number, longitude: number): boolean {
  return latitude >= box.latitudeMin && latitude <= box.latitudeMax && longitude >= box.longitudeMin && longitude <= box.longitudeMax;
}

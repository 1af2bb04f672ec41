/**
 * Country outlines under a map: Natural Earth's countries at 1:50m from the world-atlas package
 * (TopoJSON, turned into GeoJSON by topojson-client), only the countries that reach the panel,
 * projected like the PoPs and clipped to the panel, coordinates rounded to 0.1 px.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoBounds, geoPath, type GeoProjection } from 'd3-geo';
import type { FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

export const ATLAS = 'world-atlas/countries-50m.json';
export const OUTLINE_FILL = '#f2f1ec';
export const OUTLINE_STROKE = '#c9c6bb';
/** Points along each panel edge inverted to find the longitudes and latitudes the panel shows. */
const EDGE_SAMPLES = 16;
/** Margin around that box, degrees: a country's bounds are tested against it loosely. */
const BOX_MARGIN_DEG = 1;

export interface CountryOutline {
  readonly name: string;
  /** SVG path data in the panel's px. */
  readonly d: string;
}

/** The countries of the atlas that reach the panel [0, width] x [0, height] of `projection`, by name. */
export function countryOutlines(projection: GeoProjection, width: number, height: number): CountryOutline[] {
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve(ATLAS), 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const countries = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  const box = visibleBox(projection, width, height);
  const previous = projection.clipExtent();
  projection.clipExtent([
    [0, 0],
    [width, height],
  ]);
  const path = geoPath(projection).digits(1);
  try {
    return countries.features
      .filter((country) => reaches(geoBounds(country), box))
      .flatMap((country) => {
        const d = path(country);
        return d === null || d === '' ? [] : [{ name: country.properties.name, d }];
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } finally {
    projection.clipExtent(previous);
  }
}

/** The outlines as an SVG group, drawn first (under everything else) in a map panel. */
export function outlinesMarkup(outlines: readonly CountryOutline[]): string {
  const paths = outlines.map((o) => `<path d="${o.d}"><title>${o.name.replace(/[<>&"]/g, '')}</title></path>`).join('');
  return `<g aria-label="country outlines" fill="${OUTLINE_FILL}" stroke="${OUTLINE_STROKE}" stroke-width="0.6" stroke-linejoin="round">${paths}</g>`;
}

type Box = readonly [lonMin: number, latMin: number, lonMax: number, latMax: number];

/** Longitudes and latitudes of the panel's edges, inverted through the projection, with a margin. */
function visibleBox(projection: GeoProjection, width: number, height: number): Box {
  const lons: number[] = [];
  const lats: number[] = [];
  for (let i = 0; i <= EDGE_SAMPLES; i++) {
    const t = i / EDGE_SAMPLES;
    for (const [x, y] of [[t * width, 0], [t * width, height], [0, t * height], [width, t * height]] as const) {
      const lonLat = projection.invert?.([x, y]);
      if (lonLat === null || lonLat === undefined || !lonLat.every(Number.isFinite)) continue;
      lons.push(lonLat[0]);
      lats.push(lonLat[1]);
    }
  }
  if (lons.length === 0) return [-180, -90, 180, 90];
  return [Math.min(...lons) - BOX_MARGIN_DEG, Math.min(...lats) - BOX_MARGIN_DEG, Math.max(...lons) + BOX_MARGIN_DEG, Math.max(...lats) + BOX_MARGIN_DEG];
}

/** Whether a country's [[west, south], [east, north]] bounds meet the box (bounds across the antimeridian always do). */
function reaches([[west, south], [east, north]]: [[number, number], [number, number]], [lonMin, latMin, lonMax, latMax]: Box): boolean {
  if (north < latMin || south > latMax) return false;
  if (west > east) return true;
  return east >= lonMin && west <= lonMax;
}

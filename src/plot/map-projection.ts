/**
 * The map projection: conformal conic (Lambert, as French maps use) with standard parallels at
 * one sixth and five sixths of the PoPs' latitude range, centred on their longitudes, fitted to
 * the PoPs with fitExtent inside a padded panel whose height follows the PoPs' shape.
 */
import { geoConicConformal, geoPath, type GeoProjection } from 'd3-geo';

export const MAP_WIDTH_PX = 560;
export const MAP_PADDING_PX = 30;
const HEIGHT_MIN_PX = 200;
const HEIGHT_MAX_PX = 800;
/** Half-size of the box fitted around a single location, degrees. */
const DEGENERATE_PAD_DEG = 0.5;

export interface MapLayout {
  readonly projection: GeoProjection;
  readonly width: number;
  readonly height: number;
}

/** `points` are [longitude, latitude] in degrees (at least one). */
export function mapLayout(points: readonly (readonly [number, number])[], width = MAP_WIDTH_PX): MapLayout {
  if (points.length === 0) throw new RangeError('mapLayout: no located points to fit');
  const longitudes = points.map((p) => p[0]);
  const latitudes = points.map((p) => p[1]);
  let [lonMin, lonMax] = [Math.min(...longitudes), Math.max(...longitudes)];
  let [latMin, latMax] = [Math.min(...latitudes), Math.max(...latitudes)];
  if (lonMax - lonMin < 1e-6 && latMax - latMin < 1e-6) {
    [lonMin, lonMax, latMin, latMax] = [lonMin - DEGENERATE_PAD_DEG, lonMax + DEGENERATE_PAD_DEG, latMin - DEGENERATE_PAD_DEG, latMax + DEGENERATE_PAD_DEG];
  }
  const span = latMax - latMin;
  const geometry = {
    type: 'MultiPoint' as const,
    coordinates: [...points.map((p) => [p[0], p[1]]), [lonMin, latMin], [lonMax, latMax]],
  };
  const projection = geoConicConformal()
    .parallels([latMin + span / 6, latMax - span / 6])
    .rotate([-(lonMin + lonMax) / 2, 0]);
  const inner = width - 2 * MAP_PADDING_PX;
  projection.fitWidth(inner, geometry);
  const [[, y0], [, y1]] = geoPath(projection).bounds(geometry);
  const height = Math.round(Math.min(HEIGHT_MAX_PX, Math.max(HEIGHT_MIN_PX, y1 - y0 + 2 * MAP_PADDING_PX)));
  projection.fitExtent(
    [
      [MAP_PADDING_PX, MAP_PADDING_PX],
      [width - MAP_PADDING_PX, height - MAP_PADDING_PX],
    ],
    geometry,
  );
  return { projection, width, height };
}

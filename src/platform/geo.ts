import { geoDistance } from 'd3-geo';

/** Mean Earth radius (IUGG), km: the radius the great-circle distances are scaled by. */
export const EARTH_RADIUS_KM = 6371.0088;
/** Light in fibre travels at about 2e8 m/s: 5 us per km. */
export const FIBRE_US_PER_KM = 5;

/** Great-circle distance between two points given in degrees, km. */
export function greatCircleKm(latitudeA: number, longitudeA: number, latitudeB: number, longitudeB: number): number {
  // d3-geo takes [longitude, latitude] and returns radians on the unit sphere.
  return geoDistance([longitudeA, latitudeA], [longitudeB, latitudeB]) * EARTH_RADIUS_KM;
}

/**
 * One-way latency of a fibre link, whole us (>= 1): the great-circle distance stretched by
 * `routeFactor` (fibre follows roads and rails, not geodesics) at 5 us/km, plus `perHopUs` for
 * the equipment at the ends. Rounded here, at the boundary, so that event times stay exact.
 */
export function geoLatencyUs(distanceKm: number, routeFactor: number, perHopUs: number): number {
  return Math.max(1, Math.round(distanceKm * routeFactor * FIBRE_US_PER_KM + perHopUs));
}

/** A local planar frame in km around (latitude0, longitude0): equirectangular, fine at country scale. */
export interface LocalFrame {
  readonly latitude0: number;
  readonly longitude0: number;
  readonly kmPerDegreeLatitude: number;
  readonly kmPerDegreeLongitude: number;
}

export function localFrame(latitude0: number, longitude0: number): LocalFrame {
  const kmPerDegreeLatitude = (Math.PI / 180) * EARTH_RADIUS_KM;
  return {
    latitude0,
    longitude0,
    kmPerDegreeLatitude,
    kmPerDegreeLongitude: kmPerDegreeLatitude * Math.cos((latitude0 * Math.PI) / 180),
  };
}

export function toLocalXKm(frame: LocalFrame, longitude: number): number {
  return (longitude - frame.longitude0) * frame.kmPerDegreeLongitude;
}

export function toLocalYKm(frame: LocalFrame, latitude: number): number {
  return (latitude - frame.latitude0) * frame.kmPerDegreeLatitude;
}

export function fromLocalKm(frame: LocalFrame, xKm: number, yKm: number): { latitude: number; longitude: number } {
  return {
    latitude: frame.latitude0 + yKm / frame.kmPerDegreeLatitude,
    longitude: frame.longitude0 + xKm / frame.kmPerDegreeLongitude,
  };
}

import { randomStream, type Random } from '../kernel/random.js';
import { capacityTiers, TIER_CORE, TIER_REGIONAL } from './capacity-tiers.js';
import { FRENCH_CITIES, insideBox, insideOutline, MAINLAND_FRANCE_BOX, MAINLAND_FRANCE_OUTLINE, type City, type LatLonBox } from './france.js';
import { fromLocalKm, localFrame, toLocalXKm, toLocalYKm, type LocalFrame } from './geo.js';
import { proximityEdges } from './planar-graph.js';
import { addRedundancy } from './redundancy.js';
import type { RawEdge, RawGraph, RawNode } from './types.js';

/**
 * A RENATER-like synthetic backbone, deterministic from its seed (stream 'generator').
 *
 * 1. PoPs: with probability `backgroundShare` uniform over the region, otherwise around a city
 *    drawn by weight, at a Gaussian offset of sigma = 12 km * sqrt(weight) (Paris ~ 42 km,
 *    Brest ~ 7 km). Over the default region a point must fall inside the outline of mainland
 *    France; over a caller's box, inside the box (only cities in the box are used). Coordinates
 *    are rounded to 1e-5 degree (~1 m) so the GraphML file holds exactly what the graph was
 *    built from; a draw that repeats an earlier point is redrawn.
 * 2. Links: the Gabriel graph of the PoPs in a local planar km frame (planar, connected), then
 *    redundancy: shortest Delaunay edges across bridges until `survivalShareMin` of the PoPs
 *    survive any single link cut (redundancy.ts).
 * 3. Capacities (capacity-tiers.ts): 100 Gb/s core between city hubs (the PoP nearest to each
 *    city centre), 10 Gb/s regional aggregation, 1 Gb/s access.
 * 4. Names: `<city>-<k>` for PoPs drawn around a city, `pop-<k>` (5 digits) for background ones.
 */
export interface GenerateOptions {
  readonly popCount: number;
  readonly seed: number | string;
  /** Default: mainland France (bounding box and outline). */
  readonly box?: LatLonBox;
  /** Share of PoPs spread uniformly rather than around cities; default 0.25. */
  readonly backgroundShare?: number;
  /** Default 0.95. */
  readonly survivalShareMin?: number;
  /** A tree link feeding at least this many PoPs is regional; default 16. */
  readonly regionalLoadMin?: number;
  /** Graph name; default `renater-like-<popCount>-s<seed>`. */
  readonly name?: string;
}

export interface GeneratedBackbone {
  readonly graph: RawGraph;
  readonly gabrielLinkCount: number;
  readonly redundancyLinkCount: number;
  readonly coreLinkCount: number;
  readonly regionalLinkCount: number;
  readonly accessLinkCount: number;
}

export const TIER_CAPACITY_BPS = [1e9, 10e9, 100e9] as const;
const TIER_LABELS = ['access 1 Gb/s', 'regional 10 Gb/s', 'core 100 Gb/s'] as const;
const CITY_SIGMA_KM_PER_SQRT_WEIGHT = 12;
/** Redraws allowed per PoP before the region is declared unusable (bounds the sampling loop). */
const DRAWS_PER_POP_MAX = 1000;

export function generateBackbone(options: GenerateOptions): GeneratedBackbone {
  const popCount = options.popCount;
  if (!Number.isInteger(popCount) || popCount < 1) throw new RangeError(`popCount must be an integer >= 1, got ${popCount}`);
  const backgroundShare = options.backgroundShare ?? 0.25;
  const survivalShareMin = options.survivalShareMin ?? 0.95;
  if (!(backgroundShare >= 0 && backgroundShare <= 1)) throw new RangeError(`backgroundShare must be in [0, 1], got ${backgroundShare}`);
  if (!(survivalShareMin >= 0 && survivalShareMin <= 1)) throw new RangeError(`survivalShareMin must be in [0, 1], got ${survivalShareMin}`);
  const box = options.box ?? MAINLAND_FRANCE_BOX;
  const accept =
    options.box === undefined
      ? (latitude: number, longitude: number) => insideOutline(MAINLAND_FRANCE_OUTLINE, latitude, longitude)
      : (latitude: number, longitude: number) => insideBox(box, latitude, longitude);
  const cities = FRENCH_CITIES.filter((city) => accept(city.latitude, city.longitude));
  const frame = localFrame((box.latitudeMin + box.latitudeMax) / 2, (box.longitudeMin + box.longitudeMax) / 2);
  const rng = randomStream(options.seed, 'generator');

  const sites = drawSites(rng, popCount, cities, cities.length === 0 ? 1 : backgroundShare, box, frame, accept);
  const xsKm = Float64Array.from(sites, (site) => toLocalXKm(frame, site.longitude));
  const ysKm = Float64Array.from(sites, (site) => toLocalYKm(frame, site.latitude));
  const lengthOf = (i: number, j: number): number => Math.hypot(xsKm[i] - xsKm[j], ysKm[i] - ysKm[j]);

  const delaunay = proximityEdges(xsKm, ysKm);
  const a: number[] = [];
  const b: number[] = [];
  for (let e = 0; e < delaunay.a.length; e++) {
    if (delaunay.gabriel[e] === 0) continue;
    a.push(delaunay.a[e]);
    b.push(delaunay.b[e]);
  }
  const gabrielLinkCount = a.length;
  const candidateLengthKm = Float64Array.from(delaunay.a, (i, e) => lengthOf(i, delaunay.b[e]));
  const added = addRedundancy({ popCount, a, b, candidateA: delaunay.a, candidateB: delaunay.b, candidateLengthKm, survivalShareMin });
  for (const e of added) {
    a.push(delaunay.a[e]);
    b.push(delaunay.b[e]);
  }

  const hubs = nearestDistinct(cities, frame, xsKm, ysKm);
  const lengthKm = a.map((i, e) => lengthOf(i, b[e]));
  const tiers = capacityTiers({ popCount, a, b, lengthKm, hubs, xsKm, ysKm, regionalLoadMin: options.regionalLoadMin ?? 16 });

  const nodes: RawNode[] = sites.map((site, i) => ({
    id: String(i),
    label: site.name,
    latitude: site.latitude,
    longitude: site.longitude,
    country: options.box === undefined ? 'France' : '',
    internal: true,
  }));
  const edges: RawEdge[] = a.map((source, e) => ({ source, target: b[e], capacityBps: TIER_CAPACITY_BPS[tiers[e]], label: TIER_LABELS[tiers[e]] }));
  const coreLinkCount = tiers.filter((tier) => tier === TIER_CORE).length;
  const regionalLinkCount = tiers.filter((tier) => tier === TIER_REGIONAL).length;
  return {
    graph: { name: options.name ?? `renater-like-${popCount}-s${options.seed}`, nodes, edges },
    gabrielLinkCount,
    redundancyLinkCount: added.length,
    coreLinkCount,
    regionalLinkCount,
    accessLinkCount: edges.length - coreLinkCount - regionalLinkCount,
  };
}

interface Site {
  readonly name: string;
  readonly latitude: number;
  readonly longitude: number;
}

function drawSites(
  rng: Random,
  popCount: number,
  cities: readonly City[],
  backgroundShare: number,
  box: LatLonBox,
  frame: LocalFrame,
  accept: (latitude: number, longitude: number) => boolean,
): Site[] {
  const cumulativeWeights: number[] = [];
  let weightSum = 0;
  for (const city of cities) cumulativeWeights.push((weightSum += city.weight));
  const perCity = new Int32Array(cities.length);
  let background = 0;
  const seen = new Set<string>();
  const sites: Site[] = [];
  for (let k = 0; k < popCount; k++) {
    const cityIndex = rng.next() < backgroundShare ? -1 : pickWeighted(rng.next() * weightSum, cumulativeWeights);
    let site: { latitude: number; longitude: number } | null = null;
    for (let draw = 0; draw < DRAWS_PER_POP_MAX && site === null; draw++) {
      const point = cityIndex < 0 ? uniformPoint(rng, box) : cityPoint(rng, cities[cityIndex], frame);
      const latitude = roundDegrees(point.latitude);
      const longitude = roundDegrees(point.longitude);
      const key = `${latitude},${longitude}`;
      if (!insideBox(box, latitude, longitude) || !accept(latitude, longitude) || seen.has(key)) continue;
      seen.add(key);
      site = { latitude, longitude };
    }
    if (site === null) throw new RangeError(`could not place PoP ${k} in the region after ${DRAWS_PER_POP_MAX} draws`);
    const name = cityIndex < 0 ? `pop-${String(background++).padStart(5, '0')}` : `${cities[cityIndex].slug}-${perCity[cityIndex]++}`;
    sites.push({ name, ...site });
  }
  return sites;
}

function pickWeighted(target: number, cumulativeWeights: readonly number[]): number {
  for (let i = 0; i < cumulativeWeights.length; i++) if (target < cumulativeWeights[i]) return i;
  return cumulativeWeights.length - 1;
}

function uniformPoint(rng: Random, box: LatLonBox): { latitude: number; longitude: number } {
  return {
    latitude: box.latitudeMin + rng.next() * (box.latitudeMax - box.latitudeMin),
    longitude: box.longitudeMin + rng.next() * (box.longitudeMax - box.longitudeMin),
  };
}

function cityPoint(rng: Random, city: City, frame: LocalFrame): { latitude: number; longitude: number } {
  const sigmaKm = CITY_SIGMA_KM_PER_SQRT_WEIGHT * Math.sqrt(city.weight);
  const xKm = toLocalXKm(frame, city.longitude) + sigmaKm * rng.normal();
  const yKm = toLocalYKm(frame, city.latitude) + sigmaKm * rng.normal();
  return fromLocalKm(frame, xKm, yKm);
}

/** 1e-5 degree (~1 m): what the GraphML file will hold. */
function roundDegrees(degrees: number): number {
  return Math.round(degrees * 1e5) / 1e5;
}

/** For each city, the PoP nearest to its centre; cities sharing a nearest PoP share one hub. */
function nearestDistinct(cities: readonly City[], frame: LocalFrame, xsKm: Float64Array, ysKm: Float64Array): number[] {
  const hubs: number[] = [];
  for (const city of cities) {
    const x = toLocalXKm(frame, city.longitude);
    const y = toLocalYKm(frame, city.latitude);
    let best = -1;
    let bestDistance = Infinity;
    for (let i = 0; i < xsKm.length; i++) {
      const distance = Math.hypot(xsKm[i] - x, ysKm[i] - y);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    if (best >= 0 && !hubs.includes(best)) hubs.push(best);
  }
  return hubs;
}

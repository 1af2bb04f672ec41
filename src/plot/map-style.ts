/** How map elements look: link tiers by bandwidth, PoP sizes by hosts, PoP colours by place. */

const TIER_COLOURS = ['#9ecae1', '#4292c6', '#08306b'] as const;
const TIER_WIDTHS_PX = [1, 1.8, 3] as const;

export interface LinkTier {
  readonly bandwidthBps: number;
  readonly colour: string;
  readonly widthPx: number;
}

/** One tier per distinct bandwidth, thin and light to thick and dark. */
export function linkTiers(bandwidthsBps: readonly number[]): LinkTier[] {
  const distinct = [...new Set(bandwidthsBps)].sort((a, b) => a - b);
  return distinct.map((bandwidthBps, i) => {
    const k = distinct.length === 1 ? 1 : Math.round((i * (TIER_COLOURS.length - 1)) / (distinct.length - 1));
    return { bandwidthBps, colour: TIER_COLOURS[k], widthPx: TIER_WIDTHS_PX[k] };
  });
}

export function formatBps(bps: number): string {
  const units: [number, string][] = [
    [1e12, 'Tb/s'],
    [1e9, 'Gb/s'],
    [1e6, 'Mb/s'],
    [1e3, 'kb/s'],
  ];
  for (const [scale, unit] of units) if (bps >= scale) return `${Number((bps / scale).toPrecision(3))} ${unit}`;
  return `${bps} b/s`;
}

const RADIUS_MAX_PX = 9.5;
const RADIUS_FLOOR_PX = 1.2;
/** Largest radius as a share of the spacing PoPs would have if spread evenly. */
const RADIUS_SPACING_SHARE = 0.45;
/** Smallest dot as a share of the largest. */
const RADIUS_MIN_SHARE = 0.26;

/** The largest dot radius for `count` PoPs on `areaPx2`: smaller dots when PoPs are dense. */
export function radiusMaxPx(count: number, areaPx2: number): number {
  return Math.min(RADIUS_MAX_PX, Math.max(RADIUS_FLOOR_PX, RADIUS_SPACING_SHARE * Math.sqrt(areaPx2 / Math.max(1, count))));
}

/** Dot radius: area grows with the host count, up to `maxPx` for the largest PoP. */
export function popRadiusPx(hosts: number, hostsMax: number, maxPx: number): number {
  const minPx = RADIUS_MIN_SHARE * maxPx;
  return minPx + (maxPx - minPx) * Math.sqrt(hosts / Math.max(1, hostsMax));
}

/**
 * A colour for each position on the map: hue = bearing from the centre of the PoPs, saturation
 * grows with the distance from it. The same colours on the Vivaldi plane show whether the
 * coordinates recover geography (up to a rotation or mirror).
 */
export function placeColours(xs: readonly number[], ys: readonly number[]): string[] {
  const cx = xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const cy = ys.reduce((s, y) => s + y, 0) / Math.max(1, ys.length);
  const distances = xs.map((x, i) => Math.hypot(x - cx, ys[i] - cy));
  const far = Math.max(1e-9, ...distances);
  return xs.map((x, i) => {
    const hue = Math.round(((Math.atan2(ys[i] - cy, x - cx) * 180) / Math.PI + 360) % 360);
    const saturation = Math.round(20 + 70 * Math.min(1, distances[i] / far));
    return `hsl(${hue}, ${saturation}%, 45%)`;
  });
}

/** Indices of the `count` PoPs with most hosts (then degree, then name). */
export function largestPops(pops: readonly { name: string; hosts: number; degree: number }[], count: number): number[] {
  const order = pops.map((_, i) => i);
  order.sort((i, j) => pops[j].hosts - pops[i].hosts || pops[j].degree - pops[i].degree || (pops[i].name < pops[j].name ? -1 : pops[i].name > pops[j].name ? 1 : 0));
  return order.slice(0, count);
}

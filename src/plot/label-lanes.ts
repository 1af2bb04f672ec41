/**
 * Labels on one line of text that would overlap are spread over lanes (rows): in order, each
 * label takes the first lane whose last label ends before it starts (plus a gap). Greedy
 * interval colouring: with labels in order of their left edge it uses as few lanes as any
 * assignment can. Bounded: a label that fits no lane of `lanesMax` gets none (null).
 */
export interface Span {
  /** Left and right edges, px. */
  readonly startPx: number;
  readonly endPx: number;
}

/** Space kept between two labels of one lane, px. */
const GAP_PX = 6;

/**
 * The lane of each span (0 = the first), in the order given, or null when none of the
 * `lanesMax` lanes has room. Spans are placed by left edge (ties in the order given).
 */
export function assignLanes(spans: readonly Span[], lanesMax: number): (number | null)[] {
  const order = spans.map((_, i) => i).sort((a, b) => spans[a].startPx - spans[b].startPx || a - b);
  const laneEndsPx: number[] = [];
  const lanes: (number | null)[] = spans.map(() => null);
  for (const i of order) {
    const free = laneEndsPx.findIndex((endPx) => endPx + GAP_PX <= spans[i].startPx);
    const lane = free >= 0 ? free : laneEndsPx.length < lanesMax ? laneEndsPx.length : null;
    if (lane !== null) laneEndsPx[lane] = spans[i].endPx;
    lanes[i] = lane;
  }
  return lanes;
}

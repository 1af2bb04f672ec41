/**
 * Max-min fair sharing of link capacities among flows (the flow-level model SimGrid is known
 * for), by progressive filling: every unfrozen flow grows at the same pace until a link is full
 * (its flows freeze at the rate reached) or a flow reaches its own cap; repeat with what is left.
 * Pure and deterministic: links and flows are dense indices, visited in index order.
 *
 * Bounded work: each round freezes at least one flow, so at most `flows.length` rounds of
 * O(links + total path length).
 */

/** A flow's links (indices into the capacities) and its own ceiling (Infinity: none). */
export interface FlowPath {
  readonly links: readonly number[];
  readonly capBps: number;
}

/** A link (or a cap) within this share of its capacity of being used up counts as full (rounding). */
const TIE_RELATIVE = 1e-12;

/**
 * The max-min fair rate of each flow, in bits per second. A flow over no link is limited by
 * its cap only (Infinity if uncapped: the caller must not start such a flow without a cap).
 */
export function maxMinRates(capacityBps: ArrayLike<number>, flows: readonly FlowPath[]): Float64Array {
  const linkCount = capacityBps.length;
  const remaining = Float64Array.from(capacityBps);
  const unfrozenOn = new Int32Array(linkCount);
  const rates = new Float64Array(flows.length);
  const frozen = new Uint8Array(flows.length);
  let unfrozen = flows.length;
  for (const flow of flows) {
    for (const link of flow.links) {
      if (!(link >= 0 && link < linkCount)) throw new RangeError(`maxMinRates: link ${link} out of 0..${linkCount - 1}`);
      unfrozenOn[link]++;
    }
  }
  while (unfrozen > 0) {
    // The smallest increment that fills a link or reaches a flow's cap.
    // The link or flow that sets it freezes for sure, whatever the rounding: every round progresses.
    let step = Infinity;
    let bottleneckLink = -1;
    let cappedFlow = -1;
    for (let l = 0; l < linkCount; l++) {
      if (unfrozenOn[l] === 0) continue;
      const share = Math.max(0, remaining[l]) / unfrozenOn[l];
      if (share < step) {
        step = share;
        bottleneckLink = l;
      }
    }
    for (let f = 0; f < flows.length; f++) {
      if (frozen[f] === 0 && flows[f].capBps - rates[f] < step) {
        step = flows[f].capBps - rates[f];
        cappedFlow = f;
        bottleneckLink = -1;
      }
    }
    if (step === Infinity) {
      // Only uncapped flows over no link remain: nothing limits them.
      for (let f = 0; f < flows.length; f++) if (frozen[f] === 0) rates[f] = Infinity;
      break;
    }
    for (let f = 0; f < flows.length; f++) if (frozen[f] === 0) rates[f] += step;
    const full = new Uint8Array(linkCount);
    for (let l = 0; l < linkCount; l++) {
      if (unfrozenOn[l] === 0) continue;
      remaining[l] -= step * unfrozenOn[l];
      if (remaining[l] <= capacityBps[l] * TIE_RELATIVE) full[l] = 1;
    }
    if (bottleneckLink >= 0) full[bottleneckLink] = 1;
    // Freeze the flows that cross a full link or reached their cap.
    for (let f = 0; f < flows.length; f++) {
      if (frozen[f] === 1) continue;
      const flow = flows[f];
      let stop = f === cappedFlow || (Number.isFinite(flow.capBps) && flow.capBps - rates[f] <= flow.capBps * TIE_RELATIVE);
      for (const link of flow.links) if (full[link] === 1) stop = true;
      if (!stop) continue;
      frozen[f] = 1;
      unfrozen--;
      for (const link of flow.links) unfrozenOn[link]--;
    }
  }
  return rates;
}

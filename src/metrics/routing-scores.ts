/**
 * Scoring routed requests against ground truth (computed by the simulator, never by the
 * protocol): hops, path stretch (the sum of the true one-way latencies along the path over the
 * direct one-way latency from source to target) and success, per request and per block of
 * requests in the order they were served (the learning curve).
 */
import { mean, median } from './stats.js';

/** What a routed request must tell (RoutingOutcome fits, structurally). */
export interface RoutedRequest {
  readonly source: number;
  readonly target: number;
  /** Nodes visited, source first. */
  readonly path: readonly number[];
  readonly delivered: boolean;
}

export interface RequestScore {
  readonly delivered: boolean;
  /** Forwards along the path (path length - 1). */
  readonly hops: number;
  /** Sum of the true one-way latencies along the path, ms; NaN when a hop has no path. */
  readonly pathLatencyMs: number;
  /** pathLatencyMs / direct latency; NaN when undelivered or the direct latency is not > 0. */
  readonly stretch: number;
}

/** `latencyMs(a, b)`: true one-way latency, negative when there is no path. */
export function scoreRequest(request: RoutedRequest, latencyMs: (a: number, b: number) => number): RequestScore {
  const { path } = request;
  let pathLatencyMs = 0;
  for (let i = 1; i < path.length; i++) {
    const hopMs = latencyMs(path[i - 1], path[i]);
    pathLatencyMs = hopMs < 0 ? Number.NaN : pathLatencyMs + hopMs;
  }
  const delivered = request.delivered && path.length > 0 && path[0] === request.source && path[path.length - 1] === request.target;
  const directMs = latencyMs(request.source, request.target);
  const stretch = delivered && directMs > 0 ? pathLatencyMs / directMs : Number.NaN;
  return { delivered, hops: Math.max(0, path.length - 1), pathLatencyMs, stretch };
}

export interface RoutingCurvePoint {
  /** Requests served before this block. */
  readonly requestsBefore: number;
  readonly requests: number;
  readonly successRate: number;
  /** Over the delivered requests of the block (NaN if none). */
  readonly meanHops: number;
  readonly meanStretch: number;
  readonly medianStretch: number;
}

/** Figures per block of `block` requests, in the order given (the order they were served). */
export function routingCurve(scores: readonly RequestScore[], block: number): RoutingCurvePoint[] {
  if (!(Number.isInteger(block) && block >= 1)) throw new RangeError(`block must be an integer >= 1, got ${block}`);
  const out: RoutingCurvePoint[] = [];
  for (let s = 0; s < scores.length; s += block) {
    const b = scores.slice(s, s + block);
    const ok = b.filter((x) => x.delivered);
    const stretches = ok.map((x) => x.stretch).filter((x) => Number.isFinite(x));
    out.push({
      requestsBefore: s,
      requests: b.length,
      successRate: ok.length / b.length,
      meanHops: ok.length === 0 ? Number.NaN : mean(ok.map((x) => x.hops)),
      meanStretch: stretches.length === 0 ? Number.NaN : mean(stretches),
      medianStretch: stretches.length === 0 ? Number.NaN : median(stretches),
    });
  }
  return out;
}

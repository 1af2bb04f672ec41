/**
 * A churn model, as pure functions: joins arrive as a Poisson process of rate `joinRatePerS`,
 * each bringing up an offline node of the pool for a session whose length is drawn from a
 * distribution (exponential, Pareto or Weibull); nodes listed in `initiallyUp` start a session
 * at time 0. The result is a deterministic schedule of (timeMs, node, join | leave), sorted by
 * time (ties in generation order), from one Random stream. A simulator applies it with
 * crashNode / recoverNode.
 */
import type { NodeId, Random } from '../runtime/context.js';

export type SessionDistribution =
  | { readonly kind: 'exponential'; readonly meanMs: number }
  /** P(X > x) = (scaleMs / x)^shape for x >= scaleMs; mean scaleMs * shape / (shape - 1) when shape > 1. */
  | { readonly kind: 'pareto'; readonly shape: number; readonly scaleMs: number }
  /** P(X > x) = exp(-(x / scaleMs)^shape); mean scaleMs * Gamma(1 + 1 / shape). */
  | { readonly kind: 'weibull'; readonly shape: number; readonly scaleMs: number };

export interface ChurnConfig {
  /** Nodes that may churn; a join picks one that is offline (uniformly), or is skipped if none is. */
  readonly pool: readonly NodeId[];
  /** Members of the pool that are up at time 0 (each starts a session then). */
  readonly initiallyUp: readonly NodeId[];
  readonly joinRatePerS: number;
  readonly session: SessionDistribution;
  /** Events at or after this time are left out. */
  readonly horizonMs: number;
  /** Bound on the schedule's length: exceeding it is an error, not a hang. */
  readonly eventsMax: number;
}

export interface ChurnEvent {
  readonly timeMs: number;
  readonly node: NodeId;
  readonly kind: 'join' | 'leave';
}

export interface ChurnSchedule {
  readonly events: readonly ChurnEvent[];
  /** Joins drawn while every node of the pool was up. */
  readonly skippedJoins: number;
}

/** Whole microseconds, as kernel time: no last-bit differences of Math.log reach event order. */
function roundToUs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Uniform in (0, 1]: safe for logarithms and negative powers. */
function unitOpen(rng: Random): number {
  return 1 - rng.next();
}

export function drawSessionMs(dist: SessionDistribution, rng: Random): number {
  switch (dist.kind) {
    case 'exponential':
      return -dist.meanMs * Math.log(unitOpen(rng));
    case 'pareto':
      return dist.scaleMs * Math.pow(unitOpen(rng), -1 / dist.shape);
    case 'weibull':
      return dist.scaleMs * Math.pow(-Math.log(unitOpen(rng)), 1 / dist.shape);
  }
}

/** The mean session length (Infinity for a Pareto shape <= 1). */
export function sessionMeanMs(dist: SessionDistribution): number {
  switch (dist.kind) {
    case 'exponential':
      return dist.meanMs;
    case 'pareto':
      return dist.shape > 1 ? (dist.scaleMs * dist.shape) / (dist.shape - 1) : Infinity;
    case 'weibull':
      return dist.scaleMs * gamma(1 + 1 / dist.shape);
  }
}

/** Lanczos approximation (g = 7, 9 terms), for x > 0.5: about 15 significant digits. */
function gamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a;
}

export function validateChurnConfig(config: ChurnConfig): void {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new RangeError(`ChurnConfig.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (new Set(config.pool).size !== config.pool.length) fail('pool', 'distinct node ids', config.pool);
  const pool = new Set(config.pool);
  for (const node of config.initiallyUp) if (!pool.has(node)) fail('initiallyUp', 'members of the pool', node);
  if (new Set(config.initiallyUp).size !== config.initiallyUp.length) fail('initiallyUp', 'distinct node ids', config.initiallyUp);
  if (!(config.joinRatePerS >= 0 && Number.isFinite(config.joinRatePerS))) fail('joinRatePerS', 'a finite number >= 0', config.joinRatePerS);
  if (!(config.horizonMs > 0 && Number.isFinite(config.horizonMs))) fail('horizonMs', 'a finite number > 0', config.horizonMs);
  if (!(Number.isInteger(config.eventsMax) && config.eventsMax >= 1)) fail('eventsMax', 'an integer >= 1', config.eventsMax);
  const s = config.session;
  if (s.kind === 'exponential') {
    if (!(s.meanMs > 0)) fail('session.meanMs', 'a number > 0', s.meanMs);
  } else {
    if (!(s.shape > 0)) fail('session.shape', 'a number > 0', s.shape);
    if (!(s.scaleMs > 0)) fail('session.scaleMs', 'a number > 0', s.scaleMs);
  }
}

interface PendingLeave {
  readonly timeMs: number;
  readonly seq: number;
  readonly node: NodeId;
}

export function churnSchedule(config: ChurnConfig, rng: Random): ChurnSchedule {
  validateChurnConfig(config);
  const events: ChurnEvent[] = [];
  const push = (event: ChurnEvent): void => {
    if (events.length >= config.eventsMax) throw new RangeError(`churnSchedule: more than ${config.eventsMax} events before ${config.horizonMs} ms`);
    events.push(event);
  };
  const up = new Set(config.initiallyUp);
  /** Offline nodes, in pool order at first; swap-removal keeps picks O(1) and deterministic. */
  const offline = config.pool.filter((node) => !up.has(node));
  /** Pending leaves, sorted by (time, seq) descending: the next one is at the end. */
  const leaves: PendingLeave[] = [];
  let seq = 0;
  const startSession = (node: NodeId, atMs: number): void => {
    const leave: PendingLeave = { timeMs: roundToUs(atMs + drawSessionMs(config.session, rng)), seq: seq++, node };
    if (leave.timeMs >= config.horizonMs) return;
    let lo = 0;
    let hi = leaves.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = leaves[mid];
      if (m.timeMs > leave.timeMs || (m.timeMs === leave.timeMs && m.seq > leave.seq)) lo = mid + 1;
      else hi = mid;
    }
    leaves.splice(lo, 0, leave);
  };
  for (const node of config.initiallyUp) startSession(node, 0);

  const meanGapMs = config.joinRatePerS > 0 ? 1000 / config.joinRatePerS : Infinity;
  let nextJoinMs = meanGapMs === Infinity ? Infinity : roundToUs(-meanGapMs * Math.log(unitOpen(rng)));
  let skippedJoins = 0;
  for (;;) {
    const leave = leaves.length > 0 ? leaves[leaves.length - 1] : null;
    if (leave !== null && leave.timeMs <= nextJoinMs) {
      leaves.pop();
      push({ timeMs: leave.timeMs, node: leave.node, kind: 'leave' });
      offline.push(leave.node);
      continue;
    }
    if (nextJoinMs >= config.horizonMs) break;
    const atMs = nextJoinMs;
    nextJoinMs = roundToUs(atMs - meanGapMs * Math.log(unitOpen(rng)));
    if (offline.length === 0) {
      skippedJoins++;
      continue;
    }
    const pick = rng.int(offline.length);
    const node = offline[pick];
    offline[pick] = offline[offline.length - 1];
    offline.pop();
    push({ timeMs: atMs, node, kind: 'join' });
    startSession(node, atMs);
  }
  return { events, skippedJoins };
}

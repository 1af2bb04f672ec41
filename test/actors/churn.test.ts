import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import { actorStack, churnSchedule, defaultFailureDetectorConfig, drawSessionMs, sessionMeanMs, type ChurnConfig } from '../../src/actors/index.js';
import { ActorWorld, FullMembership } from './world.js';

const LONG: ChurnConfig = {
  pool: Array.from({ length: 400 }, (_, i) => i),
  initiallyUp: [],
  joinRatePerS: 2,
  session: { kind: 'exponential', meanMs: 30_000 },
  horizonMs: 10_000_000, // 10,000 s: about 20,000 joins
  eventsMax: 100_000,
};

describe('churnSchedule', () => {
  it('joins at 2/s and keeps sessions of mean 30 s over 10,000 s (within 5 standard deviations)', () => {
    const { events, skippedJoins } = churnSchedule(LONG, randomStream(1, 'churn'));
    expect(skippedJoins).toBe(0);
    const joins = events.filter((e) => e.kind === 'join');
    const expected = (LONG.joinRatePerS * LONG.horizonMs) / 1000;
    expect(Math.abs(joins.length - expected)).toBeLessThan(5 * Math.sqrt(expected));
    // sessions: pair each join with the node's next leave (sessions begun in the first half all end before the horizon)
    const openAt = new Map<number, number>();
    const lengths: number[] = [];
    let upMax = 0;
    for (const e of events) {
      if (e.kind === 'join') {
        openAt.set(e.node, e.timeMs);
        upMax = Math.max(upMax, openAt.size);
      } else {
        const start = openAt.get(e.node) as number;
        openAt.delete(e.node);
        if (start < LONG.horizonMs / 2) lengths.push(e.timeMs - start);
      }
    }
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    expect(Math.abs(mean - 30_000)).toBeLessThan((5 * 30_000) / Math.sqrt(lengths.length));
    // about rate x mean session = 60 nodes up at once, far below the pool
    expect(upMax).toBeLessThan(150);
  });

  it('is sorted in time, alternates join and leave per node, and stays inside the pool and horizon', () => {
    const { events } = churnSchedule({ ...LONG, horizonMs: 1_000_000, initiallyUp: [0, 1, 2] }, randomStream(2, 'churn'));
    const up = new Set([0, 1, 2]);
    let last = 0;
    for (const e of events) {
      expect(e.timeMs).toBeGreaterThanOrEqual(last);
      expect(e.timeMs).toBeLessThan(1_000_000);
      expect(Math.abs(e.timeMs * 1000 - Math.round(e.timeMs * 1000))).toBeLessThan(1e-6); // whole microseconds
      last = e.timeMs;
      if (e.kind === 'join') {
        expect(up.has(e.node)).toBe(false);
        up.add(e.node);
      } else {
        expect(up.delete(e.node)).toBe(true);
      }
      expect(e.node >= 0 && e.node < 400).toBe(true);
    }
  });

  it('is identical for the same seed and differs for another', () => {
    const a = churnSchedule({ ...LONG, horizonMs: 200_000 }, randomStream(5, 'churn'));
    expect(churnSchedule({ ...LONG, horizonMs: 200_000 }, randomStream(5, 'churn'))).toEqual(a);
    expect(churnSchedule({ ...LONG, horizonMs: 200_000 }, randomStream(6, 'churn'))).not.toEqual(a);
  });

  it('draws Pareto and Weibull sessions with their analytic means (200,000 draws, within 3%)', () => {
    const rng = randomStream(3, 'sessions');
    for (const dist of [
      { kind: 'pareto', shape: 3, scaleMs: 10_000 },
      { kind: 'weibull', shape: 0.7, scaleMs: 20_000 },
      { kind: 'weibull', shape: 2, scaleMs: 20_000 },
    ] as const) {
      let sum = 0;
      for (let i = 0; i < 200_000; i++) sum += drawSessionMs(dist, rng);
      expect(Math.abs(sum / 200_000 / sessionMeanMs(dist) - 1), dist.kind).toBeLessThan(0.03);
    }
    expect(sessionMeanMs({ kind: 'weibull', shape: 1, scaleMs: 1000 })).toBeCloseTo(1000, 6); // Weibull(1) = exponential
  });

  it('rejects bad parameters and bounds the schedule', () => {
    expect(() => churnSchedule({ ...LONG, joinRatePerS: -1 }, randomStream(1, 'c'))).toThrow(/joinRatePerS/);
    expect(() => churnSchedule({ ...LONG, initiallyUp: [999] }, randomStream(1, 'c'))).toThrow(/initiallyUp/);
    expect(() => churnSchedule({ ...LONG, eventsMax: 10 }, randomStream(1, 'c'))).toThrow(/more than 10 events/);
  });

  it('applied to SimRuntime with crashNode / recoverNode, leaves every node up or down as the schedule says', () => {
    const n = 8;
    const stack = actorStack({
      membership: { name: 'members', build: (ctx) => new FullMembership(ctx.id, n) },
      detector: { ...defaultFailureDetectorConfig, periodMs: 200, timeoutMs: 1000 },
      samplePeriodMs: 500,
      supervisor: { restartsMax: 3, restartWindowMs: 10_000 },
      peerActors: [{ name: 'peer', overlay: 'live' }],
      services: [],
    });
    const w = new ActorWorld(n, 4, stack);
    const pool = Array.from({ length: n }, (_, i) => i);
    const { events } = churnSchedule(
      { pool, initiallyUp: pool, joinRatePerS: 0.5, session: { kind: 'exponential', meanMs: 5000 }, horizonMs: 60_000, eventsMax: 1000 },
      randomStream(4, 'churn'),
    );
    w.applyChurn(events);
    const expectedUp = new Set(pool);
    let checked = 0;
    for (const atMs of [10_000, 20_000, 30_000, 45_000, 60_000]) {
      w.runUntil(atMs);
      expectedUp.clear();
      for (const node of pool) expectedUp.add(node);
      for (const e of events) if (e.timeMs <= atMs) (e.kind === 'join' ? expectedUp.add(e.node) : expectedUp.delete(e.node));
      for (const node of pool) expect(w.runtime.isUp(node), `node ${node} at ${atMs} ms`).toBe(expectedUp.has(node));
      checked++;
    }
    expect(checked).toBe(5);
    expect(w.counters.get('nodes.crashes')).toBe(events.filter((e) => e.kind === 'leave').length);
    expect(w.counters.get('nodes.recoveries')).toBe(events.filter((e) => e.kind === 'join').length);
    expect(events.filter((e) => e.kind === 'leave').length).toBeGreaterThan(5);
  });
});

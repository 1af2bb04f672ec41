import { describe, expect, it } from 'vitest';
import {
  CanLookupLog,
  UNIT_ZONE,
  type Zone,
  anyAbut,
  defaultCanConfig,
  mergeZones,
  routeScore,
  splitZone,
  validateCanConfig,
  zoneContains,
  zoneDistanceSq,
  zonesAbut,
  zonesOverlap,
} from '../../src/protocols/can/index.js';
import { CanNet, FAST, tilingProblems } from './can-harness.js';

describe('can zones', () => {
  it('halves the longer side, x first, so splits alternate between dimensions', () => {
    const [left, right] = splitZone(UNIT_ZONE);
    expect(left).toEqual({ x0: 0, y0: 0, x1: 0.5, y1: 1 });
    expect(right).toEqual({ x0: 0.5, y0: 0, x1: 1, y1: 1 });
    expect(splitZone(right)).toEqual([{ x0: 0.5, y0: 0, x1: 1, y1: 0.5 }, { x0: 0.5, y0: 0.5, x1: 1, y1: 1 }]);
    expect(mergeZones(...splitZone(right))).toEqual(right);
    expect(mergeZones(left, splitZone(right)[0])).toBeNull();
  });
  it('contains points half-open, and abuts along one dimension across the wrap, never at a corner', () => {
    const a: Zone = { x0: 0, y0: 0, x1: 0.25, y1: 0.25 };
    expect(zoneContains(a, 0, 0)).toBe(true);
    expect(zoneContains(a, 0.25, 0.1)).toBe(false);
    expect(zonesAbut(a, { x0: 0.25, y0: 0.125, x1: 0.5, y1: 0.25 })).toBe(true);
    expect(zonesAbut(a, { x0: 0.25, y0: 0.25, x1: 0.5, y1: 0.5 })).toBe(false); // corner
    expect(zonesAbut(a, { x0: 0.75, y0: 0, x1: 1, y1: 0.25 })).toBe(true); // wrap in x
    expect(zonesAbut(a, { x0: 0, y0: 0.5, x1: 0.25, y1: 1 })).toBe(true); // wrap in y
    expect(zonesAbut(a, { x0: 0.5, y0: 0, x1: 0.75, y1: 0.25 })).toBe(false);
    expect(zonesOverlap(a, { x0: 0.125, y0: 0.125, x1: 0.5, y1: 0.5 })).toBe(true);
  });
  it('measures torus distances from a point to a zone, and ranks edge points by the dimensions missed', () => {
    const a: Zone = { x0: 0, y0: 0, x1: 0.25, y1: 0.25 };
    expect(zoneDistanceSq(a, 0.1, 0.1)).toBe(0);
    expect(zoneDistanceSq(a, 0.5, 0.1)).toBeCloseTo(0.0625, 12);
    expect(zoneDistanceSq(a, 0.875, 0.1)).toBeCloseTo(0.015625, 12); // across the wrap
    expect(routeScore(a, 0.1, 0.1)).toBe(0);
    expect(routeScore(a, 0.25, 0.1)).toBe(1);
    expect(routeScore(a, 0.25, 0.25)).toBe(2);
    expect(routeScore(a, 0.5, 0.1)).toBeGreaterThan(2);
  });
  it('rejects bad configs and bounds the outcome log', () => {
    expect(() => validateCanConfig({ ...defaultCanConfig, neighbourTimeoutMs: 1000 })).toThrow(/neighbourTimeoutMs/);
    expect(() => validateCanConfig({ ...defaultCanConfig, hopsMax: 0 })).toThrow(/hopsMax/);
    const log = new CanLookupLog(3);
    for (let k = 0; k < 5; k++) log.record({ x: k, y: 0, owner: 1, hops: 1, ok: true, latencyMs: 1, finishedAtMs: 1 });
    expect(log.drain().map((o) => o.x)).toEqual([2, 3, 4]);
    expect(log.dropped).toBe(2);
  });
});

describe('can on a static network', () => {
  const n = 200;
  const net = new CanNet(n, 1, FAST);
  net.run(n * FAST.joinStaggerMs + 20_000);
  net.drain();
  net.run(n * FAST.joinStaggerMs + 40_000);
  const outcomes = net.drain();

  it(`tiles the unit square exactly with the zones of ${n} joined nodes`, () => {
    const held = net.held();
    expect(held.length).toBe(n);
    expect(held.every((h) => h.zones.length === 1)).toBe(true);
    expect(tilingProblems(held)).toEqual([]);
    expect(net.counters.get('can.join.duplicate')).toBe(0);
  });

  it('gives every node exactly the nodes whose zones abut its own, with their current zones', () => {
    const held = net.held();
    for (const { id, zones } of held) {
      const truth = held.filter((h) => h.id !== id && anyAbut(zones, h.zones));
      const known = net.can(id)!.neighbourList();
      expect(known.map((k) => k.node), `neighbours of ${id}`).toEqual(truth.map((t) => t.id));
      for (let k = 0; k < known.length; k++) expect(known[k].zones).toEqual(truth[k].zones);
    }
  });

  it('routes every lookup to the true owner of its point, in about (d/4) n^(1/d) hops', () => {
    expect(outcomes.length).toBeGreaterThan(n * 30);
    expect(outcomes.filter((o) => !o.ok || o.owner !== o.trueOwner)).toEqual([]);
    const meanHops = outcomes.reduce((s, o) => s + o.hops, 0) / outcomes.length;
    const expected = (2 / 4) * Math.sqrt(n);
    console.log(`can n=${n} lookups=${outcomes.length} mean hops=${meanHops.toFixed(2)} (d/4) n^(1/d)=${expected.toFixed(2)}`);
    expect(meanHops).toBeGreaterThan(expected / 2);
    expect(meanHops).toBeLessThan(expected * 2);
  });

  it('replays the same zones and lookup outcomes from the same seed', () => {
    const again = new CanNet(n, 1, FAST);
    again.run(n * FAST.joinStaggerMs + 20_000);
    again.drain();
    again.run(n * FAST.joinStaggerMs + 40_000);
    expect(again.held()).toEqual(net.held());
    expect(again.drain()).toEqual(outcomes);
  });
});

describe('can with a crashed node', () => {
  it('drops a crashed neighbour within neighbourTimeoutMs + refreshPeriodMs', () => {
    const n = 100;
    const net = new CanNet(n, 2, FAST);
    const settledMs = n * FAST.joinStaggerMs + 20_000;
    net.run(settledMs);
    const victim = 37;
    const around = net.can(victim)!.neighbourList().map((k) => k.node);
    expect(around.length).toBeGreaterThan(0);
    net.runtime.crashNode(victim);
    net.run(settledMs + FAST.neighbourTimeoutMs + FAST.refreshPeriodMs + 1);
    for (const id of around) expect(net.can(id)!.neighbourList().map((k) => k.node)).not.toContain(victim);
    // The first to time out may take the zone over, and the others then learn it before their own timeout.
    expect(net.counters.get('can.neighbour.timeouts')).toBeGreaterThanOrEqual(1);
  });
});

import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/kernel/simulator.js';
import { msToUs } from '../../src/kernel/time.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import { Counters } from '../../src/runtime/counters.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import {
  CAN,
  type CanConfig,
  CanLookupLog,
  type CanLookupOutcome,
  CanProtocol,
  UNIT_ZONE,
  type Zone,
  canStack,
  defaultCanConfig,
  mergeZones,
  routeScore,
  splitZone,
  validateCanConfig,
  zoneArea,
  zoneContains,
  zoneDistanceSq,
  zonesAbut,
  zonesOverlap,
} from '../../src/protocols/can/index.js';
import { planeMatrix } from './matrix.js';

const FAST: CanConfig = { ...defaultCanConfig, joinStaggerMs: 200, refreshPeriodMs: 2000, neighbourTimeoutMs: 7000, lookupPeriodMs: 500, lookupTimeoutMs: 5000 };

class CanNet {
  readonly sim = new Simulator();
  readonly counters = new Counters();
  readonly runtime: SimRuntime;
  constructor(
    readonly n: number,
    seed: number,
    config: CanConfig,
  ) {
    this.runtime = new SimRuntime({ sim: this.sim, network: new MatrixNetwork(planeMatrix(n, seed), 1e9), seed, stack: canStack(config), bootstrapCount: 4, counters: this.counters });
    this.runtime.startAll();
  }
  can(id: number): CanProtocol | undefined {
    return this.runtime.protocolOf<CanProtocol>(id, CAN);
  }
  zones(): { id: number; zone: Zone }[] {
    const out: { id: number; zone: Zone }[] = [];
    for (let id = 0; id < this.n; id++) {
      const zone = this.can(id)?.ownZone();
      if (zone) out.push({ id, zone });
    }
    return out;
  }
  run(untilMs: number): void {
    this.sim.run({ endUs: msToUs(untilMs), eventsMax: this.sim.eventsProcessed + 20_000_000 });
  }
  /** Outcomes since the last drain, with the true owner of each point now. */
  drain(): (CanLookupOutcome & { node: number; trueOwner: number })[] {
    const zones = this.zones();
    const out: (CanLookupOutcome & { node: number; trueOwner: number })[] = [];
    for (let id = 0; id < this.n; id++) {
      for (const o of this.can(id)?.drainLookups() ?? []) out.push({ ...o, node: id, trueOwner: zones.find((z) => zoneContains(z.zone, o.x, o.y))!.id });
    }
    return out;
  }
}

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
    const zones = net.zones();
    expect(zones.length).toBe(n);
    expect(zones.reduce((s, z) => s + zoneArea(z.zone), 0)).toBe(1);
    for (let i = 0; i < zones.length; i++) for (let j = i + 1; j < zones.length; j++) expect(zonesOverlap(zones[i].zone, zones[j].zone)).toBe(false);
    expect(net.counters.get('can.join.duplicate')).toBe(0);
  });

  it('gives every node exactly the nodes whose zones abut its own, with their current zones', () => {
    const zones = net.zones();
    for (const { id, zone } of zones) {
      const truth = zones.filter((z) => z.id !== id && zonesAbut(zone, z.zone));
      const known = net.can(id)!.neighbourList();
      expect(known.map((k) => k.node), `neighbours of ${id}`).toEqual(truth.map((t) => t.id));
      for (let k = 0; k < known.length; k++) expect(known[k].zone).toEqual(truth[k].zone);
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
    expect(again.zones()).toEqual(net.zones());
    expect(again.drain()).toEqual(outcomes);
  });
});

describe('can with a crashed node', () => {
  it('drops a crashed neighbour within neighbourTimeoutMs + refreshPeriodMs (its zone is not taken over yet)', () => {
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
    expect(net.counters.get('can.neighbour.timeouts')).toBeGreaterThanOrEqual(around.length);
  });
});

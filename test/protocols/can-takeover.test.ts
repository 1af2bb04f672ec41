import { describe, expect, it } from 'vitest';
import { randomStream } from '../../src/kernel/random.js';
import { Simulator } from '../../src/kernel/simulator.js';
import { msToUs } from '../../src/kernel/time.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import { Counters } from '../../src/runtime/counters.js';
import type { StackBuilder } from '../../src/runtime/context.js';
import { SimRuntime } from '../../src/runtime/sim/sim-runtime.js';
import { CAN, type CanProtocol, canStack } from '../../src/protocols/can/index.js';
import { planeMatrix } from './matrix.js';
import {
  type CanConfig,
  type CanJoinAccept,
  type NeighbourInfo,
  UNIT_ZONE,
  type Zone,
  addZone,
  claimBefore,
  isTreeZone,
  mergeSiblings,
  defaultCanConfig,
  validateCanConfig,
  splitZone,
  uncoveredSidePoints,
  takeoverDelayMs,
  zonesAbut,
} from '../../src/protocols/can/index.js';
import { CanNet, FAST, type Held, type JudgedOutcome, tilingProblems } from './can-harness.js';

/** Crash-to-settled: silence detected within timeout + one refresh, then the race (delay up to 8 units, one wait), with margin. */
const SETTLE_MS = FAST.neighbourTimeoutMs + FAST.refreshPeriodMs + 8 * FAST.takeoverDelayMs + 20_000;

function joinedNet(n: number, seed: number, config: CanConfig = FAST): CanNet {
  const net = new CanNet(n, seed, config);
  net.run(n * config.joinStaggerMs + 20_000);
  net.drain();
  return net;
}

/** Drains what finished while settling, then the lookups of the next `windowMs`, judged against the zones held then. */
function lookupsAfter(net: CanNet, windowMs: number): JudgedOutcome[] {
  net.drain();
  net.run(net.nowMs + windowMs);
  return net.drain();
}

function expectSound(net: CanNet): void {
  expect(tilingProblems(net.held())).toEqual([]);
  for (let id = 0; id < net.n; id++) net.can(id)?.checkInvariants();
}

function wrongOrUnanswered(outcomes: readonly JudgedOutcome[]): JudgedOutcome[] {
  return outcomes.filter((o) => !o.ok || o.owner !== o.trueOwner);
}

/** Distinct victims drawn from a seeded stream, never node 0's neighbours' worth of special cases: any id. */
function victims(n: number, count: number, seed: number): number[] {
  const rng = randomStream(seed, 'can-victims');
  const out: number[] = [];
  while (out.length < count) {
    const id = Math.floor(rng.next() * n);
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

describe('can takeover, pure parts', () => {
  it('knows the zones halving makes, and merges only the two halves of one', () => {
    const [left, right] = splitZone(UNIT_ZONE);
    const [rightLow, rightHigh] = splitZone(right);
    expect([UNIT_ZONE, left, right, rightLow, rightHigh].every(isTreeZone)).toBe(true);
    expect(isTreeZone({ x0: 0, y0: 0, x1: 0.5, y1: 0.25 })).toBe(false); // wider than tall
    expect(isTreeZone({ x0: 0.25, y0: 0, x1: 0.75, y1: 0.5 })).toBe(false); // not aligned
    expect(mergeSiblings(rightHigh, rightLow)).toEqual(right);
    const [, leftHigh] = splitZone(left);
    expect(mergeSiblings(leftHigh, rightHigh)).toBeNull(); // they tile a rectangle, but not one halving makes
    const quarter = (x: number, y: number): Zone => ({ x0: x, y0: y, x1: x + 0.25, y1: y + 0.25 });
    expect(mergeSiblings(quarter(0.25, 0), quarter(0.5, 0))).toBeNull(); // a misaligned pair
  });

  it('adds a zone by merging siblings up the tree, keeping the merged own zone first', () => {
    const [left, right] = splitZone(UNIT_ZONE);
    const [rightLow, rightHigh] = splitZone(right);
    expect(addZone([rightLow], rightHigh)).toEqual([right]);
    expect(addZone([rightLow, left], rightHigh)).toEqual([UNIT_ZONE]); // right, then right + left
    const [leftLow] = splitZone(left);
    expect(addZone([rightLow, leftLow], rightHigh)).toEqual([right, leftLow]);
  });

  it('finds the stretches of the sides of a zone that no known zone covers, across the wrap too', () => {
    const z: Zone = { x0: 0, y0: 0.25, x1: 0.25, y1: 0.5 };
    const leftLow: Zone = { x0: 0.75, y0: 0.25, x1: 1, y1: 0.375 }; // across the wrap in x
    const right: Zone = { x0: 0.25, y0: 0, x1: 0.5, y1: 0.5 };
    const below: Zone = { x0: 0, y0: 0, x1: 0.25, y1: 0.25 };
    const above: Zone = { x0: 0, y0: 0.5, x1: 0.5, y1: 1 };
    expect(uncoveredSidePoints(z, [z, leftLow, right, below, above])).toEqual([{ x: 1 - 2 ** -40, y: 0.4375 }]);
    expect(uncoveredSidePoints(UNIT_ZONE, [UNIT_ZONE])).toEqual([]); // its own neighbour on every side
    expect(uncoveredSidePoints(z, [z]).length).toBe(4);
  });

  it('ranks claims by area then id, and delays a takeover in proportion to the area held, capped at 8 units', () => {
    expect(claimBefore(0.25, 9, 0.5, 1)).toBe(true);
    expect(claimBefore(0.25, 1, 0.25, 9)).toBe(true);
    expect(claimBefore(0.25, 9, 0.25, 1)).toBe(false);
    expect(takeoverDelayMs(1 / 8, 1 / 16, 1000)).toBe(2000);
    expect(takeoverDelayMs(1 / 32, 1 / 16, 1000)).toBe(500);
    expect(takeoverDelayMs(1, 1 / 1024, 1000)).toBe(8000);
  });

  it('has the takeover defaults and rejects a bound of no zones', () => {
    expect([defaultCanConfig.takeoverDelayMs, defaultCanConfig.takeoverClaimWaitMs, defaultCanConfig.takeoverRetryMs, defaultCanConfig.zonesMax]).toEqual([2000, 1000, 15_000, 4]);
    expect(() => validateCanConfig({ ...FAST, zonesMax: 0 })).toThrow(/zonesMax/);
    expect(() => validateCanConfig({ ...FAST, takeoverRetryMs: 500 })).toThrow(/takeoverRetryMs/);
  });
});

describe('can takeover after 10% of 200 nodes crash at once', () => {
  const n = 200;
  const net = joinedNet(n, 3);
  const dead = victims(n, 20, 3);
  const orphaned: Held[] = net.held().filter((h) => dead.includes(h.id));
  for (const id of dead) net.runtime.crashNode(id);
  net.run(net.nowMs + SETTLE_MS);
  const outcomes = lookupsAfter(net, 20_000);

  it('leaves the zones of the live nodes tiling the unit square exactly', () => {
    expect(net.held().length).toBe(n - dead.length);
    expectSound(net);
  });

  it('gives each orphaned zone to exactly one live neighbour, through the race alone', () => {
    const zones = orphaned.flatMap((h) => h.zones);
    for (const zone of zones) {
      const holders = net.held().filter((h) => h.zones.some((z) => z.x0 <= zone.x0 && zone.x1 <= z.x1 && z.y0 <= zone.y0 && zone.y1 <= z.y1));
      expect(holders.length, JSON.stringify(zone)).toBe(1);
    }
    expect(net.counters.get('can.takeovers')).toBe(zones.length);
    expect(net.counters.get('can.takeover.conflicts')).toBe(0);
    expect(net.counters.get('can.takeover.full')).toBe(0);
  });

  it('answers every lookup once settled, from the live node whose zone holds the point', () => {
    expect(outcomes.length).toBeGreaterThan((n - dead.length) * 30);
    expect(wrongOrUnanswered(outcomes)).toEqual([]);
  });

  it('replays the same zones and lookup outcomes from the same seed', () => {
    const again = joinedNet(n, 3);
    for (const id of dead) again.runtime.crashNode(id);
    again.run(again.nowMs + SETTLE_MS);
    const replayed = lookupsAfter(again, 20_000);
    expect(again.held()).toEqual(net.held());
    expect(replayed).toEqual(outcomes);
  });
});

describe('can takeover with nodes crashing one by one', () => {
  it('tiles the space and answers every lookup correctly after each of 10 crashes', () => {
    const n = 200;
    const net = joinedNet(n, 4);
    for (const victim of victims(n, 10, 4)) {
      net.runtime.crashNode(victim);
      net.run(net.nowMs + SETTLE_MS);
      expectSound(net);
      const outcomes = lookupsAfter(net, 5000);
      expect(outcomes.length).toBeGreaterThan(0);
      expect(wrongOrUnanswered(outcomes), `after crashing ${victim}`).toEqual([]);
    }
    expect(net.counters.get('can.takeover.conflicts')).toBe(0);
    expect(net.held().length).toBe(n - 10);
  });
});

describe('can takeover when every neighbour times out in the same instant', () => {
  /**
   * 16 nodes placed on a 4 x 4 grid of equal square zones by hand-made join accepts at time 0,
   * so their refresh timers, hence their timeouts, coincide; the four neighbours of a crashed
   * node hold equal areas, so only the id breaks the tie. `hidden` pairs are left out of each
   * other's accepted neighbour lists.
   */
  function gridNet(config: CanConfig, hidden: [number, number][] = []): CanNet {
    const side = 4;
    const net = new CanNet(side * side, 5, { ...config, zoneCreator: side * side, joinStaggerMs: 1e9 });
    const zoneOf = (id: number): Zone => {
      const x = (id % side) / side;
      const y = Math.floor(id / side) / side;
      return { x0: x, y0: y, x1: x + 1 / side, y1: y + 1 / side };
    };
    for (let id = 0; id < side * side; id++) {
      const neighbours: NeighbourInfo[] = [];
      for (let other = 0; other < side * side; other++) {
        const isHidden = hidden.some(([a, b]) => (a === id && b === other) || (a === other && b === id));
        if (other !== id && !isHidden && zonesAbut(zoneOf(id), zoneOf(other))) neighbours.push({ node: other, incarnation: 0, version: 0, zones: [zoneOf(other)] });
      }
      const accept: CanJoinAccept = { type: 'can.join-accept', zone: zoneOf(id), version: 1, neighbours };
      net.can(id)!.onMessage(id, accept);
    }
    return net;
  }

  it('finds a neighbour that no list names by probing across the uncovered side', () => {
    const net = gridNet(FAST, [[0, 1]]); // nodes 0 and 1 abut but are told nothing of each other
    net.run(10_000);
    expect(net.can(0)!.neighbourList().map((n) => n.node)).toContain(1);
    expect(net.can(1)!.neighbourList().map((n) => n.node)).toContain(0);
    expect(net.counters.get('can.side_probes')).toBeGreaterThan(0);
    expect(net.counters.get('can.side_probes')).toBeLessThanOrEqual(8); // and none once known
  });

  it('lets exactly the lowest id of the four equal neighbours take the zone, merged with its sibling', () => {
    const net = gridNet(FAST);
    net.run(10_000);
    expectSound(net);
    net.runtime.crashNode(5); // [1/4, 1/2)^2: neighbours 1, 4, 6, 9; its sibling is node 1's zone, below it
    net.run(10_000 + SETTLE_MS);
    expectSound(net);
    expect(net.counters.get('can.neighbour.timeouts')).toBe(4);
    expect(net.counters.get('can.takeover.claims')).toBeGreaterThanOrEqual(4); // all four claimed in the same race
    expect(net.counters.get('can.takeovers')).toBe(1);
    expect(net.counters.get('can.takeover.conflicts')).toBe(0);
    expect(net.can(1)!.heldZones()).toEqual([{ x0: 0.25, y0: 0, x1: 0.5, y1: 0.5 }]);
    expect(wrongOrUnanswered(lookupsAfter(net, 5000))).toEqual([]);
  });

  it('still has one winner when the takeover timer is 0 and every claim crosses the others on the way', () => {
    const net = gridNet({ ...FAST, takeoverDelayMs: 0 });
    net.run(10_000);
    net.runtime.crashNode(6); // its sibling (node 2's zone) is below it; neighbours 2, 5, 7, 10
    net.run(10_000 + SETTLE_MS);
    expectSound(net);
    expect(net.counters.get('can.takeovers')).toBe(1);
    expect(net.counters.get('can.takeover.conflicts')).toBe(0);
    expect(net.can(2)!.heldZones()).toEqual([{ x0: 0.5, y0: 0, x1: 0.75, y1: 0.5 }]);
  });

  it('settles a takeover duplicated by a claim wait shorter than a round trip: the smaller zone gives way', () => {
    const net = gridNet({ ...FAST, takeoverDelayMs: 0, takeoverClaimWaitMs: 0.001 });
    net.run(10_000);
    net.runtime.crashNode(6);
    net.run(10_000 + SETTLE_MS);
    expect(net.counters.get('can.takeovers')).toBe(4); // every neighbour took it before hearing the others
    expect(net.counters.get('can.takeover.conflicts')).toBe(3);
    expectSound(net);
    expect(net.can(2)!.heldZones()).toEqual([{ x0: 0.5, y0: 0, x1: 0.75, y1: 0.5 }]); // merged: the larger zone stays
    expect(wrongOrUnanswered(lookupsAfter(net, 5000))).toEqual([]);
  });

  it('holds a zone that merges with nothing as a second zone, and answers lookups for both', () => {
    const net = gridNet(FAST);
    net.run(10_000);
    net.runtime.crashNode(1); // [1/4, 1/2) x [0, 1/4): its sibling is node 5's zone, above it
    net.runtime.crashNode(5); // so neither merges: node 0 (lowest of 0, 2, 13 for zone 1) holds two zones
    net.run(10_000 + SETTLE_MS);
    expectSound(net);
    expect(net.counters.get('can.takeovers')).toBe(2);
    expect(net.held().some((h) => h.zones.length === 2)).toBe(true);
    const outcomes = lookupsAfter(net, 5000);
    expect(outcomes.some((o) => net.can(o.owner)!.heldZones().length === 2 && o.owner === o.trueOwner)).toBe(true);
    expect(wrongOrUnanswered(outcomes)).toEqual([]);
  });

  it('takes over a zone that died with all its neighbours, once the takers of theirs abut it', () => {
    const net = gridNet(FAST);
    net.run(10_000);
    for (const id of [5, 1, 4, 6, 9]) net.runtime.crashNode(id); // node 5's zone and the four around it
    net.run(10_000 + 3 * SETTLE_MS);
    expectSound(net);
    expect(net.held().length).toBe(11);
    expect(wrongOrUnanswered(lookupsAfter(net, 5000))).toEqual([]);
  });

  it('never holds more than zonesMax zones: beyond it a candidate stands aside, counted in can.takeover.full', () => {
    const net = gridNet({ ...FAST, zonesMax: 1 });
    net.run(10_000);
    net.runtime.crashNode(1);
    net.runtime.crashNode(5);
    net.run(10_000 + SETTLE_MS);
    for (let id = 0; id < 16; id++) net.can(id)?.checkInvariants();
    expect(net.held().every((h) => h.zones.length === 1)).toBe(true);
    expect(net.counters.get('can.takeover.full')).toBeGreaterThan(0);
  });
});

describe('can takeover and recovery', () => {
  it('lets crashed nodes that recover with fresh state join again, the space still tiled and every lookup right', () => {
    const n = 120;
    const net = joinedNet(n, 6);
    const dead = [0, ...victims(n, 11, 6).filter((id) => id !== 0).slice(0, 10)]; // the zone creator too
    for (const id of dead) net.runtime.crashNode(id);
    net.run(net.nowMs + SETTLE_MS);
    expectSound(net);
    for (const id of dead) net.runtime.recoverNode(id);
    net.run(net.nowMs + FAST.joinTimeoutMs + SETTLE_MS);
    expect(net.held().length).toBe(n);
    expectSound(net);
    expect(net.counters.get('can.takeover.conflicts')).toBe(0);
    expect(wrongOrUnanswered(lookupsAfter(net, 20_000))).toEqual([]);
  });

  it('comes back to an exact tiling and right lookups after 60 crashes and recoveries at random times over 300 s', () => {
    const n = 150;
    const net = joinedNet(n, 8);
    const rng = randomStream(8, 'can-churn');
    const startMs = net.nowMs;
    for (let k = 0; k < 60; k++) {
      net.run(startMs + (k + rng.next()) * 5000);
      const id = Math.floor(rng.next() * n);
      if (net.runtime.isUp(id)) net.runtime.crashNode(id);
      else net.runtime.recoverNode(id);
    }
    net.run(net.nowMs + FAST.joinTimeoutMs + SETTLE_MS);
    const up = Array.from({ length: n }, (_, id) => id).filter((id) => net.runtime.isUp(id));
    expect(net.held().map((h) => h.id)).toEqual(up);
    expectSound(net);
    expect(wrongOrUnanswered(lookupsAfter(net, 10_000))).toEqual([]);
    console.log(`can churn: crashes ${net.counters.get('nodes.crashes')}, takeovers ${net.counters.get('can.takeovers')}, conflicts settled ${net.counters.get('can.takeover.conflicts')}`);
  });

  it('orphans the zones of a node that restarts before its neighbours notice, and they are taken over', () => {
    const n = 120;
    const net = joinedNet(n, 7);
    const victim = 33;
    net.runtime.crashNode(victim);
    net.run(net.nowMs + 1000); // well within neighbourTimeoutMs
    net.runtime.recoverNode(victim);
    net.run(net.nowMs + FAST.joinTimeoutMs + SETTLE_MS);
    expect(net.held().length).toBe(n);
    expectSound(net);
    expect(wrongOrUnanswered(lookupsAfter(net, 10_000))).toEqual([]);
  });
});

describe('can joins when no node has the zone creator among its introducers', () => {
  it('forms the whole overlay through invitations: turned-away joiners and introducers are invited once a node holds a zone', () => {
    const n = 60;
    const sim = new Simulator();
    const inner = canStack(FAST);
    // Introducers: the next three nodes (never node 0, the zone creator); node 0 has 1, 2, 3.
    const stack: StackBuilder = (contextFor) =>
      inner((name) => {
        const ctx = contextFor(name);
        return { ...ctx, nowMs: () => ctx.nowMs(), setTimer: (d, h) => ctx.setTimer(d, h), send: (to, m, b) => ctx.send(to, m, b), bootstrapPeers: () => [1, 2, 3].map((k) => 1 + ((ctx.id + k - 1) % (n - 1))) };
      });
    const runtime = new SimRuntime({ sim, network: new MatrixNetwork(planeMatrix(n, 4), 1e9), seed: 4, stack, bootstrapCount: 4, counters: new Counters() });
    runtime.startAll();
    sim.run({ endUs: msToUs(60_000), eventsMax: 20_000_000 });
    const joined = Array.from({ length: n }, (_, id) => runtime.protocolOf<CanProtocol>(id, CAN)?.isJoined() ?? false);
    expect(joined.filter(Boolean).length).toBe(n);
  });
});

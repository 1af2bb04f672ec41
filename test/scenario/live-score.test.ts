/**
 * Scoring a live launch from its agents' samples, against known answers: Chord lookups judged
 * against the true ring of the agents that sampled the tick, routed requests against the true
 * RTTs, detector leaves against the agents really killed, a host's overload timed from tick to
 * tick, VMs lost or on two hosts counted, and VM locates judged against the played schedule.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LookupOutcome } from '../../src/protocols/chord/index.js';
import type { RoutingOutcome } from '../../src/protocols/routing/index.js';
import { LOCATE_FAILED, LOCATE_UNKNOWN, type LocateOutcome } from '../../src/protocols/vm-index/index.js';
import type { PlacementTruth } from '../../src/scenario/probes/vm-index-probe.js';
import type { CloudSample, NodeSample } from '../../src/scenario/live-samples.js';
import { samplesByTick, scoreLive } from '../../src/scenario/live-score.js';
import { liveHosts } from '../../src/scenario/live-hosts.js';
import { loadScenario } from '../../src/scenario/load.js';
import { ROOT } from '../support/dist-build.js';

const scenario = loadScenario(join(ROOT, 'test/runtime/live/fixtures/live-chord.yaml'));
const rttMs = (a: number, b: number): number => (a === b ? 0 : 10 + a + b);

function lookup(key: number, owner: number): LookupOutcome {
  return { key, owner, hops: 1, latencyMs: 5, ok: true, finishedAtMs: 0 } as LookupOutcome;
}

function sample(id: number, tickS: number, extra: Partial<NodeSample>): NodeSample {
  return { id, tickS, counters: { 'messages.sent': 10 * (id + 1) }, ...extra };
}

function finals(samples: NodeSample[], vmCount = 0): Record<string, number> {
  return scoreLive({ scenario, agents: 3, rttMs, samples, vmCount }).finalValues();
}

describe('scoreLive', () => {
  it('judges a Chord lookup right only when it names the true successor among the agents that sampled', () => {
    const ring = (id: number, lookups: LookupOutcome[] = []) => ({ chord: { ringId: [10, 20, 30][id], joined: true, lookups } });
    // Key 15's successor is ring id 20 (agent 1): right; key 25's is 30 (agent 2): agent 1 is wrong.
    const metrics = finals([sample(0, 2, ring(0, [lookup(15, 1), lookup(25, 1)])), sample(1, 2, ring(1)), sample(2, 2, ring(2))]);
    expect(metrics['chord.lookups']).toBe(2);
    expect(metrics['chord.lookup_success']).toBe(0.5);
    expect(metrics['chord.joined']).toBe(3);
    expect(metrics['nodes.up']).toBe(3);
    expect(metrics['messages.sent']).toBe(60);
  });

  it('takes an agent that did not sample a tick as down: key 25 then belongs to the next one alive', () => {
    const ring = (id: number, lookups: LookupOutcome[] = []) => ({ chord: { ringId: [10, 20, 30][id], joined: true, lookups } });
    // Agent 2 (ring id 30) is down at this tick: key 25's true successor wraps to 10 (agent 0).
    const metrics = finals([sample(0, 2, ring(0, [lookup(25, 0)])), sample(1, 2, ring(1))]);
    expect(metrics['chord.lookup_success']).toBe(1);
    expect(metrics['nodes.up']).toBe(2);
  });

  it('scores routed requests against the true RTTs: stretch of the path taken over the direct RTT', () => {
    const request = (source: number, target: number, path: number[], delivered: boolean) =>
      ({ source, target, requestId: 0, startedAtMs: 0, finishedAtMs: 1, path, hops: path.length - 1, located: true, delivered }) as RoutingOutcome;
    // 0 -> 1 -> 2: RTTs 11 + 13 over the direct 12 = stretch 2; 0 -> 2 direct: stretch 1; one request lost.
    const requests = [request(0, 2, [0, 1, 2], true), request(0, 2, [0, 2], true), request(1, 0, [1], false)];
    const metrics = finals([sample(0, 2, { routing: { longLinks: 2, requests } }), sample(1, 2, { routing: { longLinks: 4, requests: [] } })]);
    expect(metrics['routing.requests']).toBe(3);
    expect(metrics['routing.success']).toBeCloseTo(2 / 3, 12);
    expect(metrics['routing.mean_hops']).toBe(1.5);
    expect(metrics['routing.mean_stretch']).toBe(1.5);
    expect(metrics['routing.long_links_mean']).toBe(3);
  });

  it('judges detector leaves against the agents really killed: a detection, a false suspicion, a watched crash detected', () => {
    const withDetector = loadScenario(join(ROOT, 'test/runtime/live/fixtures/live-chord.yaml'), ['detector.periodMs=250', 'detector.timeoutMs=1000']);
    const watching = (id: number, leaves: { peer: number; atMs: number }[] = []) => sample(id, 0, { detector: { neighbours: [0, 1, 2].filter((p) => p !== id), leaves } });
    const at = (tickS: number, s: NodeSample): NodeSample => ({ ...s, tickS });
    const samples = [
      watching(0), watching(1), watching(2),
      // Agent 2 is killed at 2,500 ms and runs again at 6,000 ms. Agent 0 declares it gone at 3,400 ms (a detection, 900 ms
      // after the kill); agent 1 declares agent 0 gone at 3,700 ms, though it ran all along (a false suspicion).
      at(4, watching(0, [{ peer: 2, atMs: 3400 }])), at(4, watching(1, [{ peer: 0, atMs: 3700 }])),
      at(8, watching(0)), at(8, watching(1)), at(8, watching(2)),
    ];
    const metrics = scoreLive({ scenario: withDetector, agents: 3, rttMs, samples, outages: [{ id: 2, downAtMs: 2500, upAtMs: 6000 }] }).finalValues();
    expect(metrics['detector.leaves']).toBe(2);
    expect(metrics['detector.detections']).toBe(1);
    expect(metrics['detector.false_suspicions']).toBe(1);
    expect(metrics['detector.crashes']).toBe(1);
    expect(metrics['detector.watched_crashes']).toBe(1); // agents 0 and 1 listed agent 2 at the tick before the kill
    expect(metrics['detector.detected_share']).toBe(1);
    expect(metrics['detector.median_first_detection_ms']).toBe(900);
  });

  it("scores the services from the agents' samples: replicas with enough running holders, watches in step with the truth", () => {
    const withServices = loadScenario(join(ROOT, 'test/runtime/live/fixtures/live-chord.yaml'), ['services.replicas.overlay=chord', 'services.replicas.copies=2', 'services.watch.overlay=live']);
    const node = (id: number, owners: number[], watched: number[], monitored: number[]) =>
      sample(id, 2, { services: { restarts: id, replicas: { owners }, watch: { neighbours: watched, notifications: 3, overlayNeighbours: monitored } } });
    // Agent 2 did not sample: it is down. Owners 0 and 1 have 2 running holders each (agents 0 and 1); agent 2's data is
    // held by agent 0 only. Agent 0's watch says {1}: in step with the truth ({1, 2} monitored, 2 down); agent 1's says {0, 2}: not.
    const metrics = scoreLive({ scenario: withServices, agents: 3, rttMs, samples: [node(0, [0, 1, 2], [1], [1, 2]), node(1, [0, 1], [0, 2], [0, 2])] }).finalValues();
    expect(metrics['services.restarts']).toBe(1);
    expect(metrics['services.replicas.full_share']).toBe(1); // both running owners' data has 2 running holders
    expect(metrics['services.watch.in_step_share']).toBe(0.5);
    expect(metrics['services.watch.notifications']).toBe(6);
  });

  it('counts and times overloads as the agents saw them happen, between ticks too, and counts VMs lost or doubled', () => {
    type Overloads = CloudSample['overloads'];
    const host = (vms: [number, number][], overloads: Overloads = [], migrations: CloudSample['migrations'] = []): Partial<NodeSample> => ({
      cloud: { cores: 4, vms: vms.map(([vm, cpuDemand]) => ({ vm, state: 'running', cpuDemand, migrating: false })), migrations, overloads },
    });
    const samples = [
      sample(0, 1, host([[0, 3], [1, 3]], [{ startMs: 400 }])), // 6 cores asked of 4 since 0.4 s
      sample(1, 1, host([[2, 1]], [{ startMs: 200, endMs: 450 }])), // began and ended between two ticks
      sample(2, 1, host([[3, 1]])),
      sample(0, 2, host([[0, 3]], [{ startMs: 400, endMs: 1650 }])),
      sample(1, 2, host([[2, 1], [1, 3]], [], [{ vm: 1, ok: true, reason: '', ms: 5, emulated: true }])),
      sample(2, 2, host([[3, 1]], [], [{ vm: 3, ok: false, reason: 'target-down', ms: 5, emulated: true }])), // a failed emulated one
      sample(0, 3, host([[0, 3]])),
      sample(1, 3, host([[2, 1], [1, 3], [3, 1]], [{ startMs: 2100 }])), // VM 3 on two hosts; agent 1 asks 5 cores of 4
      sample(2, 3, host([[3, 1]])),
      // Agent 1 did not sample at 4 s (late); at 5 s its overload still runs: the same one, not counted twice.
      sample(0, 5, host([[0, 3]])),
      sample(1, 5, host([[2, 1], [1, 3], [3, 1]], [{ startMs: 2100 }])),
      sample(2, 5, host([[3, 1]])),
    ];
    const series = scoreLive({ scenario, agents: 3, rttMs, samples, vmCount: 5 });
    const overloaded = series.all().filter((r) => r.metric === 'cloud.hosts_overloaded').map((r) => [r.timeS, r.value]);
    expect(overloaded).toEqual([
      [1, 1],
      [2, 0],
      [3, 1],
      [5, 1],
    ]);
    const metrics = series.finalValues();
    expect(metrics['cloud.violations']).toBe(3);
    expect(metrics['cloud.violations_resolved']).toBe(2);
    expect(metrics['cloud.resolve_s_max']).toBeCloseTo(1.25, 12);
    expect(metrics['cloud.resolve_s_mean']).toBeCloseTo((0.25 + 1.25) / 2, 12);
    expect(metrics['cloud.migrations']).toBe(1);
    expect(metrics['cloud.migrations_failed']).toBe(1);
    expect(metrics['cloud.migrations_emulated']).toBe(1); // of the migrations done, those emulated
    expect(metrics['cloud.vms_on_two_hosts']).toBe(1);
    expect(metrics['cloud.vms_missing']).toBe(1); // VM 4 is nowhere
  });

  it("judges VM locates against the schedule the agents played, as the simulation's probe does, once each, from JSON", () => {
    // VM 7 is on agent 1 until 1000 ms, then on agent 2.
    const truth: PlacementTruth = {
      hostAt: (vm, t) => (vm !== 7 ? 0 : t < 0 ? -1 : t < 1000 ? 1 : 2),
      wasOnDuring: (vm, host, from, to) => vm === 7 && ((host === 1 && from < 1000) || (host === 2 && to >= 1000)),
    };
    const locate = (host: number, startedAtMs: number, answeredAtMs: number, hops: number): LocateOutcome => ({ locator: 0, vm: 7, host, version: 0, owner: 2, hops, startedAtMs, answeredAtMs, finishedAtMs: startedAtMs + 40 });
    const index = (entryCount: number, locates: LocateOutcome[] = []): Partial<NodeSample> => ({ vmIndex: { entryCount, locates } });
    // Through JSON, as the agents write them: a failed locate's NaN answer time arrives as null.
    const samples = JSON.parse(
      JSON.stringify([
        sample(0, 2, index(3, [locate(1, 500, 520, 2), locate(2, 1500, 1520, 3), locate(1, 990, 1010, 2), locate(1, 1200, 1220, 2)])),
        sample(1, 2, index(4, [locate(LOCATE_UNKNOWN, 1600, 1620, 1), locate(LOCATE_FAILED, 1700, NaN, 4)])),
        sample(2, 2, index(5)),
        sample(0, 4, index(3)),
        sample(1, 4, index(4)),
      ]),
    ) as NodeSample[];
    const series = scoreLive({ scenario, agents: 3, rttMs, samples, vmPlacement: truth });
    const at = (timeS: number, metric: string): number | undefined => series.all().find((r) => r.timeS === timeS && r.metric === metric)?.value;
    expect(at(2, 'vmindex.locates')).toBe(6);
    expect(at(2, 'vmindex.success_share')).toBeCloseTo(2 / 6, 12); // agent 1 before the move, agent 2 after it
    expect(at(2, 'vmindex.stale_share')).toBeCloseTo(1 / 6, 12); // moved while in flight
    expect(at(2, 'vmindex.wrong_share')).toBeCloseTo(1 / 6, 12); // had moved before the locate
    expect(at(2, 'vmindex.unknown_share')).toBeCloseTo(1 / 6, 12);
    expect(at(2, 'vmindex.failed_share')).toBeCloseTo(1 / 6, 12);
    expect(at(2, 'vmindex.mean_hops')).toBeCloseTo((2 + 3 + 2 + 2 + 1) / 5, 12); // answered ones only
    expect(at(2, 'vmindex.median_latency_ms')).toBe(40);
    expect(at(2, 'vmindex.entries')).toBe(12);
    // The next tick: nothing new is judged again; agent 2 did not sample, its entries are not counted.
    expect(at(4, 'vmindex.locates')).toBe(6);
    expect(at(4, 'vmindex.success_share')).toBeNaN(); // an empty cell: no locate finished in the interval
    expect(at(4, 'vmindex.success_share_total')).toBeCloseTo(2 / 6, 12);
    expect(at(4, 'vmindex.entries')).toBe(7);
  });

  it('groups samples by tick in time order, ignoring ids outside the launch', () => {
    const ticks = samplesByTick(2, [sample(1, 4, {}), sample(0, 2, {}), sample(5, 2, {}), sample(0, 4, {})]);
    expect([...ticks.keys()]).toEqual([2, 4]);
    expect(ticks.get(2)?.map((s) => s?.id)).toEqual([0, undefined]);
    expect(ticks.get(4)?.map((s) => s?.id)).toEqual([0, 1]);
  });
});

describe('liveHosts', () => {
  it('spreads N agents evenly over H hosts', () => {
    expect(liveHosts(10, 4)).toEqual([0, 2, 5, 7]);
    expect(liveHosts(8, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

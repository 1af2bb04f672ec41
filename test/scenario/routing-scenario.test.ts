import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricSeries } from '../../src/metrics/series.js';
import { MatrixNetwork } from '../../src/platform/network.js';
import type { RttMatrix } from '../../src/platform/types.js';
import type { NodeId, Protocol } from '../../src/runtime/context.js';
import { ROUTING, type RoutingOutcome } from '../../src/protocols/routing/index.js';
import { truthRttMs } from '../../src/scenario/probes/overlay-probes.js';
import { newRoutingTotals, recordRoutingRequests, scoreRoutingBatch, type RoutingNodes } from '../../src/scenario/probes/routing-probe.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { ROOT } from '../support/dist-build.js';

/** Four hosts; RTTs in ms: 0-1 10, 1-2 10, 0-2 16, 2-3 4, 0-3 20, 1-3 12. */
function tinyNetwork(): MatrixNetwork {
  const rttMs = [
    [0, 10, 16, 20],
    [10, 0, 10, 12],
    [16, 10, 0, 4],
    [20, 12, 4, 0],
  ];
  const matrix: RttMatrix = { name: 'tiny', n: 4, labels: ['a', 'b', 'c', 'd'], rttUs: Float64Array.from(rttMs.flat(), (ms) => ms * 1000) };
  return new MatrixNetwork(matrix, 1e9);
}

function outcome(source: NodeId, target: NodeId, path: NodeId[], located: boolean, delivered: boolean): RoutingOutcome {
  return { source, target, requestId: 0, startedAtMs: 0, finishedAtMs: 1, path, hops: path.length - 1, located, delivered };
}

/** Delivered 0->1->2 (stretch 20/16 = 1.25) and 0->3 direct (1); 1->3 never located; 2->0 located, then lost. */
const batch = [outcome(0, 2, [0, 1, 2], true, true), outcome(0, 3, [0, 3], true, true), outcome(1, 3, [1], false, false), outcome(2, 0, [2], true, false)];

/** Nodes whose routing protocol hands out the given outcomes once, with `links` long links each. */
function fakeNodes(outcomesByNode: RoutingOutcome[][], links: number): RoutingNodes {
  const pending = outcomesByNode.map((o) => [...o]);
  return {
    nodeCount: outcomesByNode.length,
    protocolOf<P extends Protocol>(id: NodeId, name: string): P | undefined {
      if (name !== ROUTING) return undefined;
      const routing = {
        drainRequests: () => pending[id].splice(0),
        longLinkCount: () => links,
      };
      return routing as unknown as P;
    },
  };
}

describe('routing probe, on a four-host network with known RTTs', () => {
  it('scores hops and stretch (true path RTT over true direct RTT) of the delivered requests only', () => {
    const score = scoreRoutingBatch(batch, truthRttMs(tinyNetwork()));
    expect(score).toEqual({ finished: 4, located: 3, delivered: 2, hops: [2, 1], stretches: [1.25, 1] });
  });

  it('calls a request that claims delivery but does not end at its target undelivered', () => {
    const score = scoreRoutingBatch([outcome(0, 3, [0, 1, 2], true, true)], truthRttMs(tinyNetwork()));
    expect(score.delivered).toBe(0);
    expect(score.hops).toEqual([]);
  });

  it('records routing.* per interval and cumulative counts, and empty interval figures (NaN) when nothing finished', () => {
    const series = new MetricSeries();
    const totals = newRoutingTotals();
    const nodes = fakeNodes([batch.slice(0, 2), batch.slice(2, 3), batch.slice(3)], 5);
    recordRoutingRequests(series, 10, nodes, truthRttMs(tinyNetwork()), totals);
    const at10 = Object.fromEntries(series.all().map((r) => [r.metric, r.value]));
    expect(at10['routing.requests']).toBe(4);
    expect(at10['routing.interval_requests']).toBe(4);
    expect(at10['routing.success']).toBe(0.5);
    expect(at10['routing.delivered_share']).toBe(0.5);
    expect(at10['routing.located_share']).toBe(0.75);
    expect(at10['routing.located_delivered_share']).toBeCloseTo(2 / 3, 12);
    expect(at10['routing.mean_hops']).toBe(1.5);
    expect(at10['routing.p90_hops']).toBeCloseTo(1.9, 12);
    expect(at10['routing.mean_stretch']).toBe(1.125);
    expect(at10['routing.median_stretch']).toBe(1.125);
    expect(at10['routing.p90_stretch']).toBeCloseTo(1.225, 12);
    expect(at10['routing.long_links_mean']).toBe(5);

    recordRoutingRequests(series, 20, nodes, truthRttMs(tinyNetwork()), totals);
    const at20 = series.all().filter((r) => r.timeS === 20);
    expect(at20.filter((r) => !Number.isNaN(r.value)).map((r) => [r.metric, r.value])).toEqual([
      ['routing.requests', 4],
      ['routing.success', 0.5],
      ['routing.long_links_mean', 5],
    ]);
    expect(at20.map((r) => r.metric).sort()).toEqual(Object.keys(at10).sort()); // the same metrics at every sample
  });
});

function runRenater(overrides: string[]) {
  const file = join(ROOT, 'scenarios', 'renater-routing.yaml');
  return runScenario(loadScenario(file, overrides), file);
}

/** Shortened: requests from 60 s to 200 s, one per host every 5 s (~6,000 requests). */
const SHORT = ['durationS=200', 'protocols.routing.requestStartMs=60000'];

describe('renater-routing scenario (224 hosts), scored against ground truth', () => {
  it('delivers 100% of the requests on a static network, in fewer than 2 log2(n) hops, with a stretch >= 1', () => {
    const { series, hostCount } = runRenater(SHORT);
    const f = series.finalValues();
    expect(hostCount).toBe(224);
    expect(f['routing.requests']).toBeGreaterThan(5000);
    expect(f['routing.success']).toBe(1);
    const intervals = series.all().filter((r) => r.metric === 'routing.delivered_share' && !Number.isNaN(r.value)); // empty before the first request
    expect(intervals.length).toBeGreaterThanOrEqual(6);
    for (const r of intervals) expect(r.value).toBe(1);
    expect(f['routing.located_share']).toBe(1);
    expect(f['routing.mean_hops']).toBeLessThan(2 * Math.log2(224));
    expect(f['routing.median_stretch']).toBeGreaterThanOrEqual(1);
    expect(f['routing.median_stretch']).toBeLessThan(2);
    expect(f['routing.long_links_mean']).toBeGreaterThan(0);
    expect(f['routing.long_links_mean']).toBeLessThanOrEqual(12 * 4);
  });

  it('replays byte-identical series for the same seed, and another series for another seed', () => {
    const a = JSON.stringify(runRenater(SHORT).series.all());
    const b = JSON.stringify(runRenater(SHORT).series.all());
    const c = JSON.stringify(runRenater([...SHORT, 'seed=4']).series.all());
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('reports the success rate under host churn (renater-routing-faults): requests to crashed targets go unlocated, the others are mostly delivered', () => {
    const file = join(ROOT, 'scenarios', 'renater-routing-faults.yaml');
    const { series } = runScenario(loadScenario(file, SHORT), file);
    const f = series.finalValues();
    expect(f['nodes.crashes']).toBeGreaterThan(10);
    expect(f['routing.requests']).toBeGreaterThan(4000);
    expect(f['routing.success']).toBeLessThan(1);
    expect(f['routing.success']).toBeGreaterThan(0.8);
    const located = series.all().filter((r) => r.metric === 'routing.located_share' && !Number.isNaN(r.value));
    expect(Math.min(...located.map((r) => r.value))).toBeLessThan(1);
    const routed = series.all().filter((r) => r.metric === 'routing.located_delivered_share' && !Number.isNaN(r.value));
    expect(routed.length).toBeGreaterThanOrEqual(6);
    for (const r of routed) expect(r.value).toBeGreaterThan(0.8);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DetectorScore } from '../../src/scenario/probes/detector-probe.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { ROOT } from '../support/dist-build.js';
import { fixture } from './fixtures.js';

const TIMEOUT_MS = 5000;

describe('DetectorScore', () => {
  it('scores one crash at 10,000 ms left by two watchers at 14,200 and 14,900 ms: latencies 4,200 and 4,900 ms, detected within the timeout', () => {
    const score = new DetectorScore(TIMEOUT_MS);
    score.crashed(7, 10_000, 2);
    score.leave(7, 14_200, true);
    score.leave(7, 14_900, true);
    score.settle(14_999); // the timeout has not passed yet: the crash is not counted
    expect(score.crashes).toBe(0);
    score.settle(15_001);
    expect(score.latenciesMs).toEqual([4200, 4900]);
    expect(score.firstLatenciesMs).toEqual([4200]);
    expect({ leaves: score.leaves, detections: score.detections, falseSuspicions: score.falseSuspicions }).toEqual({ leaves: 2, detections: 2, falseSuspicions: 0 });
    expect({ crashes: score.crashes, watched: score.watchedCrashes, detected: score.detectedCrashes }).toEqual({ crashes: 1, watched: 1, detected: 1 });
  });

  it('calls a leave of a host that was up for the whole timeout a false suspicion when reachable, a cut-off leave when not', () => {
    const score = new DetectorScore(TIMEOUT_MS);
    score.crashed(3, 1000, 1);
    score.recovered(3, 9000);
    score.leave(3, 14_001, true); // down until 9,000: not during (9,001, 14,001]
    score.leave(3, 15_000, false);
    expect({ detections: score.detections, falseSuspicions: score.falseSuspicions, cutoff: score.cutoffLeaves }).toEqual({ detections: 0, falseSuspicions: 1, cutoff: 1 });
  });

  it('credits a leave that comes after a short outage the peer has recovered from, if the outage fell within the silence', () => {
    const score = new DetectorScore(TIMEOUT_MS);
    score.crashed(4, 20_000, 1);
    score.recovered(4, 21_000);
    score.leave(4, 24_500, true);
    expect(score.detections).toBe(1);
    expect(score.latenciesMs).toEqual([4500]);
    score.settle(30_000);
    expect(score.crashes).toBe(0); // down 1,000 ms < the timeout: not a crash a detector must see
  });

  it('counts an unwatched crash as a crash but not in the detected share, and a watched crash left too late as missed', () => {
    const score = new DetectorScore(TIMEOUT_MS);
    score.crashed(1, 0, 0);
    score.crashed(2, 0, 3);
    score.leave(2, 6000, true);
    score.settle(10_000);
    expect({ crashes: score.crashes, watched: score.watchedCrashes, detected: score.detectedCrashes }).toEqual({ crashes: 2, watched: 1, detected: 0 });
    expect(score.latenciesMs).toEqual([6000]);
  });
});

describe('the detector in a scenario', () => {
  it('detects one host crash at 200 s within the 4,000 ms timeout, no sooner than timeout - period - 1 s of latency margin, with no false suspicion', () => {
    const file = fixture('good/churn.yaml');
    const scenario = loadScenario(file, ['churn=', 'durationS=300', 'faults=[{kind: host-crash, atS: 200, host: 5}]']);
    const f = runScenario(scenario, file).series.finalValues();
    expect(f['detector.crashes']).toBe(1);
    expect(f['detector.watched_crashes']).toBe(1);
    expect(f['detector.detected_share']).toBe(1);
    expect(f['detector.false_suspicions']).toBe(0);
    expect(f['detector.cutoff_leaves']).toBe(0);
    expect(f['detector.detections']).toBe(f['detector.leaves']);
    expect(f['detector.p90_latency_ms']).toBeLessThanOrEqual(4000);
    expect(f['detector.median_latency_ms']).toBeGreaterThanOrEqual(4000 - 1000 - 1000);
  });

  it('renater-detector for 300 s, Brittany cut off from 200 to 260 s: every watched crash detected within 5 s, cut-off leaves but no false suspicion', () => {
    const file = join(ROOT, 'scenarios', 'renater-detector.yaml');
    const f = runScenario(loadScenario(file, ['durationS=300', 'faults[0].atS=200']), file).series.finalValues();
    expect(f['churn.leaves']).toBeGreaterThan(10);
    expect(f['detector.watched_crashes']).toBeGreaterThan(10);
    expect(f['detector.detected_share']).toBe(1);
    expect(f['detector.false_suspicions']).toBe(0);
    expect(f['detector.cutoff_leaves']).toBeGreaterThan(0);
    expect(f['detector.p90_latency_ms']).toBeLessThanOrEqual(5000);
    expect(f['detector.median_latency_ms']).toBeGreaterThan(5000 - 1000 - 20);
  });
});

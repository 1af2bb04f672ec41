import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { installMonitor, storeHistory } from '../../src/torture/monitor.js';

const STORE = fileURLToPath(new URL('../../scenarios/renater-store.yaml', import.meta.url));

describe('the torture invariant of the store', () => {
  it('reads the verdicts only when a read was judged, and reports the first lost write', () => {
    const probe = { readsJudged: 0, lostWrites: { count: 0, first: null as string | null } };
    const check = storeHistory(probe);
    expect(check.check(0)).toBeUndefined();
    probe.readsJudged = 3;
    expect(check.check(0)).toBeNull();
    probe.readsJudged = 4;
    probe.lostWrites = { count: 1, first: 'the write of key 3 ...' };
    expect(check.check(0)).toBe('the write of key 3 ...');
  });

  it('holds on renater-store under its crashes and partition, checked at every read', () => {
    const scenario = loadScenario(STORE);
    let counts: Record<string, number> = {};
    runScenario(scenario, STORE, { instrument: (run) => (counts = installMonitor(run, { livenessS: 300, scanS: 10 })) });
    expect(counts['store.acked_writes']).toBeGreaterThan(1000);
  });
});

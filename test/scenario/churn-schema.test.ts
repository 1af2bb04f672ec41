import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { buildWorld } from '../../src/scenario/build-world.js';
import { sessionInMs } from '../../src/scenario/churn.js';
import { fixture, scenarioErrorOf } from './fixtures.js';

const CHURN = fixture('good/churn.yaml');

interface BadCase {
  readonly overrides: readonly string[];
  readonly field: string;
  readonly expected: string;
  readonly found?: string;
}

/** Caught by the schema (loadScenario). */
const schemaCases: readonly BadCase[] = [
  { overrides: ['churn.joinRatePerS=0'], field: 'churn.joinRatePerS', expected: 'a number > 0', found: '0' },
  { overrides: ['churn.joinRatePerS=abc'], field: 'churn.joinRatePerS', expected: 'a number > 0', found: "'abc'" },
  { overrides: ['churn.session.distribution=lognormal'], field: 'churn.session.distribution', expected: 'one of exponential, pareto, weibull', found: "'lognormal'" },
  { overrides: ['churn.session='], field: 'churn.session', expected: 'a session distribution: { distribution: exponential, meanS }', found: 'nothing' },
  { overrides: ['churn.session.meanS=-5'], field: 'churn.session.meanS', expected: 'a number > 0', found: '-5' },
  { overrides: ['churn.session={distribution: pareto, shape: 0, scaleS: 10}'], field: 'churn.session.shape', expected: 'a number > 0', found: '0' },
  { overrides: ['churn.session={distribution: weibull, shape: 0.5}'], field: 'churn.session.scaleS', expected: 'a number > 0', found: 'nothing' },
  { overrides: ['churn.hosts=some'], field: 'churn.hosts', expected: "'all', { share: a number in (0, 1] } or a list of host indices", found: "'some'" },
  { overrides: ['churn.hosts={share: 0}'], field: 'churn.hosts.share', expected: 'a number in (0, 1]', found: '0' },
  { overrides: ['churn.hosts={share: 2}'], field: 'churn.hosts.share', expected: 'a number in (0, 1]', found: '2' },
  { overrides: ['churn.hosts=[]'], field: 'churn.hosts', expected: 'a list of at least one host index', found: 'an empty list' },
  { overrides: ['churn.hosts=[1, 1]'], field: 'churn.hosts[1]', expected: 'distinct host indices (1 is listed twice)' },
  { overrides: ['churn.keepUp=[0, 0]'], field: 'churn.keepUp[1]', expected: 'distinct host indices (0 is listed twice)' },
  { overrides: ['churn.keepUp=[1]', 'churn.hosts=[1, 2]'], field: 'churn.hosts[0]', expected: 'a host not in keepUp (1 is in both)' },
  { overrides: ['churn.initiallyUpShare=1.5'], field: 'churn.initiallyUpShare', expected: 'a number in [0, 1]', found: '1.5' },
  { overrides: ['churn.startS=600'], field: 'churn.startS', expected: 'a time in seconds < durationS (600)', found: '600' },
  { overrides: ['churn.meanS=60'], field: 'churn.meanS', expected: 'one of hosts, keepUp, initiallyUpShare, startS, joinRatePerS, session, eventsMax', found: "unknown field 'meanS'" },
  { overrides: ['churn=5'], field: 'churn', expected: 'an object of churn settings: joinRatePerS and session at least', found: '5' },
  { overrides: ['detector.timeoutMs=500'], field: 'detector.timeoutMs', expected: 'a number > periodMs (1000)', found: '500' },
  { overrides: ['detector.monitoredMax=0'], field: 'detector.monitoredMax', expected: 'an integer >= 1', found: '0' },
];

/** Caught once the world is known (buildWorld): host indices, shares, faults on the same hosts, the event bound. */
const worldCases: readonly BadCase[] = [
  { overrides: ['churn.hosts=[99]'], field: 'churn.hosts[0]', expected: 'a host index < 12', found: '99' },
  { overrides: ['churn.keepUp=[20]'], field: 'churn.keepUp[0]', expected: 'a host index < 12', found: '20' },
  { overrides: ['churn.hosts={share: 0.01}'], field: 'churn.hosts.share', expected: 'a share giving at least one of the 11 hosts', found: '0.01' },
  { overrides: ['churn.eventsMax=3'], field: 'churn.eventsMax', expected: 'an integer >= the joins and leaves of the run', found: '3, exceeded' },
  {
    overrides: ['faults=[{kind: host-crash, atS: 100, host: 3}]'],
    field: 'churn.hosts',
    expected: 'hosts that no host, PoP or stochastic host/PoP fault also takes down',
    found: 'host 3, also taken down by faults[0]',
  },
  { overrides: ['faults=[{kind: stochastic, target: pops, mttfS: 100, mttrS: 10}]'], field: 'churn.hosts', expected: 'hosts that no host, PoP or stochastic', found: 'faults[0]' },
];

function expectIssue(bad: BadCase, load: () => unknown): void {
  const error = scenarioErrorOf(load);
  expect(error.file).toBe(CHURN);
  const issue = error.issues.find((candidate) => candidate.field === bad.field);
  expect(issue, error.message).toBeDefined();
  expect(issue?.expected).toContain(bad.expected);
  if (bad.found !== undefined) expect(issue?.found).toContain(bad.found);
}

describe('the churn and detector sections', () => {
  it.each(schemaCases)('$overrides: $field expected $expected', (bad) => {
    expectIssue(bad, () => loadScenario(CHURN, bad.overrides));
  });

  it.each(worldCases)('$overrides (once the hosts are known): $field expected $expected', (bad) => {
    expectIssue(bad, () => {
      const scenario = loadScenario(CHURN, bad.overrides);
      return buildWorld(scenario, CHURN);
    });
  });

  it('is optional: without it a scenario has no churn and no detector', () => {
    const scenario = loadScenario(CHURN, ['churn=', 'detector=']);
    expect(scenario.churn).toBeUndefined();
    expect(scenario.detector).toBeUndefined();
    expect(buildWorld(scenario, CHURN).churn).toBeNull();
  });

  it('fills the defaults: all hosts, all initially up, churn from time 0, the detector defaults of actors/', () => {
    const scenario = loadScenario(CHURN, ['churn={joinRatePerS: 0.1, session: {distribution: exponential, meanS: 60}}', 'detector={}']);
    expect(scenario.churn).toEqual({ hosts: 'all', keepUp: [], initiallyUpShare: 1, startS: 0, joinRatePerS: 0.1, session: { distribution: 'exponential', meanS: 60 }, eventsMax: 10_000_000 });
    expect(scenario.detector).toEqual({ periodMs: 1000, timeoutMs: 5000, monitoredMax: 64, pingSizeBytes: 48 });
  });

  it('converts session lengths from seconds in the file to the milliseconds of the churn model', () => {
    expect(sessionInMs({ distribution: 'exponential', meanS: 90 })).toEqual({ kind: 'exponential', meanMs: 90_000 });
    expect(sessionInMs({ distribution: 'pareto', shape: 1.5, scaleS: 2 })).toEqual({ kind: 'pareto', shape: 1.5, scaleMs: 2000 });
    expect(sessionInMs({ distribution: 'weibull', shape: 0.6, scaleS: 600 })).toEqual({ kind: 'weibull', shape: 0.6, scaleMs: 600_000 });
  });

  it('plans the churn of the 11 hosts outside keepUp: half of them down from time 0, every step after startS (60 s) and before the end, alternating per host', () => {
    const world = buildWorld(loadScenario(CHURN), CHURN);
    const plan = world.churn;
    if (plan === null) throw new Error('expected a churn plan');
    expect(plan.pool).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(plan.startDown).toHaveLength(11 - Math.round(0.5 * 11));
    const up = new Set(plan.pool.filter((h) => !plan.startDown.includes(h)));
    expect(plan.steps.length).toBeGreaterThan(10);
    let last = 60_000;
    for (const step of plan.steps) {
      expect(step.timeMs).toBeGreaterThanOrEqual(last);
      expect(step.timeMs).toBeLessThan(600_000);
      last = step.timeMs;
      if (step.kind === 'join') expect(up.has(step.node)).toBe(false);
      else expect(up.has(step.node)).toBe(true);
      if (step.kind === 'join') up.add(step.node);
      else up.delete(step.node);
    }
  });

  it('draws a share of hosts and the schedule from the seed: same seed, same plan; another seed, another plan', () => {
    const plan = (seed: number) => buildWorld(loadScenario(CHURN, [`seed=${seed}`, 'churn.hosts={share: 0.5}']), CHURN).churn;
    expect(plan(5)).toEqual(plan(5));
    expect(plan(5)).not.toEqual(plan(6));
    expect(plan(5)?.pool).toHaveLength(Math.round(0.5 * 11));
    expect(plan(5)?.pool).not.toContain(0);
  });
});
